// evidence-bundle/bagit: BagIt (RFC 8493) validation, tag files, the bundle layout and its path rules.
// Part of the isomorphic core; explicit list of exports.

export {
  checkBundlePath,
  assertBundlePath,
  assertWritablePath,
  checkPortablePath,
  findPathCollisions,
  pathCollisionKey,
} from '../path/bundle-path.js';
export type { PathProblem, PortabilityProblem } from '../path/bundle-path.js';

// BagIt containers
export { validateBag, BAG_LIMITS } from '../bagit/validate-bag.js';
export type { ValidateBagOptions } from '../bagit/validate-bag.js';
export { sourceFindings } from '../bagit/source-findings.js';
export type { BagValidation, BagFileDigests, BagFilesDigests, BagReadOptions, BagSourceProblem } from '../bagit/bag-source.js';
export { createTagFiles, buildTagManifests } from '../bundle/create-tag-files.js';
export type { CreateTagFilesOptions, PayloadFile, BagInfoFields } from '../bundle/create-tag-files.js';

// Bundles
export { MANIFEST_FILE, SIGNATURES_FILE, CUSTODY_FILE, PAYLOAD_DIR, TAG_DIR, LIMITS } from '../model/layout.js';
export { bundleFiles } from '../bundle/bundle-files.js';
export type { BundleFile, BundleFilesOptions } from '../bundle/bundle-files.js';

// Verification and reports
export { readTagFile } from '../verify/read-tag-file.js';
