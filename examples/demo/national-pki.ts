// A test national PKI for the demo: Viet Nam's evidence-signing root CA, and a certificate it issues to the
// central authority's signing key. Made with pkijs and WebCrypto so that the demo needs nothing but npm install.
// For the demo only: a real national root lives offline, in an HSM, under its own certificate policy.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

const OID = {
  country: '2.5.4.6',
  organisation: '2.5.4.10',
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
} as const;

/** A certificate and the PEM text of it. */
export interface IssuedCertificate {
  pem: string;
  /** Base64 DER: the form of an `x5c` element. */
  der: string;
}

/**
 * Creates a self-signed root (ECDSA P-384) and a leaf certificate for `leafPublicJwk` (the central authority's
 * ES256 key), valid from a day ago for two years, with keyUsage digitalSignature and nonRepudiation.
 */
export async function createNationalPki(leafPublicJwk: JsonWebKey, names: { country: string; organisation: string; root: string; leaf: string }): Promise<{ root: IssuedCertificate; leaf: IssuedCertificate }> {
  const rootKeys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const { alg: _alg, use: _use, key_ops: _ops, ...material } = leafPublicJwk;
  const leafKey = await crypto.subtle.importKey('jwk', material, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
  const day = 24 * 3600 * 1000;
  const notBefore = new Date(Date.now() - day);
  const notAfter = new Date(Date.now() + 730 * day);

  const rootName = distinguishedName(names.country, names.organisation, names.root);
  const root = await certificate({
    serial: 1,
    issuer: rootName,
    subject: rootName,
    publicKey: rootKeys.publicKey,
    signingKey: rootKeys.privateKey,
    notBefore,
    notAfter: new Date(Date.now() + 3650 * day),
    ca: true,
    // keyCertSign and cRLSign (bits 5 and 6)
    keyUsage: [0x06, 1],
  });
  const leaf = await certificate({
    serial: 2,
    issuer: rootName,
    subject: distinguishedName(names.country, names.organisation, names.leaf),
    publicKey: leafKey,
    signingKey: rootKeys.privateKey,
    notBefore,
    notAfter,
    ca: false,
    // digitalSignature and nonRepudiation (bits 0 and 1)
    keyUsage: [0xc0, 6],
  });
  return { root, leaf };
}

function distinguishedName(country: string, organisation: string, commonName: string): pkijs.RelativeDistinguishedNames {
  return new pkijs.RelativeDistinguishedNames({
    typesAndValues: [
      new pkijs.AttributeTypeAndValue({ type: OID.country, value: new asn1js.PrintableString({ value: country }) }),
      new pkijs.AttributeTypeAndValue({ type: OID.organisation, value: new asn1js.Utf8String({ value: organisation }) }),
      new pkijs.AttributeTypeAndValue({ type: OID.commonName, value: new asn1js.Utf8String({ value: commonName }) }),
    ],
  });
}

async function certificate(o: {
  serial: number;
  issuer: pkijs.RelativeDistinguishedNames;
  subject: pkijs.RelativeDistinguishedNames;
  publicKey: CryptoKey;
  signingKey: CryptoKey;
  notBefore: Date;
  notAfter: Date;
  ca: boolean;
  keyUsage: [bits: number, unused: number];
}): Promise<IssuedCertificate> {
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ value: o.serial });
  cert.issuer = o.issuer;
  cert.subject = o.subject;
  cert.notBefore.value = o.notBefore;
  cert.notAfter.value = o.notAfter;
  const basic = new pkijs.BasicConstraints({ cA: o.ca });
  const usage = new asn1js.BitString({ valueHex: new Uint8Array([o.keyUsage[0]]).buffer, unusedBits: o.keyUsage[1] });
  cert.extensions = [
    new pkijs.Extension({ extnID: OID.basicConstraints, critical: true, extnValue: basic.toSchema().toBER(false), parsedValue: basic }),
    new pkijs.Extension({ extnID: OID.keyUsage, critical: true, extnValue: usage.toBER(false), parsedValue: usage }),
  ];
  await cert.subjectPublicKeyInfo.importKey(o.publicKey);
  await cert.sign(o.signingKey, 'SHA-384');
  const der = Buffer.from(cert.toSchema(true).toBER(false)).toString('base64');
  return { der, pem: `-----BEGIN CERTIFICATE-----\n${der.replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n` };
}
