import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { base64DecodeStrict } from '../internal/bytes.js';

/** Largest certificate accepted (bounded resources): real certificates are a few KiB. */
export const MAX_CERTIFICATE_BYTES = 64 * 1024;

/**
 * DER certificates of a PEM text (every CERTIFICATE block, RFC 7468) or of one base64 DER string; undefined if
 * neither. Trust anchors arrive in both forms (policy files hold PEM, `x5c` style arrays hold base64).
 * @example
 * const ders = certificatesFromText(readFileSync('root.pem', 'utf8')) ?? [];
 */
export function certificatesFromText(text: string): Uint8Array[] | undefined {
  if (!text.includes('-----BEGIN')) {
    const der = base64DecodeStrict(text.replace(/\s+/g, ''));
    return der === undefined ? undefined : [der];
  }
  const blocks = [...text.matchAll(/-----BEGIN CERTIFICATE-----([^-]*)-----END CERTIFICATE-----/g)];
  const ders = blocks.map((b) => base64DecodeStrict(b[1]!.replace(/\s+/g, '')));
  return ders.length === 0 || ders.some((d) => d === undefined) ? undefined : (ders as Uint8Array[]);
}

/** An X.509 certificate with the DER bytes it arrived as (hashes and comparisons are over those bytes). */
export interface DerCertificate {
  der: Uint8Array;
  cert: pkijs.Certificate;
}

/**
 * The certificates of trust anchors given as PEM texts or base64 DER strings ({@link certificatesFromText}). An
 * anchor that does not parse anchors nothing (the policy parser reports it); never throws.
 * @example
 * const anchors = parseAnchors(policy.timestampAuthorities[0].anchors);
 */
export function parseAnchors(anchors: readonly string[]): DerCertificate[] {
  return anchors.flatMap((text) =>
    ((typeof text === 'string' ? certificatesFromText(text) : undefined) ?? []).flatMap((der) => {
      const cert = parseCertificate(der);
      return cert === undefined ? [] : [{ der, cert }];
    }),
  );
}

/**
 * Decodes one DER value with nothing after it; undefined when the bytes are not exactly one value, or not in
 * the encoding they re-encode to. asn1js parses BER leniently (a declared length shorter than the content is
 * accepted), and bytes that change without changing the parse would let a signed object vary unnoticed: only
 * bytes that re-encode to themselves are accepted ("on decode, re-encode and compare").
 * @example
 * const asn1 = decodeDer(tokenBytes); if (asn1 === undefined) return malformed();
 */
export function decodeDer(der: Uint8Array): asn1js.AsnType | undefined {
  const view = new Uint8Array(der);
  try {
    const parsed = asn1js.fromBER(view);
    if (parsed.offset === -1 || parsed.offset !== view.length || parsed.result.error) return undefined;
    const again = new Uint8Array(parsed.result.toBER());
    if (again.length !== view.length || !again.every((b, i) => b === view[i])) return undefined;
    return parsed.result;
  } catch {
    return undefined;
  }
}

/**
 * Parses one DER certificate (RFC 5280 section 4.1) with pkijs; undefined when it is not exactly one
 * well-formed X.509 certificate of at most {@link MAX_CERTIFICATE_BYTES}. Never throws.
 * @example
 * const cert = parseCertificate(der); if (cert) console.log(nameToString(cert.subject));
 */
export function parseCertificate(der: Uint8Array): pkijs.Certificate | undefined {
  if (der.length === 0 || der.length > MAX_CERTIFICATE_BYTES) return undefined;
  const asn1 = decodeDer(der);
  if (asn1 === undefined) return undefined;
  try {
    return new pkijs.Certificate({ schema: asn1 });
  } catch {
    return undefined;
  }
}

const NAME_KEYS: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber', '1.2.840.113549.1.9.1': 'emailAddress', '2.5.4.97': 'organizationIdentifier',
};

/**
 * A distinguished name for people, in encoded order (most general first, as openssl prints), `C=VN, O=..., CN=...`.
 * For messages only: names are compared with {@link sameName}, never as strings.
 * @example
 * nameToString(cert.subject); // 'C=VN, O=Ministry, CN=Signer'
 */
export function nameToString(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((tv) => `${NAME_KEYS[tv.type] ?? tv.type}=${String((tv.value.valueBlock as { value?: unknown }).value ?? '')}`)
    .join(', ');
}

/**
 * Whether two names are the same, by byte comparison of their DER encodings (RFC 5280 section 7.1, simplified:
 * no case folding or whitespace compression, so a CA that re-encodes its name is refused, never confused).
 * @example
 * if (!sameName(cert.issuer, issuer.subject)) return 'not issued by';
 */
export function sameName(a: pkijs.RelativeDistinguishedNames, b: pkijs.RelativeDistinguishedNames): boolean {
  const x = new Uint8Array(a.toSchema().toBER());
  const y = new Uint8Array(b.toSchema().toBER());
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
