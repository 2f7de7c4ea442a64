/**
 * The largest RFC 3161 TimeStampToken read, in bytes. In a module of its own so that the archive-timestamp
 * schema can bound its tokens without importing the CMS code (which the verifier page loads only on demand).
 */
export const MAX_TIMESTAMP_TOKEN_BYTES = 256 * 1024;
