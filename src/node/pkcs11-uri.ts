import { EvidenceBundleError } from '../errors.js';
import { utf8DecodeStrict } from '../internal/bytes.js';

/**
 * A PKCS#11 URI (RFC 7512) read strictly: which token and which key object, and how to reach them. Text values
 * are percent-decoded UTF-8; `id` is the raw bytes of `CKA_ID`.
 */
export interface Pkcs11Uri {
  /** Token attributes (`CK_TOKEN_INFO`): matched against the blank-padded fields, padding removed. */
  readonly token?: string;
  readonly manufacturer?: string;
  readonly serial?: string;
  readonly model?: string;
  /** `CK_SLOT_ID` as a decimal number. */
  readonly slotId?: number;
  readonly slotDescription?: string;
  readonly slotManufacturer?: string;
  /** Object attributes: `CKA_LABEL`, `CKA_ID`, the object class (`private` is the only one that signs). */
  readonly object?: string;
  readonly id?: Uint8Array;
  readonly type?: 'public' | 'private' | 'cert' | 'secret-key' | 'data';
  /** Query attributes: the module to load, and the PIN or where to read it. */
  readonly modulePath?: string;
  readonly moduleName?: string;
  readonly pinValue?: string;
  readonly pinSource?: string;
}

// RFC 7512 section 2.3: each path and query attribute, its name in Pkcs11Uri, and whether it is text.
const PATH_ATTRIBUTES: Readonly<Record<string, keyof Pkcs11Uri>> = {
  token: 'token',
  manufacturer: 'manufacturer',
  serial: 'serial',
  model: 'model',
  'slot-id': 'slotId',
  'slot-description': 'slotDescription',
  'slot-manufacturer': 'slotManufacturer',
  object: 'object',
  id: 'id',
  type: 'type',
};
const QUERY_ATTRIBUTES: Readonly<Record<string, keyof Pkcs11Uri>> = {
  'module-path': 'modulePath',
  'module-name': 'moduleName',
  'pin-value': 'pinValue',
  'pin-source': 'pinSource',
};
const OBJECT_TYPES = ['public', 'private', 'cert', 'secret-key', 'data'] as const;
/** A URI is an argument, not a document: anything longer is a mistake. */
const MAX_URI_LENGTH = 4096;

// Characters allowed unencoded (RFC 7512 section 2.3: pk11-pchar and pk11-qchar, besides pct-encoded).
const PATH_CHAR = /^[A-Za-z0-9\-._~:[\]@!$'()*+,=&]$/;
const QUERY_CHAR = /^[A-Za-z0-9\-._~:[\]@!$'()*+,=/?|]$/;

/**
 * Parses a PKCS#11 URI (RFC 7512). Strict where a loose reading could pick another key than meant: every
 * attribute at most once, percent-encoding well formed and text UTF-8, no attribute this library would ignore
 * (`library-*`, vendor `x-` attributes), `slot-id` a decimal number, `type` one of the RFC's five.
 * @throws EvidenceBundleError `ERR_PKCS11_URI_INVALID`
 * @example
 * const uri = parsePkcs11Uri('pkcs11:token=Agency%20HSM;object=packager?module-path=/usr/lib/softhsm/libsofthsm2.so');
 * uri.token; // 'Agency HSM'
 */
export function parsePkcs11Uri(text: string): Pkcs11Uri {
  const fail = (why: string): never => {
    throw new EvidenceBundleError('ERR_PKCS11_URI_INVALID', `not a usable PKCS#11 URI (RFC 7512): ${why}`);
  };
  if (typeof text !== 'string') return fail('not a string');
  if (text.length > MAX_URI_LENGTH) fail(`longer than ${MAX_URI_LENGTH} characters`);
  // The scheme is case-insensitive (RFC 3986 section 3.1); attribute names are not.
  if (text.slice(0, 7).toLowerCase() !== 'pkcs11:') fail('it does not start with "pkcs11:"');
  const rest = text.slice(7);
  const queryAt = rest.indexOf('?');
  const path = queryAt === -1 ? rest : rest.slice(0, queryAt);
  const query = queryAt === -1 ? '' : rest.slice(queryAt + 1);
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  const read = (part: string, separator: string, names: Readonly<Record<string, keyof Pkcs11Uri>>, allowed: RegExp, where: string): void => {
    if (part === '') return;
    for (const attribute of part.split(separator)) {
      const eq = attribute.indexOf('=');
      if (eq <= 0) fail(`the ${where} attribute "${attribute}" has no name=value form`);
      const name = attribute.slice(0, eq);
      if (!Object.hasOwn(names, name)) {
        fail(`the ${where} attribute "${name}" is not one this library honours (${Object.keys(names).join(', ')})`);
      }
      if (seen.has(name)) fail(`"${name}" appears twice`);
      seen.add(name);
      const bytes = percentDecode(attribute.slice(eq + 1), allowed, name, fail);
      const key = names[name]!;
      out[key] = key === 'id' ? bytes : textValue(bytes, name, fail);
    }
  };
  read(path, ';', PATH_ATTRIBUTES, PATH_CHAR, 'path');
  read(query, '&', QUERY_ATTRIBUTES, QUERY_CHAR, 'query');
  if (out['slotId'] !== undefined) {
    const digits = out['slotId'] as string;
    if (!/^(0|[1-9][0-9]{0,9})$/.test(digits) || Number(digits) > 0xffffffff) fail(`slot-id "${digits}" is not a decimal CK_SLOT_ID`);
    out['slotId'] = Number(digits);
  }
  if (out['type'] !== undefined && !(OBJECT_TYPES as readonly string[]).includes(out['type'] as string)) {
    fail(`type "${String(out['type'])}" is not one of ${OBJECT_TYPES.join(', ')}`);
  }
  if (out['pinValue'] !== undefined && out['pinSource'] !== undefined) fail('both pin-value and pin-source are given');
  return out as Pkcs11Uri;
}

function percentDecode(value: string, allowed: RegExp, name: string, fail: (why: string) => never): Uint8Array {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const char = value[i]!;
    if (char === '%') {
      const hex = value.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) fail(`"${name}" has a bad percent-encoding`);
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (allowed.test(char)) {
      bytes.push(char.charCodeAt(0));
    } else {
      fail(`"${name}" holds the character ${JSON.stringify(char)}, which must be percent-encoded`);
    }
  }
  return new Uint8Array(bytes);
}

function textValue(bytes: Uint8Array, name: string, fail: (why: string) => never): string {
  let text: string;
  try {
    text = utf8DecodeStrict(bytes);
  } catch {
    return fail(`"${name}" is not UTF-8`);
  }
  // A NUL would cut the value short in the C module; a PIN or a path never holds one.
  if (text.includes('\u0000')) fail(`"${name}" holds a NUL`);
  return text;
}
