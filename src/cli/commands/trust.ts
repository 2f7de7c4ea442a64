import { resolve } from 'node:path';
import { calculateJwkThumbprint } from 'jose';
import { escapeForDisplay as shown } from '../../report/display-text.js';
import { parseTrustPolicy } from '../../trust/parse-trust-policy.js';
import type { TrustPolicy } from '../../trust/trust-policy.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../io.js';
import type { Command } from './command.js';
import { loadCertificates, toPem } from './certificates.js';
import { replaceFile, writeNewFile } from './files.js';
import { loadPublicKeys, readPolicy } from './trust-inputs.js';

export const trust: Command = {
  help: `Usage:
  evb trust init --out POLICY.json --name NAME --country CC [--authority NAME]
  evb trust add POLICY.json --id ID --name NAME --country CC --role ROLE [--role ROLE ...]
                (--jwk FILE | --jwks FILE | --cert FILE.pem) ... [--valid-from T] [--valid-until T]
  evb trust require POLICY.json --id ID --role ROLE [--country CC|sender (default)] [--min N]
  evb trust tsa POLICY.json --id ID --name NAME --cert TSA-ROOT.pem [--cert ...] [--intermediate CA.pem ...]
                [--valid-from T] [--valid-until T]
  evb trust custody POLICY.json --final-custody owner|ID [--final-custody ID ...]
  evb trust legal POLICY.json [--instrument KIND ...] [--request-kind KIND ...] [--requesting-country owner]
                [--max-retention-days N] [--speciality true|false] [--conditions refused]
  evb trust show POLICY.json

A trust policy is the receiver's decision, under its own law, of whom it trusts: which authorities of which
countries, in which roles (packager, certifier, custodian), with which keys or X.509 trust anchors, and which
time-stamping authorities. "evb verify --policy POLICY.json" applies it. Edits are atomic: the policy file is
replaced in one rename, never left half-written.

Subcommands:
  init   create a new policy with no authority (the file must not exist)
  add    add a trusted authority from public JWKs, JWKS files or PEM/DER certificates (trust anchors)
  require  add a required signature: at least N distinct trusted signers in ROLE (of country CC, or of the
         sending State with "sender"); without requirements, one trusted signature suffices
  tsa    add a trusted RFC 3161 time-stamping authority from its root certificate(s), with intermediate CA
         certificates for tokens that do not carry them, and the period in which its tokens are accepted
  custody  require that the custody log ends in the receiver's custody: every item received, through a valid
         and trusted "received" event, by an authority of the policy owner's country ("owner") or by one of
         the authorities named by id (the end of a log can otherwise be cut off without trace)
  legal  set the legal rules (replacing those set before): the instruments and request kinds accepted, that
         the request be the owner's State's, the longest retention, the use restrictions required
  show   print the policy in words, with key thumbprints

Options:
  --out FILE          policy file to create (init)
  --name NAME         policy name (init), authority or TSA name (add, tsa)
  --country CC        ISO 3166-1 alpha-2: the receiving State (init), the authority's State (add),
                      the signers' State or "sender" (require)
  --min N             distinct signers required (require; default 1)
  --authority NAME    the receiving authority that owns the policy (init; default: --name)
  --id ID             rule id of the authority or TSA, named by verification findings
  --role ROLE         packager, certifier or custodian (repeatable)
  --jwk FILE          a public JWK (repeatable)
  --jwks FILE         a JWKS file {"keys": [...]} (repeatable)
  --cert FILE         a PEM or DER certificate file, trust anchor (repeatable)
  --intermediate FILE a PEM or DER intermediate CA certificate of the TSA, never an anchor (tsa; repeatable)
  --valid-from T      RFC 3339: signatures (add) or tokens (tsa) made before T are not trusted
  --valid-until T     RFC 3339: signatures (add) or tokens (tsa) made after T are not trusted
  --final-custody X   "owner", or an authority id (repeatable): who must hold the items at the end (custody)
  --instrument KIND   an accepted legalBasis.instrument.kind (legal; repeatable)
  --request-kind KIND an accepted legalBasis.request.kind (legal; repeatable)
  --requesting-country owner   the request must be the policy owner's State's (legal)
  --max-retention-days N       longest retention the receiver may grant, in days from creation (legal)
  --speciality B      the rule of speciality the bundle must declare, true or false (legal)
  --conditions refused         the bundle must set no further conditions of use (legal)
`,
  options: {
    out: { type: 'string' },
    name: { type: 'string' },
    country: { type: 'string' },
    authority: { type: 'string' },
    id: { type: 'string' },
    role: { type: 'string', multiple: true },
    jwk: { type: 'string', multiple: true },
    jwks: { type: 'string', multiple: true },
    cert: { type: 'string', multiple: true },
    intermediate: { type: 'string', multiple: true },
    'valid-from': { type: 'string' },
    'valid-until': { type: 'string' },
    min: { type: 'string' },
    'final-custody': { type: 'string', multiple: true },
    instrument: { type: 'string', multiple: true },
    'request-kind': { type: 'string', multiple: true },
    'requesting-country': { type: 'string' },
    'max-retention-days': { type: 'string' },
    speciality: { type: 'string' },
    conditions: { type: 'string' },
  },
  async run(values, positionals, io) {
    const [sub, ...files] = positionals;
    const str = (name: string) => values[name] as string | undefined;
    const list = (name: string) => (values[name] as string[] | undefined) ?? [];
    const need = (name: string): string => {
      const value = str(name);
      if (value === undefined) throw new UsageError(`--${name} is required`);
      return value;
    };
    const onePolicy = (): string => {
      if (files.length !== 1) throw new UsageError(`give exactly one POLICY file after "${sub}"`);
      return resolve(io.cwd, files[0]!);
    };
    switch (sub) {
      case 'init': {
        if (files.length !== 0) throw new UsageError('init takes no POLICY argument: use --out');
        const out = resolve(io.cwd, need('out'));
        const name = need('name');
        const policy = parseTrustPolicy({
          policyVersion: '1.0',
          name,
          owner: { country: need('country'), authority: str('authority') ?? name },
          authorities: [],
        });
        await writeNewFile(out, serialize(policy));
        io.stdout(`trust policy "${shown(policy.name)}" written to ${shown(str('out')!)}\n`);
        return EXIT.VALID;
      }
      case 'add': {
        const path = onePolicy();
        const policy = await readPolicy(path);
        const roles = list('role');
        if (roles.length === 0) throw new UsageError('give at least one --role');
        const keys = await loadPublicKeys([...list('jwk'), ...list('jwks')].map((p) => resolve(io.cwd, p)));
        const anchors = (await loadCertificates(list('cert').map((p) => resolve(io.cwd, p)))).map(toPem);
        if (keys.length === 0 && anchors.length === 0) throw new UsageError('give --jwk, --jwks or --cert');
        const authority = {
          id: need('id'),
          name: need('name'),
          country: need('country'),
          roles,
          ...(keys.length > 0 ? { keys } : {}),
          ...(anchors.length > 0 ? { x509Anchors: anchors } : {}),
          ...(str('valid-from') !== undefined ? { validFrom: str('valid-from') } : {}),
          ...(str('valid-until') !== undefined ? { validUntil: str('valid-until') } : {}),
        };
        const next = parseTrustPolicy({ ...policy, authorities: [...policy.authorities, authority] });
        await replaceFile(path, serialize(next));
        io.stdout(`authority ${shown(authority.id)} added: ${keys.length} key(s), ${anchors.length} anchor(s), roles ${roles.map((r) => shown(r)).join(', ')}\n`);
        return EXIT.VALID;
      }
      case 'require': {
        const path = onePolicy();
        const policy = await readPolicy(path);
        const min = Number(str('min') ?? '1');
        if (!Number.isSafeInteger(min) || min < 1) throw new UsageError(`--min must be a positive integer, not "${str('min')}"`);
        const roles = list('role');
        if (roles.length !== 1) throw new UsageError('give exactly one --role');
        const requirement = { id: need('id'), role: roles[0]!, country: str('country') ?? 'sender', min };
        const next = parseTrustPolicy({ ...policy, requirements: [...policy.requirements, requirement] });
        await replaceFile(path, serialize(next));
        const of = requirement.country === 'sender' ? ' of the sending State' : ` of ${shown(requirement.country)}`;
        io.stdout(`requirement ${shown(requirement.id)} added: at least ${min} trusted ${shown(requirement.role)} signature(s)${of}\n`);
        return EXIT.VALID;
      }
      case 'tsa': {
        const path = onePolicy();
        const policy = await readPolicy(path);
        const anchors = (await loadCertificates(list('cert').map((p) => resolve(io.cwd, p)))).map(toPem);
        if (anchors.length === 0) throw new UsageError('give --cert with the TSA\'s root certificate');
        const intermediates = (await loadCertificates(list('intermediate').map((p) => resolve(io.cwd, p)))).map(toPem);
        const tsa = {
          id: need('id'),
          name: need('name'),
          anchors,
          ...(intermediates.length > 0 ? { intermediates } : {}),
          ...(str('valid-from') !== undefined ? { validFrom: str('valid-from') } : {}),
          ...(str('valid-until') !== undefined ? { validUntil: str('valid-until') } : {}),
        };
        const next = parseTrustPolicy({ ...policy, timestampAuthorities: [...policy.timestampAuthorities, tsa] });
        await replaceFile(path, serialize(next));
        const extra = intermediates.length > 0 ? `, ${intermediates.length} intermediate(s)` : '';
        io.stdout(`time-stamping authority ${shown(tsa.id)} added: ${anchors.length} anchor(s)${extra}\n`);
        return EXIT.VALID;
      }
      case 'custody': {
        const path = onePolicy();
        const policy = await readPolicy(path);
        const final = list('final-custody');
        if (final.length === 0) throw new UsageError('give --final-custody owner, or the ids of the authorities');
        if (final.includes('owner') && final.length > 1) throw new UsageError('--final-custody owner stands alone');
        const requireFinalCustody = final[0] === 'owner' ? 'owner' : final;
        const next = parseTrustPolicy({ ...policy, custody: { requireFinalCustody } });
        await replaceFile(path, serialize(next));
        io.stdout(`the custody log must end with the items received by ${shown(describeFinalCustody(next))}\n`);
        return EXIT.VALID;
      }
      case 'legal': {
        const path = onePolicy();
        const policy = await readPolicy(path);
        const days = str('max-retention-days');
        const speciality = str('speciality');
        if (days !== undefined && !/^[1-9][0-9]{0,5}$/.test(days)) throw new UsageError(`--max-retention-days must be a positive integer, not "${days}"`);
        if (speciality !== undefined && speciality !== 'true' && speciality !== 'false') throw new UsageError('--speciality takes true or false');
        const use = {
          ...(speciality !== undefined ? { speciality: speciality === 'true' } : {}),
          ...(str('conditions') !== undefined ? { conditions: str('conditions') } : {}),
        };
        const legal = {
          ...(list('instrument').length > 0 ? { instruments: list('instrument') } : {}),
          ...(list('request-kind').length > 0 ? { requestKinds: list('request-kind') } : {}),
          ...(str('requesting-country') !== undefined ? { requestingCountry: str('requesting-country') } : {}),
          ...(days !== undefined ? { maxRetentionDays: Number(days) } : {}),
          ...(Object.keys(use).length > 0 ? { useRestrictions: use } : {}),
        };
        if (Object.keys(legal).length === 0) throw new UsageError('give at least one legal rule');
        // The schema judges the values (kinds, "owner", "refused"), with the path of what is wrong.
        const next = parseTrustPolicy({ ...policy, legal });
        await replaceFile(path, serialize(next));
        io.stdout(`legal rules set: ${Object.keys(legal).join(', ')}\n`);
        return EXIT.VALID;
      }
      case 'show': {
        io.stdout(await describePolicy(await readPolicy(onePolicy())));
        return EXIT.VALID;
      }
      default:
        throw new UsageError(sub === undefined ? 'give a subcommand: init, add, require, tsa, custody, legal or show' : `unknown subcommand "${sub}"`);
    }
  },
};

function describeFinalCustody(policy: TrustPolicy): string {
  const final = policy.custody?.requireFinalCustody;
  if (final === undefined) return 'anyone (not required)';
  return final === 'owner' ? `an authority of ${policy.owner.country}` : final.join(' or ');
}

function serialize(policy: TrustPolicy): string {
  return JSON.stringify(policy, null, 2) + '\n';
}

/** The policy in words; its names and ids are escaped for display, a policy file being input like any other. */
async function describePolicy(policy: TrustPolicy): Promise<string> {
  const lines = [
    `Trust policy "${shown(policy.name)}" (version ${shown(policy.policyVersion)})`,
    `Owner: ${shown(policy.owner.authority)} (${shown(policy.owner.country)})`,
    `Algorithms: ${policy.algorithms.map((a) => shown(a)).join(', ')}`,
    `Maximum clock skew: ${policy.maxClockSkewSeconds} s`,
    `Timestamp required: ${policy.requireTimestamp ? 'yes' : 'no'}`,
    '',
    `Authorities (${policy.authorities.length}):`,
  ];
  for (const a of policy.authorities) {
    const period = a.validFrom !== undefined || a.validUntil !== undefined ? `, valid ${shown(a.validFrom ?? '...')} to ${shown(a.validUntil ?? '...')}` : '';
    lines.push(`  ${shown(a.id)}: ${shown(a.name)} (${shown(a.country)}), roles ${a.roles.map((r) => shown(r)).join(', ')}${period}`);
    for (const key of a.keys ?? []) {
      lines.push(`    key ${await calculateJwkThumbprint(key as JsonWebKey, 'sha256')} (${shown(key.kty)}${key.crv !== undefined ? ` ${shown(key.crv)}` : ''})`);
    }
    if (a.x509Anchors !== undefined) lines.push(`    ${a.x509Anchors.length} X.509 trust anchor(s)`);
  }
  lines.push('', `Required signatures (${policy.requirements.length}):`);
  for (const r of policy.requirements) {
    lines.push(`  ${shown(r.id)}: at least ${r.min} distinct ${shown(r.role)}(s) of ${r.country === 'sender' ? 'the sending country' : shown(r.country)}`);
  }
  if (policy.requirements.length === 0) lines.push('  none: one trusted, valid signature suffices');
  lines.push('', `Time-stamping authorities (${policy.timestampAuthorities.length}):`);
  for (const t of policy.timestampAuthorities) {
    const intermediates = t.intermediates !== undefined ? `, ${t.intermediates.length} intermediate(s)` : '';
    const period = t.validFrom !== undefined || t.validUntil !== undefined ? `, tokens from ${t.validFrom ?? '(any time)'} until ${t.validUntil ?? '(any time)'}` : '';
    lines.push(`  ${shown(t.id)}: ${shown(t.name)}, ${t.anchors.length} anchor(s)${intermediates}${period}`);
  }
  lines.push('', `Final custody: ${shown(describeFinalCustody(policy))}`);
  const legal = policy.legal ?? {};
  lines.push('', 'Legal rules:');
  if (legal.instruments !== undefined) lines.push(`  instruments accepted: ${legal.instruments.join(', ')}`);
  if (legal.requestKinds !== undefined) lines.push(`  request kinds accepted: ${legal.requestKinds.join(', ')}`);
  if (legal.requestingCountry === 'owner') lines.push(`  the request must be of ${shown(policy.owner.country)}`);
  if (legal.maxRetentionDays !== undefined) lines.push(`  retention at most ${legal.maxRetentionDays} days`);
  if (legal.useRestrictions?.speciality !== undefined) lines.push(`  speciality must be ${legal.useRestrictions.speciality}`);
  if (legal.useRestrictions?.conditions === 'refused') lines.push('  no further conditions of use accepted');
  if (lines[lines.length - 1] === 'Legal rules:') lines.push('  none: any legal basis is accepted');
  return lines.join('\n') + '\n';
}
