import { describe, expect, it } from 'vitest';
import { createTagFiles, isEvidenceBundleError } from '../../src/index.js';
import { assertWritablePath, checkBundlePath, checkPortablePath } from '../../src/path/bundle-path.js';

const NOT_PORTABLE: Array<[string, string]> = [
  ['CON', 'device-name'],
  ['con', 'device-name'],
  ['logs/PRN.txt', 'device-name'],
  ['aux.tar.gz', 'device-name'],
  ['a/Nul', 'device-name'],
  ['nul .txt', 'device-name'],
  ['COM1', 'device-name'],
  ['com9.log', 'device-name'],
  ['LPT1', 'device-name'],
  ['lpt9.txt', 'device-name'],
  ['COM\u00b9', 'device-name'],
  ['CONIN$', 'device-name'],
  ['conout$.txt', 'device-name'],
  ['report.', 'trailing-dot-or-space'],
  ['report ', 'trailing-dot-or-space'],
  ['dir./file.txt', 'trailing-dot-or-space'],
  ['dir /file.txt', 'trailing-dot-or-space'],
  ['a<b', 'reserved-character'],
  ['a>b', 'reserved-character'],
  ['ab:c', 'reserved-character'],
  ['stream.txt:hidden', 'reserved-character'],
  ['say"hi"', 'reserved-character'],
  ['a|b', 'reserved-character'],
  ['why?', 'reserved-character'],
  ['*.log', 'reserved-character'],
];
// Near misses: names that only look like the refused ones.
const PORTABLE = ['CONSOLE', 'con-1.txt', 'icon', 'aux1', 'COM0', 'COM10', 'LPT', 'nul_', 'a.b.c', '.hidden', 'dir/.gitkeep', 'x .txt', 'Straße/ß.txt', 'a b/c d.txt'];

describe('checkPortablePath', () => {
  it.each(NOT_PORTABLE)('%s cannot be created on Windows (%s)', (path, problem) => {
    // Each is a safe bundle path: only Windows refuses it.
    expect(checkBundlePath(path)).toBeUndefined();
    expect(checkPortablePath(path)).toBe(problem);
  });

  it.each(PORTABLE)('%s can', (path) => {
    expect(checkBundlePath(path)).toBeUndefined();
    expect(checkPortablePath(path)).toBeUndefined();
  });
});

describe('writers', () => {
  const code = (f: () => unknown): string | undefined => {
    try {
      f();
    } catch (error) {
      return isEvidenceBundleError(error) ? error.code : String(error);
    }
    return undefined;
  };

  it.each(NOT_PORTABLE.map(([p]) => p))('assertWritablePath refuses %s with ERR_PATH_UNSAFE', (path) => {
    expect(code(() => assertWritablePath(path))).toBe('ERR_PATH_UNSAFE');
  });

  it('assertWritablePath refuses what checkBundlePath refuses, and accepts a portable path', () => {
    expect(code(() => assertWritablePath('../x'))).toBe('ERR_PATH_UNSAFE');
    expect(code(() => assertWritablePath('logs/access.log'))).toBeUndefined();
  });

  const bagInfo = { bundleId: 'b6f0b1a2-3c4d-4e5f-8a9b-0c1d2e3f4a5b', sourceOrganization: 'Test', baggingDate: '2026-10-06' };
  const sha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

  it('createTagFiles refuses a payload or tag file that Windows cannot create', () => {
    for (const path of ['data/logs/aux.log', 'data/CON', 'data/report.', 'data/a:b']) {
      expect(code(() => createTagFiles({ payload: [{ path, size: 0, digests: { sha256 } }], algorithms: ['sha256'], tagFiles: [], bagInfo }))).toBe('ERR_PATH_UNSAFE');
    }
    expect(code(() => createTagFiles({ payload: [], algorithms: ['sha256'], tagFiles: [['evidence/nul.json', new Uint8Array()]], bagInfo }))).toBe('ERR_PATH_UNSAFE');
    // The control: the same call with a portable name.
    expect(code(() => createTagFiles({ payload: [{ path: 'data/logs/access.log', size: 0, digests: { sha256 } }], algorithms: ['sha256'], tagFiles: [], bagInfo }))).toBeUndefined();
  });
});
