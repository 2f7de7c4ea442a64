import { EvidenceBundleError } from '../errors.js';
import { jwkThumbprint } from './thumbprint.js';

/**
 * Refuses, before anything is signed, an `x5c` chain the receiver's verifier would reject whatever its trust
 * anchors: certificates that are not strict DER, a leaf that does not certify the signing key (its RFC 7638
 * thumbprint is not `kid`), a chain not in leaf-first order with each certificate signed by the next, an
 * issuer that is not a CA, a leaf without digitalSignature (or nonRepudiation), an unknown critical extension,
 * or a certificate outside its validity at `time`, the claimed signing time: no later timestamp can make an
 * expired certificate valid for a signature made after it expired. The anchors are the receiver's and unknown
 * here, so the chain's last certificate stands in for one: whether the receiver trusts it is not checked.
 * @throws EvidenceBundleError `ERR_X509_KEY_MISMATCH` when the leaf's key is not the signer's,
 *   `ERR_X509_CHAIN_INVALID` for every other reason
 * @example
 * await checkSigningChain(signer.x5c, signer.kid, new Date());
 */
export async function checkSigningChain(x5c: readonly string[], kid: string, time: Date): Promise<void> {
  // Imported on first use: most signers have no certificate chain, and the X.509 code (pkijs, asn1js) is large.
  const { anchorCertificateChain, linkCertificateChain } = await import('../x509/verify-chain.js');
  const linked = await linkCertificateChain(x5c);
  const leafKey = 'status' in linked ? linked.leafPublicJwk : linked.known.leafPublicJwk;
  // The key first: a chain for another key is the commonest mistake, and the plainest message.
  if (leafKey !== undefined) {
    const thumbprint = await jwkThumbprint(leafKey);
    if (thumbprint !== kid) {
      throw new EvidenceBundleError('ERR_X509_KEY_MISMATCH', `x5c[0] certifies the key ${String(thumbprint)}, but the signer's kid is ${kid}: give the signer's own certificate first`);
    }
  }
  if ('status' in linked) throw refused(linked.reason ?? linked.status);
  const top = x5c[x5c.length - 1]!;
  // documentSigner: the receiver refuses a CA certificate or a TLS, code-signing or time-stamping one as the leaf.
  const chain = await anchorCertificateChain(linked, { anchors: [top], time, requiredKeyUsage: ['digitalSignature'], documentSigner: true });
  if (chain.status !== 'valid') throw refused(chain.reason ?? chain.status);
}

function refused(why: string): EvidenceBundleError {
  return new EvidenceBundleError('ERR_X509_CHAIN_INVALID', `the x5c chain would be rejected by its receiver: ${why}`);
}
