// How a path written in a manifest or fetch.txt becomes a bag path. Internal to src/bagit.
import { checkBundlePath } from '../path/bundle-path.js';
import { makeFinding } from '../report/codes.js';
import type { FindingSink } from '../report/cap-findings.js';

/** True for bags declaring a version before 1.0, whose looser rules the conformance suite expects. */
export function isLegacyVersion(version: string | undefined): boolean {
  return version !== undefined && /^0\.\d+$/.test(version);
}

/**
 * Decodes and checks one path of a manifest or fetch.txt line. BagIt 1.0 percent-encodes CR, LF and `%` in
 * paths (RFC 8493 sections 2.1.3 and 2.2.3); earlier versions wrote them raw. A leading `./` is removed with a
 * warning. Returns the bag path, or undefined (with an error finding) when it is unsafe; a path that is not NFC
 * is only a warning in bags before 1.0.
 */
export function readEntryPath(
  raw: string,
  version: string | undefined,
  where: { path: string; line: number },
  findings: FindingSink,
): string | undefined {
  const legacy = isLegacyVersion(version);
  // One pass, so "%250A" becomes "%0A" and never a line feed. Most paths hold no "%" at all.
  const decode = !legacy && raw.includes('%');
  let path = decode ? raw.replace(/%(0[AaDd]|25)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : raw;
  if (decode && /%(?!0[AaDd]|25)/.test(raw)) {
    findings.push(makeFinding('bag.path.bare-percent', `${JSON.stringify(raw)} holds a "%" that is not percent-encoded; it was read as is`, where, { path: raw }));
  }
  if (path.startsWith('./')) {
    path = path.slice(2);
    findings.push(makeFinding('bag.manifest.dot-slash', `${JSON.stringify(raw)} starts with "./"`, where, { path: raw }));
  }
  const problem = checkBundlePath(path);
  if (problem === undefined) return path;
  if (problem === 'not-nfc' && legacy) {
    findings.push(makeFinding('bag.path.not-nfc', `${JSON.stringify(path)} is not in Unicode NFC`, where, { path }));
    return path;
  }
  findings.push(makeFinding('bag.path.unsafe', `${JSON.stringify(raw)}: ${problem}`, where, { path: raw, detail: problem }));
  return undefined;
}
