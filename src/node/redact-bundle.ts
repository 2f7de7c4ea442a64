import { resolve } from 'node:path';
import { redactBundleTo, type RedactOptions } from '../bundle/redact-to.js';
import { EvidenceBundleError } from '../errors.js';
import { newBundleSink } from './bundle-sinks.js';
import { nodeBackend } from './digest-backend.js';
import { ioError } from './io-error.js';
import { openBundle, type BundleForm } from './open-bundle.js';
import { pathExists } from './path-exists.js';
import { assertOutsideInput, formFromName } from './write-bundle.js';

/** Options of {@link redactBundle}: those of the core's redactBundleTo, and the output's form. */
export interface RedactBundleOptions extends Omit<RedactOptions, 'backend'> {
  /** The output's form; by default from its name: `.zip`, `.cbor`, anything else a directory. */
  form?: BundleForm;
}

/**
 * Writes a redacted copy of a format 1.2 bundle of any form (recognised by content) as a new bundle at `output`,
 * in any form, atomically (a partial beside the target, renamed into place): the withheld items' bytes and
 * disclosures are left out, the signatures still verify, and a signed `redacted` custody event records who
 * withheld what and why ({@link redactBundleTo}, docs/format.md "Redaction"). The input is never modified.
 * @returns the withheld ids, the seq of the redaction event and the form written
 * @throws EvidenceBundleError `ERR_TARGET_EXISTS` (the output exists or lies inside the input directory), what
 *   {@link openBundle} and {@link redactBundleTo} throw (`ERR_DISCLOSURE_INVALID`, `ERR_CUSTODY_RULE`, `ERR_BAG_INVALID`, ...)
 * @example await redactBundle('case-42', 'case-42-court.zip', { withhold: ['third-party'], reason, signer, actor, place: 'Hanoi' });
 */
export async function redactBundle(input: string, output: string, options: RedactBundleOptions): Promise<{ withheld: string[]; seq: number; form: BundleForm }> {
  const form = options.form ?? formFromName(output);
  const target = resolve(output);
  const opened = await openBundle(input);
  try {
    await assertOutsideInput(opened.form, input, output);
    if (await pathExists(target)) throw new EvidenceBundleError('ERR_TARGET_EXISTS', `${output} already exists`);
    let total = 0;
    for await (const entry of opened.source.list()) if (entry.kind === 'file') total += entry.size ?? 0;
    const sink = await newBundleSink(target, form, total, output);
    const { form: _form, ...rest } = options;
    try {
      const result = await redactBundleTo(opened.source, sink, { ...rest, backend: nodeBackend });
      return { ...result, form };
    } catch (error) {
      throw error instanceof EvidenceBundleError || error instanceof TypeError ? error : ioError(error, output);
    }
  } finally {
    await opened.close();
  }
}
