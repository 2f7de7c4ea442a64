// evidence-bundle/x509: X.509 certificate chains (x5c) as the trust policy judges them.
// Part of the isomorphic core; explicit list of exports.

export { verifyCertificateChain, MAX_CHAIN_LENGTH } from '../x509/verify-chain.js';
export { certificatesFromText } from '../x509/der.js';
export type { VerifyChainOptions, ChainResult, KeyUsageName } from '../x509/verify-chain.js';

// Revocation data: CRLs (RFC 5280) and OCSP responses (RFC 6960)
export { parseCrl, crlStatus, MAX_REVOCATION_DATA_BYTES } from '../x509/crl.js';
export type { ParsedCrl, RevocationStatus } from '../x509/crl.js';
export { parseOcspResponse, ocspStatus } from '../x509/ocsp.js';
export type { ParsedOcspResponse } from '../x509/ocsp.js';
