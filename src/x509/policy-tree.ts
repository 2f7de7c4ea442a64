import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';

/** The special policy OID anyPolicy (RFC 5280 section 4.2.1.4). */
export const ANY_POLICY = '2.5.29.32.0';

const CERTIFICATE_POLICIES = '2.5.29.32';
const POLICY_MAPPINGS = '2.5.29.33';
const POLICY_CONSTRAINTS = '2.5.29.36';
const INHIBIT_ANY_POLICY = '2.5.29.54';

/** Object identifiers of the policy extensions (they are processed, so they may be critical). */
export const POLICY_EXTENSION_OIDS = [CERTIFICATE_POLICIES, POLICY_MAPPINGS, POLICY_CONSTRAINTS, INHIBIT_ANY_POLICY] as const;

/** Most policies or mappings read from one certificate, and most nodes of the tree (bounded resources, CVE-2023-0464). */
export const MAX_POLICIES_PER_CERTIFICATE = 64;
export const MAX_POLICY_NODES = 1024;

/** The inputs of RFC 5280 section 6.1.1 that concern policies; the inhibit inputs are fixed at false. */
export interface PolicyInputs {
  /** user-initial-policy-set (section 6.1.1 c); anyPolicy alone accepts every policy. */
  initialPolicySet: readonly string[];
  /** initial-explicit-policy (section 6.1.1 f): the path must be valid for at least one policy of the set. */
  initialExplicitPolicy: boolean;
}

/** The outcome of policy processing: the policies the path is valid for, or why it fails. */
export type PolicyOutcome =
  | { ok: true; /** The valid policies at the leaf (user-constrained, section 6.1.5 g); empty when no tree is required and none remains. */ policies: string[] }
  | { ok: false; reason: string };

interface Node {
  depth: number;
  policy: string;
  expected: Set<string>;
  parent: Node | undefined;
  children: Node[];
}

interface Extensions {
  policies?: string[];
  mappings?: Array<[string, string]>;
  requireExplicit?: number;
  inhibitMapping?: number;
  inhibitAny?: number;
}

/**
 * Policy processing of RFC 5280 section 6.1 (steps 6.1.2 a, d, e, j, k; 6.1.3 d, e, f; 6.1.4 a, b, h, i, j;
 * 6.1.5 a, b, g): builds the valid_policy_tree over `path` (certificates from the one the trust anchor issued
 * down to the leaf, the anchor excluded, as section 6.1 takes it). Returns the user-constrained policy set,
 * or why the path fails: an extension that does not decode, a mapping to or from anyPolicy, or no valid policy
 * where explicit_policy has fallen to 0. `selfIssued[i]` says whether path[i] is self-issued. Never throws.
 * @example
 * policyProcessing([intermediate, leaf], [false, false], { initialPolicySet: [ANY_POLICY], initialExplicitPolicy: false });
 */
export function policyProcessing(path: readonly pkijs.Certificate[], selfIssued: readonly boolean[], inputs: PolicyInputs): PolicyOutcome {
  const n = path.length;
  let root: Node | undefined = { depth: 0, policy: ANY_POLICY, expected: new Set([ANY_POLICY]), parent: undefined, children: [] };
  let count = 1;
  let explicitPolicy = inputs.initialExplicitPolicy ? 0 : n + 1;
  let inhibitAny = n + 1;
  let policyMapping = n + 1;
  const nodesAt = (depth: number): Node[] => {
    const out: Node[] = [];
    const walk = (node: Node) => (node.depth === depth ? out.push(node) : node.children.forEach(walk));
    if (root !== undefined) walk(root);
    return out;
  };
  const add = (parent: Node, policy: string, expected: Iterable<string>): boolean => {
    parent.children.push({ depth: parent.depth + 1, policy, expected: new Set(expected), parent, children: [] });
    return ++count <= MAX_POLICY_NODES;
  };
  const remove = (node: Node) => {
    if (node.parent === undefined) root = undefined;
    else node.parent.children = node.parent.children.filter((c) => c !== node);
  };
  // Nodes of depth below `depth` left without children have no valid policy below them.
  const prune = (depth: number) => {
    for (let d = depth - 1; d >= 0; d--) for (const node of nodesAt(d)) if (node.children.length === 0) remove(node);
  };
  const tooMany = { ok: false as const, reason: `the certificate policies make more than ${MAX_POLICY_NODES} policy tree nodes` };

  for (let i = 1; i <= n; i++) {
    const cert = path[i - 1]!;
    const ext = readExtensions(cert);
    if (typeof ext === 'string') return { ok: false, reason: ext };
    const last = i === n;
    // 6.1.3 (d) and (e)
    if (ext.policies !== undefined && root !== undefined) {
      const parents = nodesAt(i - 1);
      for (const p of ext.policies) {
        if (p === ANY_POLICY) continue;
        const matching = parents.filter((node) => node.expected.has(p));
        for (const node of matching.length > 0 ? matching : parents.filter((node) => node.policy === ANY_POLICY)) {
          if (!add(node, p, [p])) return tooMany;
        }
      }
      if (ext.policies.includes(ANY_POLICY) && (inhibitAny > 0 || (!last && selfIssued[i - 1] === true))) {
        for (const node of parents) {
          const present = new Set(node.children.map((c) => c.policy));
          for (const p of node.expected) if (!present.has(p) && !add(node, p, [p])) return tooMany;
        }
      }
      prune(i);
    } else {
      root = undefined;
    }
    // 6.1.3 (f)
    if (explicitPolicy <= 0 && root === undefined) return { ok: false, reason: `no valid certificate policy at certificate ${n - i} of the path, where an explicit policy is required` };
    if (last) break;

    // 6.1.4 (a), (b)
    if (ext.mappings !== undefined) {
      if (ext.mappings.some(([a, b]) => a === ANY_POLICY || b === ANY_POLICY)) return { ok: false, reason: 'a policy mapping maps to or from anyPolicy (RFC 5280 section 6.1.4 a)' };
      const mapped = new Map<string, Set<string>>();
      for (const [issuerDomain, subjectDomain] of ext.mappings) mapped.set(issuerDomain, (mapped.get(issuerDomain) ?? new Set()).add(subjectDomain));
      for (const [issuerDomain, subjectDomains] of mapped) {
        const nodes = nodesAt(i).filter((node) => node.policy === issuerDomain);
        if (policyMapping > 0) {
          if (nodes.length > 0) for (const node of nodes) node.expected = new Set(subjectDomains);
          else {
            const any = nodesAt(i).find((node) => node.policy === ANY_POLICY);
            if (any?.parent !== undefined && !add(any.parent, issuerDomain, subjectDomains)) return tooMany;
          }
        } else {
          for (const node of nodes) remove(node);
          prune(i);
        }
      }
    }
    // 6.1.4 (h), (i), (j)
    if (selfIssued[i - 1] !== true) {
      if (explicitPolicy > 0) explicitPolicy--;
      if (policyMapping > 0) policyMapping--;
      if (inhibitAny > 0) inhibitAny--;
    }
    if (ext.requireExplicit !== undefined && ext.requireExplicit < explicitPolicy) explicitPolicy = ext.requireExplicit;
    if (ext.inhibitMapping !== undefined && ext.inhibitMapping < policyMapping) policyMapping = ext.inhibitMapping;
    if (ext.inhibitAny !== undefined && ext.inhibitAny < inhibitAny) inhibitAny = ext.inhibitAny;
  }

  // 6.1.5 (a), (b)
  if (explicitPolicy > 0) explicitPolicy--;
  const leafExt = n > 0 ? readExtensions(path[n - 1]!) : {};
  if (typeof leafExt !== 'string' && leafExt.requireExplicit === 0) explicitPolicy = 0;

  // 6.1.5 (g): the intersection with the user-initial-policy-set.
  const initial = new Set(inputs.initialPolicySet);
  if (root !== undefined && !initial.has(ANY_POLICY)) {
    const validSet: Node[] = [];
    const walk = (node: Node) => {
      for (const child of node.children) {
        validSet.push(child);
        if (child.policy === ANY_POLICY) walk(child);
      }
    };
    if (root !== undefined) walk(root);
    for (const node of validSet) if (node.policy !== ANY_POLICY && !initial.has(node.policy)) remove(node);
    const leafAny = nodesAt(n).find((node) => node.policy === ANY_POLICY);
    if (leafAny?.parent !== undefined) {
      const present = new Set(validSet.filter((node) => node.depth === n && node.policy !== ANY_POLICY).map((node) => node.policy));
      for (const p of initial) if (!present.has(p) && !add(leafAny.parent, p, [p])) return tooMany;
      remove(leafAny);
    }
    prune(n);
  }
  const policies = n === 0 ? [...initial] : [...new Set(nodesAt(n).map((node) => node.policy))];
  if (explicitPolicy <= 0 && root === undefined) {
    return { ok: false, reason: 'the path is valid for none of the acceptable certificate policies, and an explicit policy is required' };
  }
  return { ok: true, policies: root === undefined ? [] : policies };
}

function readExtensions(cert: pkijs.Certificate): Extensions | string {
  const out: Extensions = {};
  for (const ext of cert.extensions ?? []) {
    if (!(POLICY_EXTENSION_OIDS as readonly string[]).includes(ext.extnID)) continue;
    const asn1 = asn1js.fromBER(ext.extnValue.valueBlock.valueHexView);
    const value = asn1.offset === -1 ? undefined : asn1.result;
    const problem = `the ${ext.extnID} policy extension of ${subjectOf(cert)} does not decode`;
    if (value === undefined) return problem;
    if (ext.extnID === CERTIFICATE_POLICIES) {
      const items = value instanceof asn1js.Sequence ? value.valueBlock.value : undefined;
      if (items === undefined || items.length === 0 || items.length > MAX_POLICIES_PER_CERTIFICATE) return problem;
      const oids = items.map((info) => oidOf(info instanceof asn1js.Sequence ? info.valueBlock.value[0] : undefined));
      if (oids.some((o) => o === undefined)) return problem;
      // A policy OID MUST NOT appear more than once (RFC 5280 section 4.2.1.4).
      if (new Set(oids).size !== oids.length) return `the certificatePolicies of ${subjectOf(cert)} name a policy twice`;
      out.policies = oids as string[];
    } else if (ext.extnID === POLICY_MAPPINGS) {
      const items = value instanceof asn1js.Sequence ? value.valueBlock.value : undefined;
      if (items === undefined || items.length === 0 || items.length > MAX_POLICIES_PER_CERTIFICATE) return problem;
      const pairs = items.map((m) => (m instanceof asn1js.Sequence && m.valueBlock.value.length === 2 ? m.valueBlock.value.map(oidOf) : []));
      if (pairs.some((p) => p.length !== 2 || p.includes(undefined))) return problem;
      out.mappings = pairs as Array<[string, string]>;
    } else if (ext.extnID === POLICY_CONSTRAINTS) {
      const items = value instanceof asn1js.Sequence ? value.valueBlock.value : undefined;
      // An empty sequence MUST NOT be issued (RFC 5280 section 4.2.1.11).
      if (items === undefined || items.length === 0 || items.length > 2) return problem;
      for (const item of items) {
        const skip = skipCerts(item, 3);
        if (skip === undefined || (item.idBlock.tagNumber !== 0 && item.idBlock.tagNumber !== 1)) return problem;
        if (item.idBlock.tagNumber === 0) out.requireExplicit = skip;
        else out.inhibitMapping = skip;
      }
    } else {
      const skip = skipCerts(value, 1);
      if (skip === undefined || value.idBlock.tagNumber !== 2) return problem;
      out.inhibitAny = skip;
    }
  }
  return out;
}

function oidOf(value: asn1js.AsnType | undefined): string | undefined {
  return value instanceof asn1js.ObjectIdentifier ? value.valueBlock.toString() : undefined;
}

// SkipCerts ::= INTEGER (0..MAX), universal (tag class 1) for inhibitAnyPolicy, implicitly tagged [n] (class 3)
// in policyConstraints. Values beyond any path length are all the same: clamp them.
function skipCerts(value: asn1js.AsnType, tagClass: number): number | undefined {
  if (value.idBlock.tagClass !== tagClass || value.idBlock.isConstructed) return undefined;
  const bytes = (value as asn1js.Primitive).valueBlock.valueHexView;
  if (bytes.length === 0 || (bytes[0]! & 0x80) !== 0) return undefined;
  let n = 0;
  for (const b of bytes) n = Math.min(n * 256 + b, 1_000_000);
  return n;
}

function subjectOf(cert: pkijs.Certificate): string {
  const cn = cert.subject.typesAndValues.find((tv) => tv.type === '2.5.4.3');
  return cn === undefined ? 'a certificate' : `"${String((cn.value.valueBlock as { value?: unknown }).value ?? '')}"`;
}
