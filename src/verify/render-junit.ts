import { formatFinding } from '../i18n/format.js';
import type { VerificationReport } from './report-schema.js';

type Finding = VerificationReport['findings'][number];

// Characters XML 1.0 cannot carry at all, not even as a character reference (section 2.2): C0 controls but TAB,
// LF and CR, lone surrogates, U+FFFE and U+FFFF. Bidi controls are legal but reorder what a reader sees. Both
// are written visibly, as the text `\uXXXX` (`\xXX` for C0), so a hostile name cannot hide or break the file.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text for an XML 1.0 attribute or element: the five markup characters as entities, the rest visible. */
function xml(text: string): string {
  return text
    .replace(INVISIBLE, (c) => {
      const code = c.charCodeAt(0);
      return code < 0x20 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    })
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

interface Case {
  name: string;
  failures: Finding[];
}

/** Options of {@link renderReportJUnit}. */
export interface JUnitOptions {
  /**
   * The suite's name, so that several bundles in one CI job can be told apart (default: `evidence-bundle` and
   * the bundle id, or `evidence-bundle` alone when the manifest could not be read). `evb verify` uses the
   * directory name and the bundle id.
   */
  name?: string;
  /** Seconds the verification took (default 0). */
  time?: number;
  /** The host the verification ran on (omitted by default: the core does not know it). */
  hostname?: string;
  /**
   * The language of the failure messages (BCP 47, negotiated as for {@link renderReportText}; default `en`).
   * Only the messages are translated: suite and testcase names, finding codes (`type`) and counts stay the
   * same in every language, so that a CI system tracks the same cases whatever the reader's language.
   */
  lang?: string;
}

/**
 * Renders a report as JUnit XML for CI systems, in the common schema (Ant / Jenkins junit-10.xsd, Maven
 * surefire): `testsuites` and one `testsuite` with `tests`, `failures`, `errors`, `skipped`, `time` (and
 * `timestamp`, `hostname`), a `testcase` with `name`, `classname` and `time` per item, per signature, and one for
 * the bundle as a whole; a finding of severity `error` is a `failure` (with `message` and `type`, the finding
 * code) of the case it belongs to. INDETERMINATE is a failure too (trust not established), so a CI gate never
 * passes an untrusted bundle. A verification that stopped (`verify.internal-error`) is an `error`, not a failure.
 * Failure messages are in `options.lang`; everything else is language-independent. All text is escaped for
 * XML 1.0; characters it cannot carry and bidi controls are written visibly (`\x1b`).
 * @throws EvidenceBundleError `ERR_LANG_INVALID` when `options.lang` is not a well-formed BCP 47 tag
 * @example
 * await writeFile('verify.xml', renderReportJUnit(report, { name: `case-42 (${report.bundle?.bundleId})` }));
 */
export function renderReportJUnit(report: VerificationReport, options: JUnitOptions = {}): string {
  const lang = options.lang ?? 'en';
  // The catalog's message with its parameters put in raw: xml() below makes every invisible character visible.
  const message = (f: Finding): string => formatFinding(f, lang, { escape: (text) => text });
  const name = options.name ?? (report.bundle !== null ? `evidence-bundle ${report.bundle.bundleId}` : 'evidence-bundle');
  const time = seconds(options.time ?? 0);
  const cases: Case[] = [];
  const byItem = new Map<string, Case>();
  const bySignature = new Map<number, Case>();
  for (const item of report.items) {
    const c: Case = { name: `item ${item.id}`, failures: [] };
    byItem.set(item.id, c);
    cases.push(c);
  }
  for (const s of report.signatures) {
    const c: Case = { name: `signature #${s.index}${s.role !== undefined ? ` (${s.role})` : ''}`, failures: [] };
    bySignature.set(s.index, c);
    cases.push(c);
  }
  const overall: Case = { name: `outcome ${report.outcome}`, failures: [] };
  cases.unshift(overall);
  for (const f of report.findings) {
    if (f.severity !== 'error' && !(f.severity === 'warning' && report.outcome === 'INDETERMINATE')) continue;
    const target = (f.item !== undefined ? byItem.get(f.item) : undefined) ?? (f.signature !== undefined ? bySignature.get(f.signature) : undefined) ?? overall;
    target.failures.push(f);
  }
  const isError = (c: Case) => c.failures.some((f) => f.code === 'verify.internal-error');
  const errors = cases.filter(isError).length;
  const failures = cases.filter((c) => c.failures.length > 0 && !isError(c)).length;
  const counts = `tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="0" time="${time}"`;
  // xs:dateTime as junit-10.xsd has it: no fraction, no zone (the report's checkedAt is UTC).
  const timestamp = report.checkedAt.slice(0, 19);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites name="${xml(name)}" ${counts}>`);
  const host = options.hostname !== undefined ? ` hostname="${xml(options.hostname)}"` : '';
  out.push(`  <testsuite name="${xml(name)}" ${counts} timestamp="${xml(timestamp)}"${host}>`);
  for (const c of cases) {
    const open = `    <testcase name="${xml(c.name)}" classname="${xml(name)}" time="0"`;
    if (c.failures.length === 0) {
      out.push(`${open}/>`);
      continue;
    }
    out.push(`${open}>`);
    const first = c.failures[0]!;
    const body = c.failures.map((f) => `${f.code}: ${message(f)}${f.path !== undefined ? ` [${f.path}]` : ''}`).join('\n');
    const element = isError(c) ? 'error' : 'failure';
    out.push(`      <${element} type="${xml(first.code)}" message="${xml(message(first))}">${xml(body)}</${element}>`);
    out.push('    </testcase>');
  }
  out.push('  </testsuite>', '</testsuites>');
  return out.join('\n') + '\n';
}

function seconds(value: number): string {
  return Number.isFinite(value) && value >= 0 ? value.toFixed(3) : '0.000';
}
