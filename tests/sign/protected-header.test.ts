import { describe, expect, it } from 'vitest';
import { checkProtectedHeader } from '../../src/sign/protected-header.js';
import { MANIFEST_JWS_TYP } from '../../src/sign/sign-detached.js';

const KID = 'APym1H5Gm6oiRM_5yzi1RhcGxVs1pkbm5w8BSlGm_pw';
const good = (): Record<string, unknown> => ({ alg: 'EdDSA', kid: KID, typ: MANIFEST_JWS_TYP, role: 'packager', sigT: '2026-10-06T09:00:00Z' });

describe('checkProtectedHeader', () => {
  it.each([
    ['typ absent', { typ: undefined }],
    ['typ of another kind of JWS', { typ: 'evidence-custody-event+jws' }],
    ['typ JOSE', { typ: 'JOSE' }],
    ['typ with a prefix', { typ: `application/${MANIFEST_JWS_TYP}` }],
    ['kid absent', { kid: undefined }],
    ['kid too short', { kid: KID.slice(1) }],
    ['kid too long', { kid: `${KID}A` }],
    ['kid with a padding or non-base64url character', { kid: `${KID.slice(1)}=` }],
    ['kid an object', { kid: { id: KID } }],
    ['role absent', { role: undefined }],
    ['role empty', { role: '' }],
    ['role a list', { role: ['packager'] }],
    ['sigT absent', { sigT: undefined }],
    ['sigT a date only', { sigT: '2026-10-06' }],
    ['sigT lower-case t and z', { sigT: '2026-10-06t09:00:00z' }],
    ['sigT with an offset', { sigT: '2026-10-06T11:00:00+02:00' }],
    ['sigT without seconds', { sigT: '2026-10-06T09:00Z' }],
    ['sigT a leap second', { sigT: '2026-12-31T23:59:60Z' }],
    ['sigT February 29 of a common year', { sigT: '2026-02-29T09:00:00Z' }],
    ['sigT epoch seconds', { sigT: 1791277200 }],
  ])('refuses a header with %s', (_name, change) => {
    const header: Record<string, unknown> = { ...good(), ...change };
    for (const [name, value] of Object.entries(change)) if (value === undefined) delete header[name];
    expect(checkProtectedHeader(header, MANIFEST_JWS_TYP)).toEqual(expect.any(String));
  });

  it('accepts the header a signer writes, with or without x5c, and a sigT with a fraction', () => {
    expect(checkProtectedHeader(good(), MANIFEST_JWS_TYP)).toBeUndefined();
    expect(checkProtectedHeader({ ...good(), x5c: ['MII...'] }, MANIFEST_JWS_TYP)).toBeUndefined();
    expect(checkProtectedHeader({ ...good(), sigT: '2026-10-06T09:00:00.125Z' }, MANIFEST_JWS_TYP)).toBeUndefined();
  });

  it('judges typ against the type the caller expects', () => {
    expect(checkProtectedHeader({ ...good(), typ: 'evidence-custody-event+jws' }, 'evidence-custody-event+jws')).toBeUndefined();
    expect(checkProtectedHeader(good(), 'evidence-custody-event+jws')).toEqual(expect.any(String));
  });
});
