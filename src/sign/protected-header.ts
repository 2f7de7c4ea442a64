import { DateTime, KeyId } from '../model/common.js';

/**
 * Why a protected header is not the header of an evidence-bundle JWS (docs/format.md, "Signatures" and
 * "Custody log"), or undefined when it is: `typ` exactly `expectedTyp`, `kid` an RFC 7638 thumbprint (43
 * base64url characters), `role` a non-empty string (one of `roles` when given: a bundle signature's vocabulary), `sigT` an RFC 3339 date-time in UTC (`Z`). `alg`, `crit`,
 * `b64` and `jwk` are judged by {@link readDetachedJws}, which runs first.
 * @example
 * checkProtectedHeader({ alg: 'EdDSA', kid, typ: MANIFEST_JWS_TYP, role: 'packager', sigT: '2026-10-06T09:00:00Z' }, MANIFEST_JWS_TYP); // undefined
 */
export function checkProtectedHeader(header: Readonly<Record<string, unknown>>, expectedTyp: string, roles?: readonly string[]): string | undefined {
  const { typ, kid, role, sigT } = header;
  if (typ !== expectedTyp) return `typ is ${describe(typ)}, not ${JSON.stringify(expectedTyp)}`;
  if (!KeyId.safeParse(kid).success) return `kid is ${describe(kid)}, not an RFC 7638 SHA-256 thumbprint (43 base64url characters)`;
  if (typeof role !== 'string' || role === '') return `role is ${describe(role)}, not a non-empty string`;
  // A role the reader does not know says nothing it can vouch for (docs/format.md, "Signatures", Roles).
  if (roles !== undefined && !roles.includes(role)) return `role is ${describe(role)}, not one of ${roles.join(', ')}`;
  // UTC only, as JAdES writes sigT: an offset would be a second way to write the same time.
  if (!DateTime.safeParse(sigT).success || !(sigT as string).endsWith('Z')) return `sigT is ${describe(sigT)}, not an RFC 3339 UTC time`;
  return undefined;
}

function describe(value: unknown): string {
  if (value === undefined) return 'absent';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
