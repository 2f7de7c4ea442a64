import type { Catalog } from './catalog.js';
import { en } from './messages/en.js';

/** Every catalog, by language tag. */
export const CATALOGS: Readonly<Record<string, Catalog>> = { en };

/** The languages reports can be rendered in. */
export const LANGUAGES: readonly string[] = Object.keys(CATALOGS);
