// evidence-bundle/timestamp: RFC 3161 timestamp requests, a TSA client and token verification.
// Part of the isomorphic core; explicit list of exports.

export { createTimestampRequest } from '../timestamp/create-timestamp-request.js';
export type { CreateTimestampRequestOptions, TimestampRequest } from '../timestamp/create-timestamp-request.js';
export { requestTimestamp, MAX_TSA_RESPONSE_BYTES, DEFAULT_TSA_TIMEOUT_MS } from '../timestamp/request-timestamp.js';
export type { RequestTimestampOptions } from '../timestamp/request-timestamp.js';
export { verifyTimestampToken } from '../timestamp/verify-timestamp-token.js';
export type { VerifyTimestampOptions, TimestampVerification } from '../timestamp/verify-timestamp-token.js';

// Archive timestamps (docs/format.md, "Archive timestamps")
export { archiveFiles, archiveInput, parseArchiveTimestamps, serializeArchiveTimestamps, ArchiveTimestampsSchema, ARCHIVE_DIGESTS } from '../timestamp/archive-timestamps.js';
export type { ArchiveTimestamps, ArchiveDigest, ArchiveInputOptions } from '../timestamp/archive-timestamps.js';
