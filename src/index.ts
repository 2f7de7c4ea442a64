// The isomorphic core of evidence-bundle: Web APIs and Uint8Array only, no `node:` imports.
// Explicit list of exports; nothing is re-exported wholesale.
export { EvidenceBundleError, isEvidenceBundleError } from './errors.js';
export type { ErrorCode } from './errors.js';
export type { Severity, Effect, FindingDefinition, FindingLocation } from './report/finding.js';
export type { Finding } from './report/finding-type.js';
export { FINDING_CODES } from './report/codes.js';
export type { FindingCode } from './report/codes.js';
export { checkBundlePath, assertBundlePath, findPathCollisions, pathCollisionKey } from './path/bundle-path.js';
export type { PathProblem } from './path/bundle-path.js';
