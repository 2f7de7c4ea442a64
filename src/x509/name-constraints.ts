import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { isPrefix, normalizedName, type NormalizedRdn } from './names.js';

/** Object identifiers of the extensions this module reads. */
export const NAME_CONSTRAINTS_OID = '2.5.29.30';
const SUBJECT_ALT_NAME = '2.5.29.17';
const EMAIL_ADDRESS = '1.2.840.113549.1.9.1';

/** A GeneralName (RFC 5280 section 4.2.1.6) of a type name constraints are checked for, in comparable form. */
export type CheckedName =
  | { type: 'rfc822' | 'dns' | 'uri'; value: string }
  | { type: 'directory'; value: NormalizedRdn[] }
  | { type: 'ip'; value: Uint8Array }
  | { type: 'other'; tag: number };

/** A subtree of a NameConstraints extension: the base name (an IP subtree is address then mask). */
export type Subtree = CheckedName;

/** The permitted and excluded subtrees of one certificate's NameConstraints. */
export interface NameConstraints {
  permitted?: Subtree[];
  excluded?: Subtree[];
}

/** Most names or subtrees read from one extension (bounded resources: each name is checked against each subtree). */
export const MAX_NAMES = 256;

/**
 * The GeneralNames of a DER `SEQUENCE OF GeneralName` (RFC 5280 section 4.2.1.6), or undefined when it is not
 * one or holds more than {@link MAX_NAMES}. rfc822Name, dNSName and URI must be ASCII (IA5String).
 */
export function readGeneralNames(sequence: asn1js.AsnType): CheckedName[] | undefined {
  if (!(sequence instanceof asn1js.Sequence) || sequence.valueBlock.value.length > MAX_NAMES) return undefined;
  const names: CheckedName[] = [];
  for (const item of sequence.valueBlock.value) {
    const name = readGeneralName(item);
    if (name === undefined) return undefined;
    names.push(name);
  }
  return names;
}

function readGeneralName(item: asn1js.AsnType): CheckedName | undefined {
  if (item.idBlock.tagClass !== 3) return undefined;
  const tag = item.idBlock.tagNumber;
  if (tag === 1 || tag === 2 || tag === 6) {
    if (item.idBlock.isConstructed) return undefined;
    const bytes = (item as asn1js.Primitive).valueBlock.valueHexView;
    if (bytes.some((b) => b > 0x7e || b < 0x20)) return undefined;
    return { type: tag === 1 ? 'rfc822' : tag === 2 ? 'dns' : 'uri', value: String.fromCharCode(...bytes) };
  }
  if (tag === 4) {
    const inner = (item as asn1js.Constructed).valueBlock.value;
    if (!item.idBlock.isConstructed || inner?.length !== 1) return undefined;
    const value = normalizedName(new pkijs.RelativeDistinguishedNames({ schema: inner[0] }));
    return value === undefined ? undefined : { type: 'directory', value };
  }
  if (tag === 7) {
    if (item.idBlock.isConstructed) return undefined;
    return { type: 'ip', value: new Uint8Array((item as asn1js.Primitive).valueBlock.valueHexView) };
  }
  return tag <= 8 ? { type: 'other', tag } : undefined;
}

/**
 * The NameConstraints of a certificate (RFC 5280 section 4.2.1.10), undefined when it has none, or a reason
 * when the extension cannot be used: not DER of the syntax, empty, a minimum other than 0 or a maximum (both
 * forbidden by the RFC), an IP subtree that is not an address and a contiguous mask.
 */
export function nameConstraintsOf(cert: pkijs.Certificate): NameConstraints | undefined | string {
  const ext = (cert.extensions ?? []).find((e) => e.extnID === NAME_CONSTRAINTS_OID);
  if (ext === undefined) return undefined;
  const asn1 = asn1js.fromBER(ext.extnValue.valueBlock.valueHexView);
  if (asn1.offset === -1 || !(asn1.result instanceof asn1js.Sequence)) return 'its nameConstraints extension does not decode';
  const result: NameConstraints = {};
  for (const part of asn1.result.valueBlock.value) {
    const tag = part.idBlock.tagNumber;
    if (part.idBlock.tagClass !== 3 || (tag !== 0 && tag !== 1) || !part.idBlock.isConstructed) return 'its nameConstraints extension does not decode';
    const subtrees: Subtree[] = [];
    const items = (part as asn1js.Constructed).valueBlock.value;
    if (items.length === 0 || items.length > MAX_NAMES) return 'its nameConstraints extension has an empty or oversized subtree list';
    for (const subtree of items) {
      const fields = subtree instanceof asn1js.Sequence ? subtree.valueBlock.value : [];
      // minimum DEFAULT 0 is absent in DER; maximum MUST be absent (RFC 5280 section 4.2.1.10).
      if (fields.length !== 1) return 'a nameConstraints subtree has minimum or maximum (RFC 5280 section 4.2.1.10 forbids them)';
      const base = readGeneralName(fields[0]!);
      if (base === undefined) return 'a nameConstraints subtree has an unreadable base name';
      if (base.type === 'ip' && !validIpSubtree(base.value)) return 'a nameConstraints iPAddress subtree is not an address and a contiguous mask';
      subtrees.push(base);
    }
    if (tag === 0) result.permitted = subtrees;
    else result.excluded = subtrees;
  }
  if (result.permitted === undefined && result.excluded === undefined) return 'its nameConstraints extension is empty (RFC 5280 section 4.2.1.10)';
  return result;
}

function validIpSubtree(bytes: Uint8Array): boolean {
  if (bytes.length !== 8 && bytes.length !== 32) return false;
  const mask = bytes.subarray(bytes.length / 2);
  let ended = false;
  for (const byte of mask) {
    for (let bit = 7; bit >= 0; bit--) {
      const set = (byte >> bit) & 1;
      if (set === 1 && ended) return false;
      if (set === 0) ended = true;
    }
  }
  return true;
}

/**
 * The names of a certificate that name constraints restrict (RFC 5280 section 6.1.3 b and c): its subject as a
 * directoryName (unless empty), every emailAddress attribute of the subject as an rfc822Name, and every
 * subjectAltName. Undefined when the subjectAltName cannot be read: unreadable names satisfy no constraint.
 */
export function constrainedNamesOf(cert: pkijs.Certificate): CheckedName[] | undefined {
  const names: CheckedName[] = [];
  const subject = normalizedName(cert.subject);
  if (subject === undefined) return undefined;
  if (subject.length > 0) names.push({ type: 'directory', value: subject });
  for (const tv of cert.subject.typesAndValues) {
    if (tv.type !== EMAIL_ADDRESS) continue;
    const value = (tv.value.valueBlock as { value?: unknown }).value;
    if (typeof value !== 'string') return undefined;
    names.push({ type: 'rfc822', value });
  }
  const san = (cert.extensions ?? []).find((e) => e.extnID === SUBJECT_ALT_NAME);
  if (san !== undefined) {
    const asn1 = asn1js.fromBER(san.extnValue.valueBlock.valueHexView);
    const alt = asn1.offset === -1 ? undefined : readGeneralNames(asn1.result);
    if (alt === undefined) return undefined;
    names.push(...alt);
  }
  return names;
}

/**
 * Why `names` break the constraints of the CAs above them, or undefined when they do not: each name must lie
 * within a permitted subtree of its type of every CA that permits subtrees of that type, and within no excluded
 * subtree of any CA (RFC 5280 sections 4.2.1.10 and 6.1.3 b, c). A name of a type this module cannot compare
 * (otherName, x400Address, ediPartyName, registeredID) fails when some CA constrains that type.
 */
export function nameConstraintViolation(names: readonly CheckedName[], constraints: readonly NameConstraints[]): string | undefined {
  for (const name of names) {
    for (const c of constraints) {
      const permitted = (c.permitted ?? []).filter((s) => sameType(s, name));
      // A type this module cannot compare fails closed wherever a CA constrains it.
      if (name.type === 'other' && (permitted.length > 0 || (c.excluded ?? []).some((s) => sameType(s, name)))) {
        return `${describe(name)} cannot be checked against the constraints on its type`;
      }
      if (permitted.length > 0 && !permitted.some((s) => within(name, s))) return `${describe(name)} is outside the permitted subtrees`;
      const excluded = (c.excluded ?? []).filter((s) => sameType(s, name));
      if (excluded.some((s) => within(name, s))) return `${describe(name)} is within an excluded subtree`;
    }
  }
  return undefined;
}

function sameType(a: CheckedName, b: CheckedName): boolean {
  return a.type === b.type && (a.type !== 'other' || a.tag === (b as { tag: number }).tag);
}

function describe(name: CheckedName): string {
  if (name.type === 'directory') return `the directoryName ${name.value.map((rdn) => rdn.join('+')).join(', ')}`;
  if (name.type === 'ip') return `the iPAddress ${[...name.value].join('.')}`;
  if (name.type === 'other') return `a name of GeneralName type [${name.tag}]`;
  return `the ${name.type === 'rfc822' ? 'rfc822Name' : name.type === 'dns' ? 'dNSName' : 'URI'} ${JSON.stringify(name.value)}`;
}

function within(name: CheckedName, base: Subtree): boolean {
  switch (name.type) {
    case 'directory':
      return isPrefix((base as { value: NormalizedRdn[] }).value, name.value);
    case 'dns':
      return hostWithin(name.value, (base as { value: string }).value, false);
    case 'rfc822':
      return mailWithin(name.value, (base as { value: string }).value);
    case 'uri': {
      const host = uriHost(name.value);
      return host !== undefined && hostWithin(host, (base as { value: string }).value, true);
    }
    case 'ip':
      return ipWithin(name.value, (base as { value: Uint8Array }).value);
    default:
      return false;
  }
}

// dNSName (RFC 5280 section 4.2.1.10): the base itself or any name made by adding labels on its left; a
// leading dot (the URI form, and a common dNSName usage openssl accepts) means subdomains only.
function hostWithin(host: string, base: string, uri: boolean): boolean {
  const h = prepareHost(host);
  const b = prepareHost(base);
  if (b === '') return true;
  if (b.startsWith('.')) return h.endsWith(b);
  if (uri) return h === b;
  return h === b || h.endsWith(`.${b}`);
}

function prepareHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

// rfc822Name: a full mailbox, a host (all mailboxes there) or `.domain` (any host under it).
function mailWithin(address: string, base: string): boolean {
  const at = address.lastIndexOf('@');
  if (at <= 0) return false;
  if (base.includes('@')) {
    const baseAt = base.lastIndexOf('@');
    return address.slice(0, at) === base.slice(0, baseAt) && address.slice(at + 1).toLowerCase() === base.slice(baseAt + 1).toLowerCase();
  }
  const host = address.slice(at + 1).toLowerCase();
  const b = base.toLowerCase();
  return b.startsWith('.') ? host.endsWith(b) : host === b;
}

function uriHost(uri: string): string | undefined {
  const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(?:[^/?#@]*@)?(\[[^\]]*\]|[^/?#:]*)/.exec(uri);
  const host = match?.[1];
  return host === undefined || host === '' ? undefined : host;
}

function ipWithin(ip: Uint8Array, base: Uint8Array): boolean {
  if (ip.length * 2 !== base.length) return false;
  const mask = base.subarray(ip.length);
  return ip.every((b, i) => (b & mask[i]!) === (base[i]! & mask[i]!));
}
