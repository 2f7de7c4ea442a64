import { resolve } from 'node:path';
import { escapeForDisplay as shown, escapeJsonForDisplay } from '../../report/display-text.js';
import { MAX_PROOF_BYTES } from '../../disclosure/proof-file.js';
import { verifyItemProof, type ItemProofReport } from '../../verify/verify-item-proof.js';
import { OUTCOME_EXIT } from '../exit-codes.js';
import { UsageError } from '../io.js';
import type { Command } from './command.js';
import { readInputFile } from './files.js';
import { readTrustInputs } from './trust-inputs.js';

// A module of its own, apart from redact and prove: the State that receives a single item's proof verifies it
// without loading the writers (ZIP and CBOR sinks, signers).

export const verifyProof: Command = {
  help: `Usage: evb verify-proof PROOF (--policy POLICY.json | --trust KEY.jwk ...) [--json]

Checks one item proof (from "evb prove") without its bundle: the signed manifest and its signatures against
your policy or keys, the item's commitment and inclusion path up to the signed root, and the item's bytes
against its recorded size and digests. Exit 0 VALID, 1 INVALID, 2 INDETERMINATE (no signer you trust).

Options:
  --policy FILE  your trust policy
  --trust FILE   a trusted public JWK or JWKS file (repeatable)
  --json         print the JSON report
`,
  options: { policy: { type: 'string' }, trust: { type: 'string', multiple: true }, json: { type: 'boolean' } },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError('give one PROOF');
    const { policy, trustedKeys } = await readTrustInputs(values, io.cwd);
    if (policy === undefined && trustedKeys.length === 0) throw new UsageError('give --policy or --trust');
    const bytes = await readInputFile(resolve(io.cwd, positionals[0]!), MAX_PROOF_BYTES);
    const report = await verifyItemProof(bytes, policy ? { policy } : { trustedKeys });
    if (values['json'] === true) io.stdout(escapeJsonForDisplay(JSON.stringify(report, null, 2)) + '\n');
    else io.stdout(renderProof(report));
    return OUTCOME_EXIT[report.outcome];
  },
};

function renderProof(report: ItemProofReport): string {
  const lines = [`Outcome: ${report.outcome}`];
  if (report.bundle) lines.push(`Bundle:  ${shown(report.bundle.bundleId)} (format ${shown(report.bundle.formatVersion)}), case ${shown(report.bundle.caseReference)}`);
  if (report.item) lines.push(`Item:    ${shown(report.item.id)}${report.item.path ? ` (${shown(report.item.path)}, ${report.item.size ?? '?'} bytes)` : ''}: ${report.item.status}`);
  lines.push(`Signatures (${report.signatures.filter((s) => s.trusted).length} trusted):`);
  for (const s of report.signatures) lines.push(`  #${s.index} ${s.status}${s.role ? ` ${shown(s.role)}` : ''}${s.kid ? ` ${shown(s.kid)}` : ''}`);
  if (report.findings.length > 0) lines.push('Findings:');
  for (const f of report.findings) lines.push(`  ${f.severity} ${f.code}: ${shown(f.message)}`);
  return lines.join('\n') + '\n';
}
