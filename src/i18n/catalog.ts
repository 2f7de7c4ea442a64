import type { FindingCode } from '../report/codes.js';

/**
 * The fixed strings of the text report (`evb verify`) and of `evb inspect`: headings, labels, outcome words,
 * statuses. Parameters in braces, as in finding messages.
 */
export const TEXT_KEYS = [
  'outcome',
  'outcome.VALID',
  'outcome.INVALID',
  'outcome.INDETERMINATE',
  'label.bundle',
  'label.creator',
  'label.case',
  'label.basis',
  'bundle.value',
  'bundle.unreadable',
  'basis.value',
  'items.heading',
  'signatures.heading',
  'none',
  'signature.trusted-through',
  'signature.untrusted-through',
  'signature.timestamp',
  'signature.signed',
  'custody.heading',
  'custody.from',
  'custody.to',
  'custody.detail',
  'custody.all-items',
  'findings.heading',
  'findings.none',
  'at.item',
  'at.signature',
  'at.custody',
  'at.rule',
  'status.intact',
  'status.altered',
  'status.missing',
  'status.withheld',
  'status.unchecked',
  'status.valid',
  'status.invalid',
  'status.untrusted',
  'status.malformed',
  'inspect.unreadable',
  'inspect.bundle',
  'inspect.by',
  'inspect.case',
  'inspect.instrument',
  'inspect.request',
  'inspect.request-id',
  'inspect.related',
  'inspect.request-date',
  'inspect.requesting',
  'inspect.executing',
  'inspect.purpose',
  'inspect.speciality',
  'inspect.speciality-yes',
  'inspect.confidential',
  'inspect.handling',
  'inspect.data',
  'inspect.data-value',
  'inspect.retention',
  'inspect.retention-until',
  'inspect.retention-then',
  'inspect.items',
  'inspect.withheld',
  'inspect.acquired',
  'inspect.actors',
  'inspect.signatures',
  'inspect.signed-at',
  'inspect.custody',
  'inspect.chain-intact',
  'inspect.chain-problems',
  'yes',
  'no',
  'unspecified',
] as const;

/** The key of a fixed string of the text renderings. */
export type TextKey = (typeof TEXT_KEYS)[number];

/**
 * The messages of one language: the fixed strings of the renderings and one message per finding code, keyed by
 * the code, with the code's parameters (FINDING_PARAMS) in braces: `"item {item}: {algorithm} ..."`. The
 * catalog's own text is trusted; the parameters come from bundles and are escaped when shown.
 */
export interface Catalog {
  /** The BCP 47 tag of the language (`fr`). */
  readonly lang: string;
  /** The language's name in itself, for a language menu (`Français`). */
  readonly name: string;
  /** Writing direction: `rtl` for Arabic. */
  readonly dir: 'ltr' | 'rtl';
  readonly text: { readonly [K in TextKey]: string };
  /** A code with no message here is shown with the English one. */
  readonly findings: { readonly [C in FindingCode]?: string };
}
