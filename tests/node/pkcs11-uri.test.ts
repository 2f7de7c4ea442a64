// RFC 7512 URIs are read strictly: a loose reading could select another key than the examiner named.
import { describe, expect, it } from 'vitest';
import { isEvidenceBundleError } from '../../src/errors.js';
import { parsePkcs11Uri } from '../../src/node/pkcs11-uri.js';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return isEvidenceBundleError(error) ? error.code : (error as Error).name;
  }
}

describe('parsePkcs11Uri refuses what is not a URI it can honour (ERR_PKCS11_URI_INVALID)', () => {
  const bad: Array<[string, string]> = [
    ['another scheme', 'pkcs12:token=a'],
    ['no scheme', 'token=a;object=b'],
    ['an attribute twice', 'pkcs11:object=a;object=b'],
    ['a query attribute twice', 'pkcs11:object=a?pin-value=1&pin-value=2'],
    ['an unknown path attribute', 'pkcs11:label=a'],
    ['a vendor attribute', 'pkcs11:object=a;x-vendor=1'],
    ['a library attribute (not matched here)', 'pkcs11:library-manufacturer=OpenSC;object=a'],
    ['a query attribute in the path', 'pkcs11:module-path=/lib/m.so'],
    ['a path attribute in the query', 'pkcs11:?object=a'],
    ['no "="', 'pkcs11:object'],
    ['an empty name', 'pkcs11:=a'],
    ['a truncated percent-encoding', 'pkcs11:object=a%2'],
    ['a non-hex percent-encoding', 'pkcs11:object=a%zz'],
    ['a space unencoded', 'pkcs11:object=my key'],
    ['a "/" unencoded in the path', 'pkcs11:object=a/b'],
    ['a "|" unencoded in the path', 'pkcs11:object=a|b'],
    ['invalid UTF-8', 'pkcs11:object=%ff'],
    ['a NUL', 'pkcs11:object=a%00b'],
    ['slot-id not decimal', 'pkcs11:slot-id=0x1'],
    ['slot-id with a leading zero', 'pkcs11:slot-id=01'],
    ['slot-id too large', 'pkcs11:slot-id=99999999999'],
    ['an unknown type', 'pkcs11:object=a;type=secret'],
    ['both pin-value and pin-source', 'pkcs11:object=a?pin-value=1&pin-source=/p'],
    ['too long', `pkcs11:object=${'a'.repeat(5000)}`],
  ];
  for (const [name, uri] of bad) {
    it(name, () => expect(codeOf(() => parsePkcs11Uri(uri))).toBe('ERR_PKCS11_URI_INVALID'));
  }
  it('refuses a non-string', () => expect(codeOf(() => parsePkcs11Uri(42 as never))).toBe('ERR_PKCS11_URI_INVALID'));
});

describe('parsePkcs11Uri reads RFC 7512 URIs', () => {
  it('reads the examples of RFC 7512 section 3', () => {
    expect(parsePkcs11Uri('pkcs11:')).toEqual({});
    expect(parsePkcs11Uri('pkcs11:object=my-pubkey;type=public')).toEqual({ object: 'my-pubkey', type: 'public' });
    expect(parsePkcs11Uri('pkcs11:object=my-key;type=private?pin-source=file:/etc/token')).toEqual({ object: 'my-key', type: 'private', pinSource: 'file:/etc/token' });
    expect(parsePkcs11Uri('pkcs11:token=The%20Software%20PKCS%2311%20Softtoken;manufacturer=Snake%20Oil,%20Inc.;model=1.0;object=my-certificate;type=cert;id=%69%95%3E%5C%F4%BD%EC%91;serial=')).toEqual({
      token: 'The Software PKCS#11 Softtoken', manufacturer: 'Snake Oil, Inc.', model: '1.0', object: 'my-certificate', type: 'cert',
      id: new Uint8Array([0x69, 0x95, 0x3e, 0x5c, 0xf4, 0xbd, 0xec, 0x91]), serial: '',
    });
    expect(parsePkcs11Uri('pkcs11:token=Software%20PKCS%2311%20softtoken;manufacturer=Snake%20Oil,%20Inc.?pin-value=the-pin')).toEqual({ token: 'Software PKCS#11 softtoken', manufacturer: 'Snake Oil, Inc.', pinValue: 'the-pin' });
    expect(parsePkcs11Uri('pkcs11:slot-description=Sun%20Metaslot')).toEqual({ slotDescription: 'Sun Metaslot' });
    expect(parsePkcs11Uri('pkcs11:token=Name%20with%20a%20small%20A%20with%20acute:%20%C3%A1')).toEqual({ token: 'Name with a small A with acute: á' });
    expect(parsePkcs11Uri('pkcs11:token=my-token;object=my-certificate;type=cert?pin-source=file:/etc/token_pin')).toEqual({ token: 'my-token', object: 'my-certificate', type: 'cert', pinSource: 'file:/etc/token_pin' });
  });

  it('reads the scheme case-insensitively, slot-id as a number, and a module path with its slashes', () => {
    expect(parsePkcs11Uri('PKCS11:slot-id=0;object=a?module-path=/usr/lib/softhsm/libsofthsm2.so')).toEqual({ slotId: 0, object: 'a', modulePath: '/usr/lib/softhsm/libsofthsm2.so' });
    expect(parsePkcs11Uri('pkcs11:slot-id=4294967295').slotId).toBe(4294967295);
  });

  it('keeps "&" literal in the path and "/", "?" literal in the query', () => {
    expect(parsePkcs11Uri('pkcs11:object=a&b').object).toBe('a&b');
    expect(parsePkcs11Uri('pkcs11:?module-path=/opt/hsm/lib?.so').modulePath).toBe('/opt/hsm/lib?.so');
  });
});
