import { FINDING_CODES, makeFinding } from '../report/codes.js';
import type { Finding } from '../report/finding-type.js';
import { FINDING_PARAMS } from '../report/finding-params.js';
import type { BagSource, BagSourceProblem } from './bag-source.js';

/**
 * The findings for what a source reports about its own container ({@link BagSource.problems}), each with its
 * code's own severity from the finding tables. Never throws: a source without `problems` gives none, a code
 * outside the tables or a call that fails gives one `bag.entry.unreadable`.
 * @example
 * const findings = await sourceFindings(await openBundleDirectory('case-42'));
 */
export async function sourceFindings(source: BagSource): Promise<Finding[]> {
  if (typeof source.problems !== 'function') return [];
  const findings: Finding[] = [];
  try {
    for (const problem of await source.problems()) findings.push(problemFinding(problem));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return [makeFinding('bag.entry.unreadable', `the source's report on its own container cannot be read: ${message}`, {}, { detail: message })];
  }
  return findings;
}

/**
 * The finding for one problem a source reports, with its code's own severity. Internal.
 * @throws TypeError for a code outside the finding tables
 */
export function problemFinding(problem: BagSourceProblem): Finding {
  const code = problem?.code;
  if (typeof code !== 'string' || !Object.hasOwn(FINDING_CODES, code)) throw new TypeError(`the source reported the unknown code ${JSON.stringify(code)}`);
  // A source's message is its own English: the `detail` of the codes sources report (zip.*, bag.journal.*).
  // A code with other params gets none, and is shown with this message in every language.
  const params = FINDING_PARAMS[code]?.join() === 'detail' ? { detail: String(problem.message) } : undefined;
  return makeFinding(code, String(problem.message), problem.path === undefined ? {} : { path: String(problem.path) }, params);
}
