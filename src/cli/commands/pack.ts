import { promises as fsp } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { BUNDLE_RELATIONS, type RelatedBundle } from '../../model/manifest.js';
import { escapeForDisplay as shown } from '../../report/display-text.js';
import { EvidenceBundleError } from '../../errors.js';
import { itemIdsFromPaths } from '../../bundle/item-id.js';
import { relatedBundle } from '../../verify/related-bundle.js';
import { SIGNATURE_ROLES, isSignatureRole } from '../../sign/sign-detached.js';
import type { DigestAlgorithm } from '../../digest/algorithms.js';
import { ioError } from '../../node/io-error.js';
import { openBundle } from '../../node/open-bundle.js';
import { packBundle, type PackItem } from '../../node/pack-bundle.js';
import { packBundleInPlace } from '../../node/pack-in-place.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../io.js';
import { createProgress } from '../progress.js';
import type { Command } from './command.js';
import { readJsonFile } from './files.js';
import { loadSigner, type ClosableSigner } from './keys.js';

export const pack: Command = {
  help: `Usage: evb pack [FOLDER | FILE ...] --spec SPEC.json --out BUNDLE [--alg sha512] [--sign ROLE=KEY.jwk ...]
                [--request-id SCHEME:VALUE ...] [--related RELATION=BUNDLE ...] [--selective-disclosure] [--quiet]

Copies the evidence into BUNDLE/data/ untouched, hashing each byte once, writes the manifest
(evidence/manifest.json), the signatures and the BagIt files. BUNDLE must not exist; it appears only when
complete. A BUNDLE named *.zip or *.cbor is written directly as that single file (the ZIP streamed, no
directory copy first); any other name is a directory.

SPEC.json holds {"metadata": {creator, case, legalBasis, handling, actors}, "items": [...], "withheld": [...]}
(see docs/format.md and examples/demo/case.json). Each item names its "path" inside data/ and its "source"
file (relative to SPEC.json). With FOLDER, every file under FOLDER becomes an item at its relative path; with
FILEs, each file becomes an item named by its file name. SPEC items with the same path add their description.
An item without an id in SPEC gets one from its path: ASCII letters, digits, "." "_" "-" kept, other
scripts in Punycode (xn--...), long paths cut with a hash, "-2", "-3" for what would still be equal.

Options:
  --spec FILE          bundle metadata and item descriptions
  --out BUNDLE         the new bundle: a directory, or a .zip or .cbor file
  --alg ALG            extra digest algorithm: sha512, sha3-256, blake3 (repeatable; SHA-256 always)
  --sign ROLE=KEY      sign as ROLE (packager or certifier) with a private JWK file or a pkcs11: URI (as
                       for evb sign --key; repeatable, in order)
  --request-id S:V     a structured identifier of the request, added to the spec's: scheme mla-reference,
                       eu-epoc, eu-epoc-pr, etsi-ldid or x-NAME, a colon, the value (repeatable)
  --related R=BUNDLE   link to another bundle: R is supplements or follows-preservation, BUNDLE an existing
                       bundle (its id and manifest digest are read from it) or ID@sha256:HEX (repeatable)
  --selective-disclosure
                       format 1.2: the signed manifest commits to the items (salted leaves of a Merkle tree)
                       instead of listing them, so that items can later be withheld ("evb redact") or proven
                       one by one ("evb prove") while the signatures stay valid. Readers of 1.0 and 1.1
                       cannot read 1.2, hence not the default
  --in-place DIR       instead of --out and inputs: turn DIR itself into a directory bundle by moving (renaming)
                       its entries under DIR/data/, bytes and inodes untouched (see docs/format.md, "Packing in
                       place"). A run interrupted by a crash is rolled back by the next evb pack --in-place DIR.
                       SPEC items describe files by "path" only (no "source")
  --quiet              no progress bar

With --request-id or --related (or the same members in SPEC), the manifest is format 1.1; without, 1.0;
with --selective-disclosure, 1.2.
`,
  options: {
    spec: { type: 'string' },
    out: { type: 'string' },
    alg: { type: 'string', multiple: true },
    sign: { type: 'string', multiple: true },
    'request-id': { type: 'string', multiple: true },
    related: { type: 'string', multiple: true },
    'selective-disclosure': { type: 'boolean' },
    quiet: { type: 'boolean' },
    'in-place': { type: 'string' },
  },
  async run(values, positionals, io) {
    const specPath = values['spec'] as string | undefined;
    const out = values['out'] as string | undefined;
    const inPlace = values['in-place'] as string | undefined;
    if (specPath === undefined) throw new UsageError('--spec is required');
    if (inPlace !== undefined && (out !== undefined || positionals.length > 0)) throw new UsageError('--in-place takes neither --out nor inputs');
    if (out === undefined && inPlace === undefined) throw new UsageError('--out is required');
    const spec = withLegalLinks(
      asSpec(await readJsonFile(resolve(io.cwd, specPath))),
      ((values['request-id'] as string[] | undefined) ?? []).map(requestId),
      await Promise.all(((values['related'] as string[] | undefined) ?? []).map((r) => related(r, io.cwd))),
    );
    const specDir = dirname(resolve(io.cwd, specPath));
    const items = inPlace !== undefined ? [] : withIds(positionals.length === 0 ? itemsFromSpec(spec, specDir) : await itemsFromInputs(positionals.map((p) => resolve(io.cwd, p)), spec));
    // The progress bar's total only: 100,000 lstat calls are not worth making for --quiet.
    const total = values['quiet'] === true || inPlace !== undefined ? 0 : await totalSize(items);
    const signers: Array<{ role: string; signer: ClosableSigner }> = [];
    // A PKCS#11 signer holds a session on its token until closed, whatever way the command ends.
    const closeSigners = async (): Promise<void> => {
      for (const { signer } of signers.splice(0)) await signer.close();
    };
    try {
      for (const entry of (values['sign'] as string[] | undefined) ?? []) {
        const eq = entry.indexOf('=');
        if (eq <= 0) throw new UsageError(`--sign takes ROLE=KEYFILE, got "${entry}"`);
        if (!isSignatureRole(entry.slice(0, eq))) throw new UsageError(`--sign ROLE must be one of ${SIGNATURE_ROLES.join(', ')}, got "${entry.slice(0, eq)}"`);
        signers.push({ role: entry.slice(0, eq), signer: await loadSigner(entry.slice(eq + 1), io) });
      }
    } catch (error) {
      await closeSigners();
      throw error;
    }
    const progress = createProgress(io, values['quiet'] === true, total);
    // Ctrl-C or a kill(1) stops the pack cleanly: the library removes its partial directory, then the exit code
    // is the shell's for that signal (128 + its number).
    const controller = new AbortController();
    let stoppedBy: NodeJS.Signals | undefined;
    const stop = (signal: NodeJS.Signals): void => {
      stoppedBy ??= signal;
      controller.abort(new Error(`stopped by ${signal}`));
    };
    const onSignal = { SIGINT: () => stop('SIGINT'), SIGTERM: () => stop('SIGTERM') };
    process.on('SIGINT', onSignal.SIGINT);
    process.on('SIGTERM', onSignal.SIGTERM);
    try {
      const common = {
        signal: controller.signal,
        metadata: spec.metadata as never,
        withheld: (spec.withheld ?? []) as never,
        algorithms: ((values['alg'] as string[] | undefined) ?? []) as DigestAlgorithm[],
        signers,
        ...(values['selective-disclosure'] === true ? { selectiveDisclosure: true } : {}),
        onProgress: (p: { totalBytes: number }) => progress.update(p.totalBytes),
      };
      const { manifest } =
        inPlace !== undefined
          ? await packBundleInPlace(resolve(io.cwd, inPlace), { ...common, items: describedSpecItems(spec) })
          : await packBundle(resolve(io.cwd, out!), { ...common, items });
      progress.stop();
      io.stdout(`packed ${manifest.commitments?.leafCount ?? manifest.items.length} items into ${shown(inPlace ?? out!)}\nbundle ${manifest.bundleId}\n`);
      for (const s of signers) io.stdout(`signed as ${shown(s.role)} by ${shown(s.signer.kid)}\n`);
      return EXIT.VALID;
    } catch (error) {
      if (stoppedBy === undefined) throw error;
      progress.stop();
      io.stderr(`evb pack: stopped by ${stoppedBy}; nothing was written to ${inPlace ?? out}\n`);
      return stoppedBy === 'SIGINT' ? EXIT.SIGINT : EXIT.SIGTERM;
    } finally {
      process.off('SIGINT', onSignal.SIGINT);
      process.off('SIGTERM', onSignal.SIGTERM);
      progress.stop();
      await closeSigners();
    }
  },
};

/** `SCHEME:VALUE`, split at the first colon: values (an LDID, an EPOC number) may hold colons themselves. */
function requestId(arg: string): { scheme: string; value: string } {
  const colon = arg.indexOf(':');
  if (colon <= 0 || colon === arg.length - 1) throw new UsageError(`--request-id takes SCHEME:VALUE, got "${shown(arg)}"`);
  return { scheme: arg.slice(0, colon), value: arg.slice(colon + 1) };
}

/** `RELATION=BUNDLE` (a bundle read for its id and manifest digest) or `RELATION=ID@sha256:HEX`. */
async function related(arg: string, cwd: string): Promise<RelatedBundle> {
  const eq = arg.indexOf('=');
  const relation = arg.slice(0, eq) as RelatedBundle['relation'];
  if (eq <= 0 || !BUNDLE_RELATIONS.includes(relation)) throw new UsageError(`--related takes RELATION=BUNDLE with RELATION one of ${BUNDLE_RELATIONS.join(', ')}, got "${shown(arg)}"`);
  const target = arg.slice(eq + 1);
  const given = /^([0-9a-f-]{36})@(sha256:[0-9a-f]{64})$/.exec(target);
  // The manifest schema judges the id; a malformed one is refused with the rest of the manifest.
  if (given !== null) return { relation, bundleId: given[1]!, manifestDigest: given[2]! };
  const bundle = await openBundle(resolve(cwd, target));
  return relatedBundle(bundle.source, relation).finally(() => bundle.close());
}

/** The spec's metadata with the command line's request identifiers and related bundles added to its own. */
function withLegalLinks(spec: Spec, ids: Array<{ scheme: string; value: string }>, links: RelatedBundle[]): Spec {
  if (ids.length === 0 && links.length === 0) return spec;
  const metadata = { ...spec.metadata } as Record<string, any>;
  if (ids.length > 0) {
    const lb = metadata['legalBasis'];
    if (typeof lb !== 'object' || lb === null || typeof lb.request !== 'object' || lb.request === null) {
      throw new EvidenceBundleError('ERR_DOCUMENT_INVALID', 'spec metadata needs legalBasis.request for --request-id');
    }
    metadata['legalBasis'] = { ...lb, request: { ...lb.request, identifiers: [...(Array.isArray(lb.request.identifiers) ? lb.request.identifiers : []), ...ids] } };
  }
  if (links.length > 0) metadata['relatedBundles'] = [...(Array.isArray(metadata['relatedBundles']) ? metadata['relatedBundles'] : []), ...links];
  return { ...spec, metadata };
}

interface Spec {
  metadata: Record<string, unknown>;
  items?: Array<Record<string, unknown>>;
  withheld?: Array<Record<string, unknown>>;
}

function asSpec(value: unknown): Spec {
  const v = value as Spec | null;
  if (v === null || typeof v !== 'object' || typeof v.metadata !== 'object' || v.metadata === null) {
    throw new EvidenceBundleError('ERR_DOCUMENT_INVALID', 'spec must be an object with a "metadata" object');
  }
  if (v.items !== undefined && !Array.isArray(v.items)) throw new EvidenceBundleError('ERR_DOCUMENT_INVALID', 'spec "items" must be an array');
  if (v.withheld !== undefined && !Array.isArray(v.withheld)) throw new EvidenceBundleError('ERR_DOCUMENT_INVALID', 'spec "withheld" must be an array');
  return v;
}

/** The spec's item descriptions for an in-place pack: matched by path, no source. */
function describedSpecItems(spec: Spec): Array<Omit<PackItem, 'source' | 'size'>> {
  return (spec.items ?? []).map((item, i) => {
    const { source: _source, ...rest } = item;
    if (typeof rest['path'] !== 'string') throw new EvidenceBundleError('ERR_DOCUMENT_INVALID', `spec items[${i}] needs a "path" string`);
    return { ...rest, path: rest['path'].normalize('NFC') } as Omit<PackItem, 'source' | 'size'>;
  });
}

function itemsFromSpec(spec: Spec, specDir: string): PackItem[] {
  return (spec.items ?? []).map((item, i) => {
    const { source, ...rest } = item;
    if (typeof source !== 'string' || typeof rest['path'] !== 'string') {
      throw new EvidenceBundleError('ERR_DOCUMENT_INVALID', `spec items[${i}] needs "path" and "source" strings`);
    }
    return { ...rest, source: resolve(specDir, source) } as PackItem;
  });
}

/** Items from the command line: a single FOLDER (its tree), or FILEs (each at its file name). */
async function itemsFromInputs(inputs: string[], spec: Spec): Promise<PackItem[]> {
  const stats = await Promise.all(
    inputs.map(async (input) => {
      try {
        return await fsp.lstat(input);
      } catch (cause) {
        throw ioError(cause, input);
      }
    }),
  );
  const described = describedItems(spec);
  if (stats.some((s) => s.isDirectory())) {
    if (inputs.length !== 1) throw new UsageError('give one FOLDER, or FILEs, not both');
    return itemsFromFolder(inputs[0]!, described);
  }
  return inputs.map((input, i) => {
    if (!stats[i]!.isFile()) throw notRegular(input);
    return described(basename(input), input);
  });
}

async function itemsFromFolder(folder: string, described: (path: string, source: string) => PackItem): Promise<PackItem[]> {
  let entries;
  try {
    entries = await fsp.readdir(folder, { withFileTypes: true, recursive: true });
  } catch (cause) {
    throw ioError(cause, folder);
  }
  const items: PackItem[] = [];
  for (const e of entries) {
    const full = join(e.parentPath, e.name);
    if (e.isDirectory()) continue;
    if (!e.isFile()) throw notRegular(full);
    items.push(described(relative(folder, full).split(sep).join('/'), full));
  }
  items.sort((a, b) => (a.path < b.path ? -1 : 1));
  return items;
}

/**
 * Makes the item of a file given on the command line, packed at `path` (made NFC, as names inside a bundle are;
 * the bytes are copied untouched): what the spec says of that path (its id, if it gives one) and the file as its
 * source.
 */
function describedItems(spec: Spec): (path: string, source: string) => PackItem {
  const described = new Map((spec.items ?? []).map((i) => [i['path'] as string, i]));
  return (name, source) => {
    const path = name.normalize('NFC');
    const { source: _ignored, ...rest } = described.get(path) ?? {};
    return { ...rest, path, source } as PackItem;
  };
}

function notRegular(file: string): EvidenceBundleError {
  return new EvidenceBundleError('ERR_SOURCE_NOT_REGULAR_FILE', `${file} is not a regular file (links and special files are not packed)`);
}

/** Gives the items without an id in the spec one derived from their path, unique beside the spec's own ids. */
function withIds(items: PackItem[]): PackItem[] {
  const given = items.flatMap((i) => (typeof i.id === 'string' ? [i.id] : []));
  const unnamed = items.filter((i) => typeof i.id !== 'string');
  const ids = itemIdsFromPaths(unnamed.map((i) => i.path), given);
  const derived = new Map(unnamed.map((item, k) => [item, ids[k]!]));
  return items.map((item) => (derived.has(item) ? { ...item, id: derived.get(item)! } : item));
}

async function totalSize(items: PackItem[]): Promise<number> {
  let total = 0;
  // Many at a time: one after the other, each waits a round trip through libuv's thread pool.
  for (let i = 0; i < items.length; i += 256) {
    const sizes = await Promise.all(
      items.slice(i, i + 256).map(async (item) => (typeof item.source === 'string' ? (await fsp.lstat(item.source).catch(() => ({ size: 0 }))).size : 0)),
    );
    for (const size of sizes) total += size;
  }
  return total;
}

