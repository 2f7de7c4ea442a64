// evidence-bundle/custody: the custody log's primitives (RFC 8785 links, signing and verifying events, append rules).
// Part of the isomorphic core; explicit list of exports.

export { CustodyEventSchema, CUSTODY_EVENT_TYP } from '../custody/custody-event.js';
export { checkCustodyAppend, DEFAULT_CLOCK_SKEW_SECONDS } from '../custody/check-custody-append.js';
export type { CheckCustodyAppendOptions } from '../custody/check-custody-append.js';
export { custodyLink } from '../custody/custody-link.js';
export { signCustodyEvent } from '../custody/sign-custody-event.js';
export { parseCustodyLog } from '../custody/parse-custody-log.js';
export type { CustodyLine, ParsedCustodyLog } from '../custody/parse-custody-log.js';
export { verifyCustodyLog } from '../custody/verify-custody-log.js';
export type { VerifyCustodyOptions, CustodyEventResult, CustodyCheck } from '../custody/verify-custody-log.js';
