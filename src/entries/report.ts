// evidence-bundle/report: the report's zod schemas and the building blocks of findings, for tools that add checks of their own.
// Part of the isomorphic core; explicit list of exports.

export type { FindingDefinition } from '../report/finding.js';

// The manifest model (zod) and its JSON Schemas
export { JSON_SCHEMA_SOURCES } from '../schemas.js';

// Verification and reports
export { VerificationReportSchema, OutcomeSchema } from '../verify/report-schema.js';
export { decideOutcome } from '../verify/outcome.js';
export { makeFinding } from '../report/codes.js';
export { escapeJsonForDisplay } from '../report/display-text.js';

// Finding parameters (report version 1.1)
export { REPORT_VERSION } from '../verify/report-schema.js';
export { FINDING_PARAMS, FINDING_PARAM_KINDS } from '../report/finding-params.js';
export type { FindingParamKind, FindingParamName } from '../report/finding-params.js';
export type { FindingParams } from '../report/finding-type.js';
