import type { Finding, FindingParams } from './finding-type.js';
import type { FindingDefinition, FindingLocation } from './finding.js';
import { BAG_FINDINGS } from './codes/bag.js';
import { BUNDLE_FINDINGS } from './codes/bundle.js';
import { CUSTODY_FINDINGS } from './codes/custody.js';
import { DISCLOSURE_FINDINGS } from './codes/disclosure.js';
import { ITEM_FINDINGS } from './codes/item.js';
import { POLICY_FINDINGS } from './codes/policy.js';
import { SIGNATURE_FINDINGS } from './codes/signature.js';
import { VERIFY_FINDINGS } from './codes/verify.js';
import { ZIP_FINDINGS } from './codes/zip.js';

/**
 * Every finding code the verifier can emit, with its severity, its effect on the outcome and what it means.
 * Codes are stable: once released, a code keeps its meaning. docs/format.md lists them from this table.
 */
export const FINDING_CODES = {
  ...BAG_FINDINGS,
  ...BUNDLE_FINDINGS,
  ...CUSTODY_FINDINGS,
  ...DISCLOSURE_FINDINGS,
  ...ITEM_FINDINGS,
  ...POLICY_FINDINGS,
  ...SIGNATURE_FINDINGS,
  ...VERIFY_FINDINGS,
  ...ZIP_FINDINGS,
} as const satisfies Record<string, FindingDefinition>;

/** A stable finding code, such as `bag.payload.digest-mismatch`: the closed union of the table's codes. */
export type FindingCode = keyof typeof FINDING_CODES;

/** The code-to-code record zod's enum of finding codes is typed with (named, so declarations do not inline it). */
export type FindingCodeRecord = { readonly [K in FindingCode]: K };

/** Every finding code of the table, in table order. */
export const FINDING_CODE_LIST = Object.keys(FINDING_CODES) as [FindingCode, ...FindingCode[]];

/** True for a code of the table; `Object.hasOwn` so that `toString` or `__proto__` never match. */
export function isFindingCode(code: unknown): code is FindingCode {
  return typeof code === 'string' && Object.hasOwn(FINDING_CODES, code);
}

/**
 * Builds a finding whose severity comes from the code table, so a code can never change severity by accident.
 * `params` are the values of the message, named as FINDING_PARAMS lists them for the code (src/report/finding-params.ts).
 */
export function makeFinding(code: FindingCode, message: string, location: FindingLocation = {}, params?: FindingParams): Finding {
  const definition: FindingDefinition = FINDING_CODES[code];
  return { code, severity: definition.severity, message, ...location, ...(params !== undefined && Object.keys(params).length > 0 ? { params } : {}) };
}
