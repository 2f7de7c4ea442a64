import { z } from 'zod';
import { checkBundlePath } from '../path/bundle-path.js';
import { ISO_3166_ALPHA2, type CountryCodeRecord } from './iso3166.js';

/**
 * The patterns of the value types, in one place: the zod schemas below and the hand-written item check
 * (check-items.ts), which must agree with them exactly, both read them from here.
 */
export const PATTERNS = {
  languageTag: /^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*$/,
  // Patterns carry no flags: JSON Schema's `pattern` has none, so `[\s\S]` stands for "any character" to keep
  // zod and the published schema in exact agreement.
  trimmed: /^\S(?:[\s\S]*\S)?$/,
  // C0 controls other than tab and line feed, DEL, C1 controls, and the bidi embedding, override and isolate
  // controls: text that holds them can rewrite or reorder what a person reads (docs/format.md, "Value types").
  // The bidi marks (LRM, RLM, ALM) stay: Arabic and Hebrew text needs them, and they move nothing around them.
  // eslint-disable-next-line no-control-regex
  noControls: /^[^\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]*$/,
  identifier: /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
  mediaType: /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}(\s*;\s*[a-z0-9!#$&^_.+-]+=("[^"]*"|[a-zA-Z0-9!#$&^_.+-]+))*$/i,
  // The path rules, as far as a pattern can say them, for the JSON Schema; NFC and lengths in bytes stay in code.
  // eslint-disable-next-line no-control-regex
  itemPath: /^(?!\/)(?![A-Za-z]:)(?!.*(?:^|\/)\.{1,2}(?:\/|$))(?!.*\/\/)(?!.*\/$)[^\\\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+$/,
  hex32: /^[0-9a-f]{64}$/,
  hex64: /^[0-9a-f]{128}$/,
} as const;

/**
 * RFC 3339 section 5.6 date-time with a mandatory offset (`Z` or `+hh:mm`), upper-case `T` and `Z`, seconds
 * required, fraction optional; impossible dates (February 30, February 29 outside leap years) and leap seconds
 * are rejected.
 */
export const DateTime = z.iso
  .datetime({ offset: true })
  .meta({ description: 'RFC 3339 date-time with offset (Z or +hh:mm), e.g. 2026-10-02T08:14:07+07:00' });

/** RFC 3339 section 5.6 full-date; impossible dates are rejected. */
export const FullDate = z.iso.date().meta({ description: 'RFC 3339 full-date, e.g. 2026-08-03' });

/** ISO 3166-1 alpha-2 country code, upper case, assigned codes only. */
// Typed by name: inferred, the 249-member record would be inlined wherever a schema holds a country.
export const Country: z.ZodEnum<CountryCodeRecord> = z.enum(ISO_3166_ALPHA2).meta({ id: 'CountryCode', description: 'ISO 3166-1 alpha-2 country code' });

/** A BCP 47 language tag (RFC 5646 syntax: language, optional script, region, variants). */
export const LanguageTag = z
  .string()
  .regex(PATTERNS.languageTag)
  .meta({ description: 'BCP 47 language tag, e.g. vi, fr, ar-DZ, zh-Hant' });

const TRIMMED = PATTERNS.trimmed;
const NO_CONTROLS = PATTERNS.noControls;
const NO_CONTROLS_MESSAGE = 'must contain no control character other than tab and line feed, and no bidi embedding, override or isolate control';

/**
 * Free text of a signed document, as every text field of the format takes it: `min` to `max` characters, no C0
 * control other than tab and line feed, no DEL, no C1 control, no bidi embedding, override or isolate control.
 */
export const plainText = (min: number, max: number) => z.string().min(min).max(max).regex(NO_CONTROLS, NO_CONTROLS_MESSAGE);

/** A non-empty string without leading or trailing white space, at most 4,096 characters (names, references); see {@link plainText}. */
export const Text = plainText(1, 4096).regex(TRIMMED, 'must be non-empty, without leading or trailing white space');

/** Like {@link Text}, for prose (purposes, descriptions, conditions): at most 65,536 characters. */
export const LongText = plainText(1, 65536).regex(TRIMMED, 'must be non-empty, without leading or trailing white space');

/** Free text in several languages: BCP 47 tag -> text; at least one language. */
export const MultilingualText = z
  .record(LanguageTag, LongText)
  .refine((t) => Object.keys(t).length > 0, 'needs at least one language')
  .meta({ description: 'Text by BCP 47 language tag (RFC 5646), e.g. {"vi": "...", "en": "..."}; at least one entry', minProperties: 1 });

/** An identifier used for cross references inside the manifest (item and actor ids). */
export const Identifier = z
  .string()
  .regex(PATTERNS.identifier)
  .meta({ description: 'Identifier: letters, digits, ".", "_", "-"; starts with a letter or digit; at most 128 characters' });

/** An RFC 6838 media type, optionally with parameters. */
export const MediaType = z
  .string()
  .max(255)
  .regex(PATTERNS.mediaType)
  .meta({ description: 'RFC 6838 media type, e.g. application/json' });

/** An RFC 7638 JWK SHA-256 thumbprint, base64url without padding. */
export const KeyId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/)
  .meta({ description: 'RFC 7638 JWK SHA-256 thumbprint, base64url' });

/** A path inside the bag's data/ directory, following the path rules of docs/format.md ("Path rules"). */
export const ItemPath = z
  .string()
  // checkBundlePath first, so that its precise reason is the message a reader sees.
  .superRefine((path, ctx) => {
    const problem = checkBundlePath(path);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `unsafe path: ${problem}` });
  })
  .regex(PATTERNS.itemPath)
  .max(1024)
  .meta({
    description:
      'Path relative to data/: "/" separators, relative, no empty, "." or ".." segments, no backslash, NUL, C0 or C1 control characters, DEL, bidi embedding, override or isolate controls (U+202A-U+202E, U+2066-U+2069), line or paragraph separators (U+2028, U+2029), Unicode NFC, at most 1,024 UTF-8 bytes and 255 per segment',
  });

const hex = (bytes: 32 | 64) => z.string().regex(bytes === 32 ? PATTERNS.hex32 : PATTERNS.hex64);

/** Digests of an item's bytes by algorithm, lower-case hex. SHA-256 is mandatory. */
export const Digests = z
  .strictObject({
    sha256: hex(32).meta({ description: 'SHA-256, 64 lower-case hex digits' }),
    sha512: hex(64).optional().meta({ description: 'SHA-512' }),
    'sha3-256': hex(32).optional().meta({ description: 'SHA3-256' }),
    blake3: hex(32).optional().meta({ description: 'BLAKE3, 256-bit output' }),
  })
  .meta({ description: 'Digests of the item bytes, lower-case hex' });
