// Differential test: verifyCertificateChain against `openssl verify -x509_strict -policy_check` on one set of
// chains made by openssl (validity at each level, key usage, basic constraints, path length, name constraints,
// certificate policies, unknown critical extensions, order, RSA-PSS). Each case asserts our status; the two
// verifiers must agree on valid / not valid, except where DISAGREEMENTS lists the case with the RFC clause that
// justifies our answer (the same table is in docs/format.md, "Certificate paths").
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCertificateChain, type ChainResult, type VerifyChainOptions } from '../../src/x509/verify-chain.js';
import { createOpensslPki, openssl, OPENSSL_AVAILABLE, warnIfNoOpenssl, type IssuedCertificate, type OpensslPki } from '../helpers/openssl-pki.js';

warnIfNoOpenssl('tests/x509/verify-chain-openssl');

const DAY = 86_400_000;
const now = new Date(Math.floor(Date.now() / 1000) * 1000);
const at = (days: number) => new Date(now.getTime() + days * DAY);

interface Case {
  name: string;
  /** Leaf first, as x5c; the anchor (the root) is given separately. */
  chain: IssuedCertificate[];
  time?: Date;
  options?: Pick<VerifyChainOptions, 'initialPolicySet' | 'initialExplicitPolicy' | 'requiredKeyUsage'>;
  /** openssl verify arguments that ask what `options` asks. */
  opensslArgs?: string[];
  expected: ChainResult['status'];
}

/** Cases where we deliberately answer otherwise than openssl, with the clause that says why. */
const DISAGREEMENTS: Record<string, { ours: ChainResult['status']; openssl: 'ok' | 'error'; clause: string }> = {
  'wrong order: intermediate first': {
    ours: 'invalid',
    openssl: 'ok',
    clause: 'RFC 7515 section 4.1.6: x5c[0] is the certificate of the signing key and each following certificate certifies the one before; openssl -untrusted is an unordered pool, so it validates the intermediate as a target of its own',
  },
  'name constraints: CN looks like a host name outside the dNSName subtrees': {
    ours: 'valid',
    openssl: 'error',
    clause: 'RFC 5280 section 4.2.1.10: dNSName constraints apply to dNSName names (subjectAltName); the subject commonName is a directory attribute, constrained only by directoryName subtrees. openssl also reads a host-like CN as a DNS name (a CA/Browser Forum habit, not RFC 5280)',
  },
};

describe.skipIf(!OPENSSL_AVAILABLE)('verifyCertificateChain agrees with openssl verify -x509_strict', () => {
  let pki: OpensslPki;
  let shortRoot: OpensslPki;
  let dir: string;
  const cases: Case[] = [];

  beforeAll(async () => {
    [pki, shortRoot] = await Promise.all([
      createOpensslPki(),
      createOpensslPki({
        root: { notBefore: at(-10), notAfter: at(10) },
        intermediates: [{ notBefore: at(-20), notAfter: at(20) }],
        leaf: { notBefore: at(-20), notAfter: at(20) },
      }),
    ]);
    dir = await mkdtemp(join(tmpdir(), 'evb-diff-'));
    const root = pki.root;
    const ca = (spec: Parameters<OpensslPki['issue']>[0] = {}, issuer: IssuedCertificate = root) => pki.issue(spec, { issuer, ca: true });
    const leafOf = (issuer: IssuedCertificate, spec: Parameters<OpensslPki['issue']>[0] = {}) => pki.issue(spec, { issuer });
    const I = pki.intermediates[0]!;
    const L = pki.leaf;

    const [shortCa, noCertSign, noBasic, pathlen0, nc, pol, requireExplicit, mapping, inhibitAny, inhibitMapping, critical, pss] = await Promise.all([
      ca({ notBefore: at(-10), notAfter: at(10) }),
      ca({ keyUsage: 'critical,digitalSignature' }),
      ca({ noBasicConstraints: true }),
      ca({ pathlen: 0 }),
      ca({
        extensions: ['nameConstraints = critical,@nc'],
        sections: [
          '[ nc ]',
          'permitted;DNS.0 = example.com',
          'permitted;email.0 = .example.com',
          'permitted;IP.0 = 10.0.0.0/255.0.0.0',
          'permitted;URI.0 = .example.com',
          'permitted;dirName.0 = nc_dir',
          'excluded;DNS.1 = bad.example.com',
          '[ nc_dir ]',
          'C = VN',
          'O = Test PKI',
        ].join('\n'),
      }),
      ca({ extensions: ['certificatePolicies = 1.2.3.1'] }),
      ca({ extensions: ['certificatePolicies = 1.2.3.1', 'policyConstraints = critical,requireExplicitPolicy:0'] }),
      ca({ extensions: ['certificatePolicies = 1.2.3.1', 'policyMappings = critical,1.2.3.1:1.2.3.2'] }),
      ca({ extensions: ['certificatePolicies = 2.5.29.32.0', 'inhibitAnyPolicy = critical,0', 'policyConstraints = critical,requireExplicitPolicy:0'] }),
      ca({ extensions: ['certificatePolicies = 1.2.3.1', 'policyConstraints = critical,inhibitPolicyMapping:0'] }),
      ca({ extensions: ['1.2.3.4.5.6.7 = critical,ASN1:NULL'] }),
      ca({ key: 'RSA-PSS' }),
    ]);
    const [pathlen0Sub, pathlen0Rollover, mappingBelowInhibit] = await Promise.all([
      ca({}, pathlen0),
      // Self-issued: the same CA name with a new key (a key rollover), not counted by pathLenConstraint.
      ca({ subject: pathlen0.subject }, pathlen0),
      ca({ extensions: ['certificatePolicies = 1.2.3.1', 'policyMappings = critical,1.2.3.1:1.2.3.2'] }, inhibitMapping),
    ]);
    const san = (names: string) => ({ extensions: [`subjectAltName = ${names}`] });
    const policies = (oids: string) => ({ extensions: [`certificatePolicies = ${oids}`] });
    const [
      shortCaLeaf, noCertSignLeaf, noBasicLeaf, pathlen0Leaf, pathlen0Deep, encipherOnly, underLeaf, criticalLeaf, nonCriticalLeaf,
      ncInside, ncInsideCase, ncDnsOutside, ncDnsExcluded, ncEmailOutside, ncIpOutside, ncIpv6, ncUriOutside, ncDnOutside, ncCnHost,
      polLeaf, polNone, requireExplicitNone, requireExplicitLeaf, mappedLeaf, inhibitAnyLeaf, inhibitAnySpecific, inhibitMappingLeaf,
      criticalCaLeaf, pssSigned, pssKey, rolloverLeaf,
    ] = await Promise.all([
      leafOf(shortCa, { notBefore: at(-20), notAfter: at(20) }),
      leafOf(noCertSign),
      leafOf(noBasic),
      leafOf(pathlen0),
      leafOf(pathlen0Sub),
      leafOf(I, { keyUsage: 'critical,keyEncipherment' }),
      leafOf(L),
      leafOf(I, { extensions: ['1.2.3.4.5.6.7 = critical,ASN1:NULL'] }),
      leafOf(I, { extensions: ['1.2.3.4.5.6.7 = ASN1:NULL'] }),
      leafOf(nc, san('DNS:www.example.com,email:a@mail.example.com,IP:10.1.2.3,URI:https://www.example.com/x')),
      leafOf(nc, san('DNS:WWW.Example.COM,email:B@Mail.Example.Com')),
      leafOf(nc, san('DNS:www.example.org')),
      leafOf(nc, san('DNS:x.bad.example.com')),
      leafOf(nc, san('email:a@example.org')),
      leafOf(nc, san('IP:192.168.1.1')),
      leafOf(nc, san('IP:fd00::1')),
      leafOf(nc, san('URI:https://example.org/')),
      leafOf(nc, { subject: '/C=FR/O=Other/CN=Outside' }),
      leafOf(nc, { subject: '/C=VN/O=Test PKI/CN=www.example.org' }),
      leafOf(pol, policies('1.2.3.1')),
      leafOf(pol),
      leafOf(requireExplicit),
      leafOf(requireExplicit, policies('1.2.3.1')),
      leafOf(mapping, policies('1.2.3.2')),
      leafOf(inhibitAny, policies('2.5.29.32.0')),
      leafOf(inhibitAny, policies('1.2.3.1')),
      leafOf(mappingBelowInhibit, policies('1.2.3.2')),
      leafOf(critical),
      leafOf(pss),
      leafOf(I, { key: 'RSA-PSS' }),
      leafOf(pathlen0Rollover),
    ]);

    const explicit = (oid: string) => ({
      options: { initialPolicySet: [oid], initialExplicitPolicy: true },
      opensslArgs: ['-policy', oid, '-explicit_policy'],
    });
    const signing = { options: { requiredKeyUsage: ['digitalSignature' as const] }, opensslArgs: ['-purpose', 'smimesign'] };
    cases.push(
      { name: 'valid: root, intermediate, leaf', chain: [L, I], expected: 'valid' },
      { name: 'leaf expired', chain: [L, I], time: at(400), expected: 'expired' },
      { name: 'leaf not yet valid', chain: [L, I], time: at(-2), expected: 'not-yet-valid' },
      { name: 'intermediate expired', chain: [shortCaLeaf, shortCa], time: at(15), expected: 'expired' },
      { name: 'intermediate not yet valid', chain: [shortCaLeaf, shortCa], time: at(-15), expected: 'not-yet-valid' },
      { name: 'intermediate valid inside its period', chain: [shortCaLeaf, shortCa], time: at(5), expected: 'valid' },
      { name: 'root expired', chain: [shortRoot.leaf, shortRoot.intermediates[0]!], time: at(15), expected: 'expired' },
      { name: 'root not yet valid', chain: [shortRoot.leaf, shortRoot.intermediates[0]!], time: at(-15), expected: 'not-yet-valid' },
      { name: 'key usage: intermediate without keyCertSign', chain: [noCertSignLeaf, noCertSign], expected: 'invalid' },
      { name: 'key usage: leaf keyEncipherment only, signing asked', chain: [encipherOnly, I], ...signing, expected: 'invalid' },
      { name: 'key usage: leaf digitalSignature, signing asked', chain: [L, I], ...signing, expected: 'valid' },
      { name: 'basic constraints: issued by an end-entity certificate', chain: [underLeaf, L, I], expected: 'invalid' },
      { name: 'basic constraints: intermediate without the extension', chain: [noBasicLeaf, noBasic], expected: 'invalid' },
      { name: 'path length 0: leaf directly below', chain: [pathlen0Leaf, pathlen0], expected: 'valid' },
      { name: 'path length 0: one CA too many below', chain: [pathlen0Deep, pathlen0Sub, pathlen0], expected: 'invalid' },
      { name: 'path length 0: a self-issued CA (key rollover) below is not counted', chain: [rolloverLeaf, pathlen0Rollover, pathlen0], expected: 'valid' },
      { name: 'name constraints: every type inside', chain: [ncInside, nc], expected: 'valid' },
      { name: 'name constraints: inside, other letter case', chain: [ncInsideCase, nc], expected: 'valid' },
      { name: 'name constraints: dNSName outside', chain: [ncDnsOutside, nc], expected: 'invalid' },
      { name: 'name constraints: dNSName excluded', chain: [ncDnsExcluded, nc], expected: 'invalid' },
      { name: 'name constraints: rfc822Name outside', chain: [ncEmailOutside, nc], expected: 'invalid' },
      { name: 'name constraints: IPv4 outside', chain: [ncIpOutside, nc], expected: 'invalid' },
      { name: 'name constraints: IPv6 against IPv4 subtrees', chain: [ncIpv6, nc], expected: 'invalid' },
      { name: 'name constraints: URI outside', chain: [ncUriOutside, nc], expected: 'invalid' },
      { name: 'name constraints: subject outside the directoryName subtree', chain: [ncDnOutside, nc], expected: 'invalid' },
      { name: 'name constraints: CN looks like a host name outside the dNSName subtrees', chain: [ncCnHost, nc], expected: 'valid' },
      { name: 'policies: the required policy', chain: [polLeaf, pol], ...explicit('1.2.3.1'), expected: 'valid' },
      { name: 'policies: another policy required', chain: [polLeaf, pol], ...explicit('1.2.3.9'), expected: 'invalid' },
      { name: 'policies: explicit policy asked, leaf has none', chain: [polNone, pol], ...explicit('1.2.3.1'), expected: 'invalid' },
      { name: 'policies: none asked, none present', chain: [polNone, pol], expected: 'valid' },
      { name: 'policy constraints: requireExplicitPolicy 0, leaf without policies', chain: [requireExplicitNone, requireExplicit], expected: 'invalid' },
      { name: 'policy constraints: requireExplicitPolicy 0, leaf with the policy', chain: [requireExplicitLeaf, requireExplicit], expected: 'valid' },
      { name: 'policy mappings: issuer domain required', chain: [mappedLeaf, mapping], ...explicit('1.2.3.1'), expected: 'valid' },
      { name: 'policy mappings: subject domain required', chain: [mappedLeaf, mapping], ...explicit('1.2.3.2'), expected: 'invalid' },
      { name: 'policy constraints: inhibitPolicyMapping 0 above a mapping', chain: [inhibitMappingLeaf, mappingBelowInhibit, inhibitMapping], ...explicit('1.2.3.1'), expected: 'invalid' },
      { name: 'inhibitAnyPolicy 0: leaf with anyPolicy only', chain: [inhibitAnyLeaf, inhibitAny], expected: 'invalid' },
      { name: 'inhibitAnyPolicy 0: leaf with a specific policy', chain: [inhibitAnySpecific, inhibitAny], expected: 'valid' },
      { name: 'unknown critical extension in the leaf', chain: [criticalLeaf, I], expected: 'invalid' },
      { name: 'unknown critical extension in the intermediate', chain: [criticalCaLeaf, critical], expected: 'invalid' },
      { name: 'unknown non-critical extension', chain: [nonCriticalLeaf, I], expected: 'valid' },
      { name: 'wrong order: intermediate first', chain: [I, L], expected: 'invalid' },
      { name: 'RSA-PSS: intermediate with an id-RSASSA-PSS key signs with PSS', chain: [pssSigned, pss], expected: 'valid' },
      { name: 'RSA-PSS: leaf with an id-RSASSA-PSS key', chain: [pssKey, I], expected: 'valid' },
    );
    if (process.env['EVB_SLOW'] === '1') {
      // More key types and a chain two intermediates deep: the same verdicts, more of the code under test.
      const [p384, rsa, deep] = await Promise.all([leafOf(I, { key: 'P-384' }), leafOf(I, { key: 'RSA-2048' }), ca({}, I)]);
      const deepLeaf = await leafOf(deep);
      cases.push(
        { name: 'slow: P-384 leaf', chain: [p384, I], expected: 'valid' },
        { name: 'slow: RSA-2048 leaf', chain: [rsa, I], expected: 'valid' },
        { name: 'slow: two intermediates', chain: [deepLeaf, deep, I], expected: 'valid' },
        { name: 'slow: two intermediates, leaf expired', chain: [deepLeaf, deep, I], time: at(400), expected: 'expired' },
      );
    }
  }, 120_000);
  afterAll(async () => {
    await Promise.all([pki?.dispose(), shortRoot?.dispose(), dir === undefined ? undefined : rm(dir, { recursive: true, force: true })]);
  });

  const anchorOf = (c: Case) => (c.chain.some((x) => shortRoot.intermediates.includes(x) || x === shortRoot.leaf) ? shortRoot.root : pki.root);

  async function opensslVerdict(c: Case, n: number): Promise<{ verdict: 'ok' | 'error'; detail: string }> {
    const target = join(dir, `t${n}.pem`);
    const untrusted = join(dir, `u${n}.pem`);
    await writeFile(target, c.chain[0]!.pem);
    await writeFile(untrusted, c.chain.slice(1).map((x) => x.pem).join(''));
    const args = [
      'verify', '-x509_strict', '-policy_check', '-CAfile', anchorOf(c).certPath,
      ...(c.chain.length > 1 ? ['-untrusted', untrusted] : []),
      '-attime', String(Math.floor((c.time ?? now).getTime() / 1000)),
      // Our user-initial-policy-set is anyPolicy (RFC 5280 section 6.1.1 c); openssl's, without -policy, is empty,
      // which fails every path whose CA requires an explicit policy. Asked the same question, it agrees.
      ...(c.opensslArgs?.includes('-policy') === true ? [] : ['-policy', '2.5.29.32.0']),
      ...(c.opensslArgs ?? []), target,
    ];
    try {
      const { stdout } = await openssl(args, dir);
      return { verdict: /: OK\s*$/.test(stdout) ? 'ok' : 'error', detail: stdout.trim() };
    } catch (e) {
      return { verdict: 'error', detail: String(e).split('\n')[0]!.replace(/^.* failed: /, '') };
    }
  }

  it('every disagreement listed names a case', () => {
    for (const name of Object.keys(DISAGREEMENTS)) expect(cases.map((c) => c.name)).toContain(name);
    expect(cases.length).toBeGreaterThan(30);
  });

  it('gives the expected status on each case, and openssl agrees except where listed', async () => {
    const rows = await Promise.all(cases.map(async (c, n) => {
      const ours = await verifyCertificateChain(c.chain.map((x) => x.base64), { anchors: [anchorOf(c).pem], time: c.time ?? now, ...c.options });
      const { verdict, detail } = await opensslVerdict(c, n);
      return { c, ours, openssl: verdict, detail };
    }));
    const problems: string[] = [];
    for (const { c, ours, openssl: theirs, detail } of rows) {
      if (ours.status !== c.expected) problems.push(`${c.name}: ours ${ours.status} (${ours.reason ?? ''}), expected ${c.expected}`);
      if (c.expected !== 'valid' && (ours.reason ?? '') === '') problems.push(`${c.name}: no reason given`);
      const listed = DISAGREEMENTS[c.name];
      const agree = (ours.status === 'valid') === (theirs === 'ok');
      if (listed === undefined && !agree) problems.push(`${c.name}: ours ${ours.status} (${ours.reason ?? ''}), openssl ${theirs} (${detail}), and the disagreement is not listed`);
      if (listed !== undefined && (agree || listed.ours !== ours.status || listed.openssl !== theirs)) {
        problems.push(`${c.name}: listed as a disagreement (ours ${listed.ours}, openssl ${listed.openssl}), found ours ${ours.status}, openssl ${theirs}`);
      }
    }
    expect(problems).toEqual([]);
  }, 60_000);

  it('returns the validated path leaf to anchor, and an RSA-PSS leaf key as an RSA JWK', async () => {
    const valid = cases.find((c) => c.name === 'valid: root, intermediate, leaf')!;
    const r = await verifyCertificateChain(valid.chain.map((x) => x.base64), { anchors: [pki.root.pem], time: now });
    expect(r.path?.map((c) => Buffer.from(c.der).toString('base64'))).toEqual([...valid.chain.map((x) => x.base64), pki.root.base64]);
    const pss = cases.find((c) => c.name === 'RSA-PSS: leaf with an id-RSASSA-PSS key')!;
    const p = await verifyCertificateChain(pss.chain.map((x) => x.base64), { anchors: [pki.root.pem], time: now });
    expect(p.leafPublicJwk).toMatchObject({ kty: 'RSA', n: pss.chain[0]!.publicJwk.n, e: pss.chain[0]!.publicJwk.e });
  });
});
