import { CBOR_BUNDLE_MAX_BYTES } from '../entries/cbor.js';
import { decodeCborBundle, detectBundleForm, EvidenceBundleError, filesSource, openZipSource, parseTrustPolicy, trustPolicyFromKeys, type BagSource, type TrustPolicy } from '../index.js';
import type { DigestBackend } from '../entries/digest.js';
import { parseJson } from '../entries/encoding.js';
import { blobReader } from './blob-reader.js';
import { folderSource } from './folder-source.js';
import { folderWithWorker, zipWithWorker, type WorkerDigestOptions } from './worker-digest.js';

/** A bundle the user gave the page, opened for verification. */
export interface OpenedInput {
  source: BagSource;
  form: 'directory' | 'zip' | 'cbor';
  /** What the user gave, for the report header: a file name or a folder name. */
  name: string;
}

// Trust files are small JSON documents; a larger one is a mistake, refused before it is read.
const MAX_TRUST_FILE_BYTES = 16 * 1024 * 1024;

/**
 * Opens one dropped or picked file as a bundle, recognised by its first bytes (never its name), as `evb verify`
 * does: a ZIP is read in place through its central directory, a CBOR bundle (at most `CBOR_BUNDLE_MAX_BYTES`) is
 * read whole and decoded strictly. A ZIP's entries are hashed by the source itself (its `digest`, which also
 * checks each CRC-32), so the page's fast hashes must be given here: without `backend`, @noble/hashes.
 * @param backend the digest backend of the ZIP source's own hashing (the page's WebAssembly backend).
 * @param worker the page's hashing worker: a ZIP's large entries get their SHA-256 there (zipWithWorker).
 * @throws EvidenceBundleError `ERR_BAG_INVALID` for a file that is neither; `ERR_ZIP_MALFORMED`; `ERR_LIMIT_EXCEEDED`
 *   for a CBOR bundle over its limit; what `decodeCborBundle` throws (`ERR_DOCUMENT_INVALID`, `ERR_CBOR_*`, `ERR_PATH_*`).
 * @example const { source } = await openBundleFile(input.files[0]);
 */
export async function openBundleFile(file: File, backend?: DigestBackend, worker?: Omit<WorkerDigestOptions, 'backend'>): Promise<OpenedInput> {
  const reader = blobReader(file);
  const form = detectBundleForm(await reader.read(0, Math.min(4, reader.size)));
  if (form === 'zip') {
    const zip = await openZipSource(reader, backend === undefined ? {} : { backend });
    return { source: worker === undefined ? zip : zipWithWorker(zip, { ...worker, ...(backend === undefined ? {} : { backend }) }), form, name: file.name };
  }
  if (form === 'cbor') {
    if (file.size > CBOR_BUNDLE_MAX_BYTES) {
      throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `a CBOR bundle of ${file.size} bytes, over ${CBOR_BUNDLE_MAX_BYTES}`);
    }
    return { source: filesSource(decodeCborBundle(await reader.read(0, file.size))), form, name: file.name };
  }
  throw new EvidenceBundleError('ERR_BAG_INVALID', 'the file is not a bundle (ZIP or CBOR); a bundle directory is given as a folder');
}

/**
 * Opens a folder's files (by bag path) as a bundle in the directory form.
 * @param worker the page's hashing worker (with the backend of the other algorithms): large files get their
 *   SHA-256 there (folderWithWorker); without it the validator hashes every file on the page's thread.
 * @throws EvidenceBundleError `ERR_BAG_INVALID` for an empty folder.
 */
export function openBundleFolder(name: string, files: ReadonlyMap<string, Blob>, worker?: WorkerDigestOptions): OpenedInput {
  if (files.size === 0) throw new EvidenceBundleError('ERR_BAG_INVALID', 'the folder is empty');
  const source = folderSource(files);
  return { source: worker === undefined ? source : folderWithWorker(source, files, worker), form: 'directory', name };
}

/**
 * The receiver's trust material, as {@link readTrustFiles} found it: `description` in English, `from` for a
 * rendering in the reader's language (the policy file's name, untrusted, or the number of keys).
 */
export type TrustMaterial = { policy: TrustPolicy; description: string; from: { policy: string } | { keys: number } };

/**
 * Reads the trust material the user gave: one trust policy file, or one or more public JWK / JWKS files (each
 * key trusted in every role, as `evb verify --trust`). Judged before any bundle is read, as the CLI does: a
 * file that is no JSON, no policy and no key is the user's mistake, not a finding.
 * @throws EvidenceBundleError `ERR_POLICY_INVALID` when no file is given, or a policy comes with other files;
 *   `ERR_LIMIT_EXCEEDED` for a file over 16 MiB; `ERR_JSON_*` for a file that is no JSON; what `parseTrustPolicy`
 *   throws (`ERR_POLICY_INVALID`) and `trustPolicyFromKeys` throws (`ERR_KEY_INVALID`, `ERR_KEY_TOO_SMALL`).
 *   Each message names the file.
 */
export async function readTrustFiles(files: readonly File[]): Promise<TrustMaterial> {
  if (files.length === 0) throw new EvidenceBundleError('ERR_POLICY_INVALID', 'no trust policy and no trusted key given');
  const values: Array<{ name: string; value: unknown }> = [];
  for (const file of files) {
    const value = await named(file.name, async () => {
      if (file.size > MAX_TRUST_FILE_BYTES) throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `${file.size} bytes, over ${MAX_TRUST_FILE_BYTES}`);
      return parseJson(new Uint8Array(await file.arrayBuffer()));
    });
    values.push({ name: file.name, value });
  }
  const isKeys = (v: unknown): boolean => v !== null && typeof v === 'object' && !Array.isArray(v) && ('kty' in v || Array.isArray((v as { keys?: unknown }).keys));
  const policies = values.filter((v) => !isKeys(v.value));
  if (policies.length > 0) {
    if (values.length > 1) throw new EvidenceBundleError('ERR_POLICY_INVALID', 'give one trust policy, or public keys, not both');
    const [only] = policies;
    const policy = await named(only!.name, async () => parseTrustPolicy(only!.value));
    return { policy, description: `trust policy ${only!.name}`, from: { policy: only!.name } };
  }
  const keys: JsonWebKey[] = [];
  for (const { name, value } of values) {
    const found = (Array.isArray((value as { keys?: unknown }).keys) ? (value as { keys: unknown[] }).keys : [value]) as JsonWebKey[];
    await named(name, async () => trustPolicyFromKeys(found));
    keys.push(...found);
  }
  return { policy: trustPolicyFromKeys(keys), description: `${keys.length} trusted public key${keys.length === 1 ? '' : 's'}`, from: { keys: keys.length } };
}

/** Runs `read`, giving an EvidenceBundleError it throws the file's name, its code kept. */
async function named<T>(name: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof EvidenceBundleError) throw new EvidenceBundleError(error.code, `${name}: ${error.message}`, { cause: error });
    if (error instanceof TypeError || error instanceof RangeError) throw new EvidenceBundleError('ERR_KEY_INVALID', `${name}: ${error.message}`, { cause: error });
    throw error;
  }
}
