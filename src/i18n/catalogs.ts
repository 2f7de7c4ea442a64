import type { Catalog } from './catalog.js';
import { ar } from './messages/ar.js';
import { en } from './messages/en.js';
import { es } from './messages/es.js';
import { fr } from './messages/fr.js';
import { ru } from './messages/ru.js';
import { vi } from './messages/vi.js';
import { zh } from './messages/zh.js';

/** Every catalog, by language tag. A new language is one file in messages/ and one entry here. */
export const CATALOGS: Readonly<Record<string, Catalog>> = { en, fr, ar, es, ru, zh, vi };

/** The languages reports can be rendered in: the six official languages of the United Nations and Vietnamese. */
export const LANGUAGES: readonly string[] = Object.keys(CATALOGS);
