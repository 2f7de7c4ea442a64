// Policy processing (RFC 5280 section 6.1) on synthetic certificates: what openssl cannot be asked in the
// differential test (bounded tree size, malformed extensions, self-issued exceptions, policy sets).
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';
import { ANY_POLICY, MAX_POLICY_NODES, policyProcessing } from '../../src/x509/policy-tree.js';

interface Spec {
  policies?: string[];
  mappings?: Array<[string, string]>;
  constraints?: { requireExplicit?: number; inhibitMapping?: number };
  inhibitAny?: number;
  raw?: Array<[string, asn1js.AsnType]>;
}

const oid = (value: string) => new asn1js.ObjectIdentifier({ value });
const tagged = (tag: number, n: number) => new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: tag }, valueHex: new Uint8Array([n]) });

function cert(spec: Spec): pkijs.Certificate {
  const c = new pkijs.Certificate();
  const ext = (id: string, value: asn1js.AsnType) => new pkijs.Extension({ extnID: id, critical: true, extnValue: new Uint8Array(value.toBER()).buffer });
  const extensions: pkijs.Extension[] = [];
  if (spec.policies) extensions.push(ext('2.5.29.32', new asn1js.Sequence({ value: spec.policies.map((p) => new asn1js.Sequence({ value: [oid(p)] })) })));
  if (spec.mappings) extensions.push(ext('2.5.29.33', new asn1js.Sequence({ value: spec.mappings.map(([a, b]) => new asn1js.Sequence({ value: [oid(a), oid(b)] })) })));
  if (spec.constraints) {
    const parts = [];
    if (spec.constraints.requireExplicit !== undefined) parts.push(tagged(0, spec.constraints.requireExplicit));
    if (spec.constraints.inhibitMapping !== undefined) parts.push(tagged(1, spec.constraints.inhibitMapping));
    extensions.push(ext('2.5.29.36', new asn1js.Sequence({ value: parts })));
  }
  if (spec.inhibitAny !== undefined) extensions.push(ext('2.5.29.54', new asn1js.Integer({ value: spec.inhibitAny })));
  for (const [id, value] of spec.raw ?? []) extensions.push(ext(id, value));
  c.extensions = extensions;
  return c;
}

const any = { initialPolicySet: [ANY_POLICY], initialExplicitPolicy: false };
const explicit = (...set: string[]) => ({ initialPolicySet: set, initialExplicitPolicy: true });
const run = (specs: Spec[], inputs = any, selfIssued = specs.map(() => false)) => policyProcessing(specs.map(cert), selfIssued, inputs);

describe('policyProcessing', () => {
  it('accepts a path without policies unless an explicit policy is required', () => {
    expect(run([{}, {}]).ok).toBe(true);
    expect(run([{}, {}], explicit(ANY_POLICY)).ok).toBe(false);
    expect(run([], explicit('1.2.3'))).toEqual({ ok: true, policies: ['1.2.3'] });
  });

  it('returns the policies the path is valid for, intersected with the initial set', () => {
    expect(run([{ policies: ['1.1', '1.2'] }, { policies: ['1.2', '1.3'] }])).toEqual({ ok: true, policies: ['1.2'] });
    expect(run([{ policies: [ANY_POLICY] }, { policies: ['1.2', '1.3'] }], explicit('1.3'))).toEqual({ ok: true, policies: ['1.3'] });
    expect(run([{ policies: ['1.1'] }, { policies: ['1.1'] }], explicit('1.2')).ok).toBe(false);
  });

  it('refuses a mapping to or from anyPolicy, a policy named twice, and extensions that do not decode', () => {
    for (const specs of [
      [{ policies: ['1.1'], mappings: [[ANY_POLICY, '1.2']] as Array<[string, string]> }, { policies: ['1.2'] }],
      [{ policies: ['1.1'], mappings: [['1.1', ANY_POLICY]] as Array<[string, string]> }, { policies: ['1.2'] }],
      [{ policies: ['1.1', '1.1'] }, {}],
      [{ constraints: {} }, {}],
      [{ raw: [['2.5.29.54', new asn1js.Integer({ value: -1 })]] as Array<[string, asn1js.AsnType]> }, {}],
      [{ raw: [['2.5.29.32', new asn1js.Sequence({ value: [] })]] as Array<[string, asn1js.AsnType]> }, {}],
      [{ raw: [['2.5.29.33', new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [oid('1.1')] })] })]] as Array<[string, asn1js.AsnType]> }, {}],
    ]) {
      const r = run(specs);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(/\S/);
    }
  });

  it('honours anyPolicy in a self-issued intermediate even when inhibitAnyPolicy has run out (section 6.1.3 d 2)', () => {
    const specs: Spec[] = [{ policies: [ANY_POLICY], inhibitAny: 0, constraints: { requireExplicit: 0 } }, { policies: [ANY_POLICY] }, { policies: ['1.5'] }];
    expect(run(specs, any, [false, true, false]).ok).toBe(true);
    expect(run(specs, any, [false, false, false]).ok).toBe(false);
  });

  it('does not count self-issued certificates when it counts down requireExplicitPolicy', () => {
    // requireExplicitPolicy 2 in the first CA: the path must be valid for a policy after two more non-self-issued certificates.
    const specs: Spec[] = [{ constraints: { requireExplicit: 2 } }, {}, {}];
    expect(run(specs, any, [false, false, false]).ok).toBe(false);
    expect(run(specs, any, [false, true, false]).ok).toBe(true);
    expect(run([{ constraints: { requireExplicit: 3 } }, {}, {}], any, [false, false, false]).ok).toBe(true);
  });

  it('stops at a bounded tree size when mappings multiply the nodes (CVE-2023-0464 shape)', () => {
    const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}.${i + 1}`);
    const P = range('1.1', 32);
    const Q = range('1.2', 2);
    const R = range('1.3', 32);
    const specs: Spec[] = [
      { policies: P, mappings: P.flatMap((p) => Q.map((q) => [p, q] as [string, string])) },
      { policies: Q, mappings: Q.flatMap((q) => R.map((r) => [q, r] as [string, string])) },
      { policies: R },
    ];
    const r = run(specs);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(String(MAX_POLICY_NODES));
  });
});
