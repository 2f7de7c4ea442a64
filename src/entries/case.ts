// evidence-bundle/case: a bundle as CASE 1.4 / UCO JSON-LD, the forensic community's interchange ontology.
// Part of the isomorphic core; explicit list of exports.

export { exportCase, CASE_CONTEXT, CASE_VERSION, UCO_HASH_NAMES } from '../export/export-case.js';
export type { CaseCustodyEvent, CaseDocument, CaseExport, CaseExportNote } from '../export/export-case.js';
export { exportBundleCase } from '../export/export-bundle-case.js';
