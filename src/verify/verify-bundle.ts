import { rethrowIoError, type BagSource, type BagValidation } from '../bagit/bag-source.js';
import { validateBag } from '../bagit/validate-bag.js';
import { ARCHIVE_TIMESTAMPS_FILE, BUNDLE_FILE_LIMITS, CUSTODY_FILE, LIMITS, MANIFEST_FILE, PAYLOAD_DIR, payloadPath, SIGNATURES_FILE, VALIDATION_DATA_FILE } from '../model/layout.js';
import { parseCustodyLog } from '../custody/parse-custody-log.js';
import { verifyCustodyLog } from '../custody/verify-custody-log.js';
import type { DigestBackend } from '../digest/algorithms.js';
import { parseCanonicalJson } from '../encoding/strict-json.js';
import { isEvidenceBundleError } from '../errors.js';
import { checkManifestAsync } from '../model/check-manifest.js';
import type { Manifest } from '../model/manifest.js';
import { createFindingCap, type FindingSink } from '../report/cap-findings.js';
import { makeFinding, type FindingCode } from '../report/codes.js';
import type { Finding } from '../report/finding-type.js';
import { parseSignatureFile } from '../sign/signature-file.js';
import { checkArchiveTimestamps } from '../trust/check-archive-timestamps.js';
import { collectRevocationData, policyRevocationSource, type RevocationData, type RevocationDataInput } from '../trust/check-revocation.js';
import { checkFinalCustody } from '../trust/check-final-custody.js';
import { checkLegalRules } from '../trust/legal-rules.js';
import { parseValidationData } from '../trust/validation-data.js';
import { custodyKeys } from '../trust/custody-keys.js';
import { evaluateSignatures, type PolicySignatureResult } from '../trust/evaluate-signatures.js';
import type { TrustPolicy } from '../trust/trust-policy.js';
import { trustPolicyFromKeys } from '../trust/trust-policy-from-keys.js';
import { checkBundleProfile } from './check-bundle-profile.js';
import { decideOutcome } from './outcome.js';
import { readTagFile } from './read-tag-file.js';
import type { BundleIdentity, ItemResult, SignatureResult, VerificationReport } from './report-schema.js';
import { REPORT_VERSION } from './report-schema.js';
import { pushAll } from '../internal/arrays.js';
import { applyDisclosures, checkBundleDisclosures } from './check-bundle-disclosures.js';

/** What the receiver brings to a verification: its trust material and its clock. */
export interface VerifyOptions {
  /**
   * The receiver's trust policy (docs/format.md, "Trust policy"): which authorities of which countries it
   * trusts, in which roles, with which algorithms, and which signatures it requires.
   */
  policy?: TrustPolicy;
  /**
   * A plain list of trusted public JWKs, used when no `policy` is given: each key is an authority trusted in
   * every role, and one trusted signature is required. Keys are never taken from the bundle itself.
   */
  trustedKeys?: readonly JsonWebKey[];
  /** How far a custody event may be dated before the one it follows, or after `currentDate`, in seconds (default 300). */
  clockSkewSeconds?: number;
  /**
   * The time the verification is made at (default: now). A past date gives the outcome as it was then: archive
   * timestamps and revocation data dated later are left out, certificates are judged at that date.
   */
  currentDate?: Date;
  /**
   * CRLs and OCSP responses (DER) the receiver holds for the signatures' certificates, besides those of the
   * policy and of the bundle's validation data (docs/format.md, "Revocation"). The verifier never fetches any.
   */
  revocationData?: RevocationDataInput;
  /** Hash implementation (node:crypto through `evidence-bundle/node`). */
  backend?: DigestBackend;
  /** Called as payload bytes are hashed. */
  onProgress?: (bytes: number) => void;
}

/**
 * Verifies a bundle as received from another jurisdiction: the BagIt bag (every payload and tag digest,
 * completeness) and the evidence-bundle profile of it (bagit.txt, bag-info.txt, the required manifests), the
 * manifest (canonical bytes, schema), every item against the bytes in `data/`, every signature against the
 * receiver's trusted keys, and the custody log. Malformed or hostile input never throws: it becomes findings,
 * at most 100 of each code (then one `verify.findings.omitted` with the count of the rest).
 * @returns a JSON-serialisable report whose outcome is VALID, INVALID or INDETERMINATE (ETSI EN 319 102-1).
 * @throws EvidenceBundleError `ERR_IO` when the source cannot be read (permission denied, a failing disk): the
 *   receiver's environment, not the bundle, so no verdict is given.
 * @throws what {@link trustPolicyFromKeys} throws for a `trustedKeys` entry that is no public signature key
 *   (`ERR_KEY_INVALID`, `ERR_KEY_TOO_SMALL`, TypeError): caller misuse, not a finding.
 * @example
 * const report = await verifyBundle(await openBundleDirectory('case-42'), { trustedKeys: [authorityJwk] });
 * if (report.outcome !== 'VALID') console.log(renderReportText(report));
 */
export async function verifyBundle(source: BagSource, options: VerifyOptions = {}): Promise<VerificationReport> {
  // Trust material is the caller's, not the bundle's: a bad key is misuse, refused before anything is read.
  const policy = options.policy ?? trustPolicyFromKeys(options.trustedKeys ?? []);
  const checkedAt = (options.currentDate ?? new Date()).toISOString();
  // Capped as they are made, in the order they are made: a million missing items keep 100 findings, not a
  // million, and the report is what capping the whole list would give.
  const findings = createFindingCap();
  let identity: BundleIdentity | null = null;
  let items: ItemResult[] = [];
  let signatures: SignatureResult[] = [];
  let custody: VerificationReport['custody'] = null;
  try {
    // The manifest needs nothing the bag check computes: it is read and checked while the payload is hashed,
    // started once the hashing is under way (its parse holds this thread; begun first, it held back the listing
    // and so the hashing). Whether the bag lists it is applied once the bag check is done.
    const manifestFindings: Finding[] = [];
    let early: ReturnType<typeof readManifest> | undefined;
    const startManifest = (): ReturnType<typeof readManifest> => {
      if (early === undefined) {
        early = readManifest(source, manifestFindings);
        early.catch(() => undefined);
      }
      return early;
    };
    const bag = await validateBag(source, {
      onHashingStarted: () => void startManifest(),
      tagFileLimits: BUNDLE_FILE_LIMITS,
      maxEntries: LIMITS.bagEntries,
      ...(options.backend ? { backend: options.backend } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    pushAll(findings, bag.findings);
    // A tag file the bag check refused by its size is there all the same: its own reader reports what it is.
    const refused = bag.findings.flatMap((f) => (f.code === 'bag.tagfile.too-large' && f.path !== undefined ? [f.path] : []));
    const present = new Set([...bag.tagFiles.keys(), ...refused]);
    let manifestRead = await startManifest();
    if (present.has(MANIFEST_FILE)) {
      pushAll(findings, manifestFindings);
    } else {
      manifestRead = undefined;
      findings.push(makeFinding('manifest.missing', `${MANIFEST_FILE} is missing`, { path: MANIFEST_FILE }));
    }
    pushAll(findings, checkBundleProfile(bag, manifestRead?.manifest));
    if (manifestRead !== undefined) {
      // Format 1.2: the items come from the disclosures, checked against the signed root.
      const disclosed = await checkBundleDisclosures(source, present, manifestRead.manifest, findings, options.backend);
      const read: ReadBundle = { source, present, ...manifestRead, manifest: disclosed.manifest };
      identity = identityOf(read.manifest);
      items = checkItems(read.manifest, bag, findings);
      const longTerm = await checkLongTerm(read, bag, policy, options, findings);
      signatures = await checkSignatures(read, policy, options, findings, longTerm);
      pushAll(findings, checkLegalRules(policy.legal, policy.owner.country, read.manifest).map((f) => ({ ...f, path: MANIFEST_FILE })));
      custody = await checkCustody(read, options, findings);
      items = await applyDisclosures(disclosed, items, read, custody, findings);
    } else {
      items = [...bag.payload.keys()].map((path) => ({ id: path, path, status: 'unchecked' as const }));
    }
  } catch (error) {
    rethrowIoError(error);
    findings.push(makeFinding('verify.internal-error', `verification stopped: ${describe(error)}`, {}, { detail: describe(error) }));
  }
  // Bounded report: the first findings of every code are kept, so the outcome is the same either way.
  const listed = findings.done();
  const outcome = decideOutcome(listed);
  return {
    reportVersion: REPORT_VERSION,
    outcome,
    checkedAt,
    bundle: identity,
    items,
    signatures,
    custody,
    findings: listed,
    summary: {
      errors: listed.filter((f) => f.severity === 'error').length,
      warnings: listed.filter((f) => f.severity === 'warning').length,
      itemsIntact: items.filter((i) => i.status === 'intact').length,
      itemsTotal: items.length,
      trustedSignatures: signatures.filter((s) => s.trusted).length,
    },
  };
}

function describe(error: unknown): string {
  if (isEvidenceBundleError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** The bundle once its manifest is read: what the signature and custody checks work from. */
interface ReadBundle {
  source: BagSource;
  /** The tag files the bag has. */
  present: ReadonlySet<string>;
  manifest: Manifest;
  /** The manifest as stored: the bytes the signatures and the first custody event cover. */
  manifestBytes: Uint8Array;
}

/**
 * {@link readTagFile} for the verifier, which never throws on what a bundle holds: a file past its limit is
 * reported as `tooLarge`, one that is there but cannot be read as `bag.entry.unreadable`; both give `'refused'`.
 */
async function readBundleFile(
  source: BagSource,
  path: string,
  limit: number,
  present: ReadonlySet<string> | undefined,
  tooLarge: FindingCode,
  findings: FindingSink,
): Promise<Uint8Array | 'refused' | undefined> {
  let bytes;
  try {
    bytes = await readTagFile(source, path, limit, present);
  } catch (error) {
    rethrowIoError(error);
    findings.push(makeFinding('bag.entry.unreadable', `${path} cannot be read: ${describe(error)}`, { path }, { detail: describe(error) }));
    return 'refused';
  }
  if (bytes !== 'too-large') return bytes;
  findings.push(makeFinding(tooLarge, `${path} exceeds ${limit} bytes`, { path }, { detail: `${path} exceeds ${limit} bytes` }));
  return 'refused';
}

async function readManifest(source: BagSource, findings: FindingSink): Promise<Pick<ReadBundle, 'manifest' | 'manifestBytes'> | undefined> {
  const bytes = await readBundleFile(source, MANIFEST_FILE, LIMITS.manifestBytes, undefined, 'manifest.malformed-json', findings);
  if (bytes === undefined) {
    findings.push(makeFinding('manifest.missing', `${MANIFEST_FILE} is missing`, { path: MANIFEST_FILE }));
    return undefined;
  }
  if (bytes === 'refused') return undefined;
  let value: unknown;
  try {
    value = parseCanonicalJson(bytes, { maxBytes: LIMITS.manifestBytes, maxValues: LIMITS.manifestValues, maxMembers: LIMITS.manifestMembers });
  } catch (error) {
    const code = isEvidenceBundleError(error, 'ERR_JSON_NOT_CANONICAL') ? 'manifest.not-canonical' : 'manifest.malformed-json';
    findings.push(makeFinding(code, describe(error), { path: MANIFEST_FILE }, { detail: describe(error) }));
    return undefined;
  }
  // In slices: the payload is being hashed meanwhile, and the workers need this thread to hand them files.
  const checked = await checkManifestAsync(value);
  pushAll(findings, checked.findings.map((f) => ({ ...f, path: f.path ?? MANIFEST_FILE })));
  return checked.manifest === undefined ? undefined : { manifest: checked.manifest, manifestBytes: bytes };
}

/** The identity of a bundle for a report, from its signed manifest. Internal. */
export function identityOf(m: Manifest): BundleIdentity {
  return {
    bundleId: m.bundleId,
    formatVersion: m.formatVersion,
    createdAt: m.createdAt,
    creator: { name: m.creator.name, country: m.creator.country },
    caseReference: m.case.reference,
    ...(m.case.title !== undefined ? { caseTitle: m.case.title } : {}),
    instrument: m.legalBasis.instrument.name,
    ...(m.legalBasis.instrument.article !== undefined ? { article: m.legalBasis.instrument.article } : {}),
    requestReference: m.legalBasis.request.reference,
    requestingCountry: m.legalBasis.requestingAuthority.country,
    executingCountry: m.legalBasis.executingAuthority.country,
  };
}

// The digests an item may record, in the order the schema lists them: the order of their findings.
const ITEM_DIGESTS = ['sha256', 'sha512', 'sha3-256', 'blake3'] as const;

/**
 * Compares each item of the signed manifest with what the bag proved about the bytes in data/. One small result
 * per item (the JSON report lists them all), its strings those of the manifest; nothing else is kept per item.
 */
function checkItems(manifest: Manifest, bag: BagValidation, findings: FindingSink): ItemResult[] {
  const results: ItemResult[] = new Array<ItemResult>(manifest.items.length);
  const alteredPaths = new Set(
    bag.findings.filter((f) => f.severity === 'error' && f.path?.startsWith(`${PAYLOAD_DIR}/`)).map((f) => f.path!),
  );
  // Item paths are unique (a cross-field rule), so counting the files found tells whether any file is left over.
  let found = 0;
  manifest.items.forEach((item, i) => {
    // The schema gives every present item a path and no withheld item one: bytes in data/ that no item names
    // are undeclared, whatever the manifest withholds.
    if (item.path === undefined) {
      results[i] = { id: item.id, status: 'withheld' };
      return;
    }
    const path = payloadPath(item.path);
    const entry = bag.payload.get(path);
    if (entry === undefined) {
      findings.push(makeFinding('item.missing', `no bytes for item ${item.id} at ${path}`, { item: item.id, path }, { item: item.id, path }));
      results[i] = { id: item.id, path: item.path, status: 'missing' };
      return;
    }
    found++;
    let intact = !alteredPaths.has(path);
    if (entry.size !== item.size) {
      findings.push(makeFinding('item.size-mismatch', `item ${item.id}: manifest says ${item.size} bytes, data has ${entry.size}`, { item: item.id, path }, { item: item.id, expectedSize: item.size ?? '-', actualSize: entry.size }));
      intact = false;
    }
    const recorded = item.digests as Record<string, string | undefined> | undefined;
    for (const alg of ITEM_DIGESTS) {
      const expected = recorded?.[alg];
      if (expected === undefined) continue;
      const actual = (entry.digests as Record<string, string | undefined>)[alg];
      if (actual === undefined) {
        findings.push(makeFinding('item.digest-unchecked', `item ${item.id}: no ${alg} payload manifest to check the recorded digest`, { item: item.id, path }, { item: item.id, algorithm: alg }));
        intact = false;
      } else if (actual !== expected) {
        findings.push(makeFinding('item.digest-mismatch', `item ${item.id}: ${alg} of the bytes is ${actual}, the signed manifest records ${expected}`, { item: item.id, path }, { item: item.id, algorithm: alg, actual, expected }));
        intact = false;
      }
    }
    results[i] = { id: item.id, path: item.path, size: entry.size, status: intact ? 'intact' : 'altered' };
  });
  if (found < bag.payload.size) {
    const declared = new Set(manifest.items.flatMap((item) => (item.path === undefined ? [] : [payloadPath(item.path)])));
    for (const path of bag.payload.keys()) {
      if (!declared.has(path)) {
        findings.push(makeFinding('item.undeclared', `${path} is not an item of the signed manifest`, { path }, { path }));
      }
    }
  }
  return results;
}

/** What the bundle's validation data and archive timestamps give the signature checks. */
interface LongTerm {
  revocation: RevocationData;
  archiveTime?: Date;
}

/**
 * Reads the validation data (with the policy's and the receiver's revocation data) and verifies the
 * archive-timestamp chain, when the bundle has them (docs/format.md, "Validation data", "Archive timestamps").
 */
async function checkLongTerm(read: ReadBundle, bag: BagValidation, policy: TrustPolicy, options: VerifyOptions, findings: FindingSink): Promise<LongTerm> {
  const currentDate = options.currentDate ?? new Date();
  let bundled: RevocationDataInput = {};
  const data = await readBundleFile(read.source, VALIDATION_DATA_FILE, LIMITS.validationDataBytes, read.present, 'bundle.validation-data.malformed', findings);
  if (data instanceof Uint8Array) {
    try {
      bundled = parseValidationData(data);
    } catch (error) {
      findings.push(makeFinding('bundle.validation-data.malformed', describe(error), { path: VALIDATION_DATA_FILE }, { detail: describe(error) }));
    }
  }
  const collected = await collectRevocationData([
    policyRevocationSource(policy),
    { label: 'the receiver\'s revocation data', ...options.revocationData },
    { label: VALIDATION_DATA_FILE, ...bundled },
  ]);
  pushAll(findings, collected.findings);
  const chain = await readBundleFile(read.source, ARCHIVE_TIMESTAMPS_FILE, LIMITS.archiveTimestampsBytes, read.present, 'bundle.archive-timestamps.malformed', findings);
  if (!(chain instanceof Uint8Array)) return { revocation: collected.data };
  const archive = await checkArchiveTimestamps(read.source, chain, {
    policy,
    currentDate,
    known: new Map([...bag.payload, ...bag.tagFiles]),
    ...(options.backend ? { backend: options.backend } : {}),
  });
  pushAll(findings, archive.findings);
  return { revocation: collected.data, ...(archive.provenTime !== undefined ? { archiveTime: archive.provenTime } : {}) };
}

async function checkSignatures(read: ReadBundle, policy: TrustPolicy, options: VerifyOptions, findings: FindingSink, longTerm: LongTerm): Promise<SignatureResult[]> {
  const bytes = await readBundleFile(read.source, SIGNATURES_FILE, LIMITS.signatureFileBytes, read.present, 'signature.malformed', findings);
  if (bytes === undefined) {
    findings.push(makeFinding('verify.unsigned', `${SIGNATURES_FILE} is missing: the bundle is not signed`, { path: SIGNATURES_FILE }));
    return [];
  }
  if (bytes === 'refused') return [];
  let file;
  try {
    // At most LIMITS.signatures entries: the schema of the signature file says so.
    file = parseSignatureFile(bytes);
  } catch (error) {
    findings.push(makeFinding('signature.malformed', `${SIGNATURES_FILE}: ${describe(error)}`, { path: SIGNATURES_FILE }, { detail: describe(error) }));
    return [];
  }
  if (file.signatures.length === 0) {
    findings.push(makeFinding('verify.unsigned', `${SIGNATURES_FILE} holds no signature`, { path: SIGNATURES_FILE }));
    return [];
  }
  const evaluation = await evaluateSignatures(read.manifestBytes, file.signatures, {
    policy,
    senderCountry: read.manifest.legalBasis.executingAuthority.country,
    currentDate: options.currentDate ?? new Date(),
    revocation: longTerm.revocation,
    ...(longTerm.archiveTime !== undefined ? { archiveTime: longTerm.archiveTime } : {}),
  });
  pushAll(findings, evaluation.findings.map((f) => ({ ...f, path: f.path ?? SIGNATURES_FILE })));
  return evaluation.results.map(signatureResultOf);
}

/** A signature's entry in the report, from the trust layer's result (its members that are set). Internal to src/verify. */
export function signatureResultOf(r: PolicySignatureResult): SignatureResult {
  return {
    index: r.index,
    status: r.status,
    trusted: r.trusted,
    ...(r.alg !== undefined ? { alg: r.alg } : {}),
    ...(r.kid !== undefined ? { kid: r.kid } : {}),
    ...(r.role !== undefined ? { role: r.role } : {}),
    ...(r.signedAt !== undefined ? { signedAt: r.signedAt } : {}),
    ...(r.authority !== undefined ? { authority: r.authority } : {}),
    ...(r.timestamp !== undefined ? { timestamp: r.timestamp } : {}),
  };
}

/**
 * Verifies the custody log, when the bundle has one, against this bundle's manifest and the trusted keys; then
 * whether it ends where the policy requires (even when there is no log: then it cannot).
 */
async function checkCustody(read: ReadBundle, options: VerifyOptions, findings: FindingSink): Promise<VerificationReport['custody']> {
  const currentDate = options.currentDate ?? new Date();
  // Only a policy asks where custody ends; the ids of the present items are listed for it alone.
  const present = (): string[] => read.manifest.items.filter((i) => i.path !== undefined).map((i) => i.id);
  const bytes = await readBundleFile(read.source, CUSTODY_FILE, LIMITS.custodyBytes, read.present, 'custody.too-large', findings);
  if (bytes === undefined || bytes === 'refused') {
    if (options.policy) pushAll(findings, await checkFinalCustody(options.policy, undefined, present(), currentDate));
    return bytes === undefined ? null : { events: [], custodians: {} };
  }
  const log = parseCustodyLog(bytes);
  const check = await verifyCustodyLog(log, {
    manifestBytes: read.manifestBytes,
    itemIds: new Set(read.manifest.items.map((i) => i.id)),
    // Custody events are signed by the people who held the evidence: any key of the policy's authorities, or
    // certified by one's X.509 anchor (or the plain trusted keys), may sign one; the log's own rules decide who
    // may do what.
    trustedKeys: options.policy ? await custodyKeys(log, options.policy, currentDate) : (options.trustedKeys ?? []),
    clockSkewSeconds: options.clockSkewSeconds ?? options.policy?.maxClockSkewSeconds ?? 300,
    currentDate,
  });
  pushAll(findings, check.findings);
  if (options.policy) pushAll(findings, await checkFinalCustody(options.policy, { log, check }, present(), currentDate));
  return { events: check.events, custodians: check.custodians };
}
