/**
 * Smallest RSA modulus accepted, for signing and verifying (NIST SP 800-131A): a certificate path or a timestamp
 * signer is no weaker than a JWS signature. The signing table (`SIGNATURE_ALGORITHMS`) shares it; in a module of
 * its own, so that the signing rules do not load the X.509 code (pkijs) with it.
 */
export const MIN_RSA_MODULUS_BITS = 2048;
