// A reader that stops reading is not a crash (`evb verify ... | head`): the command ends quietly with its own
// exit code, whatever it was writing, to standard output or to standard error.
import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { keyPair, packDemo, tempDir } from '../helpers/bundle-fixture.js';

vi.setConfig({ testTimeout: 60_000 });

const REPO = join(import.meta.dirname, '..', '..');
const EVB = join(REPO, 'src', 'cli', 'evb.ts');
let dir: string;
let bundle: string;

beforeAll(async () => {
  dir = await tempDir();
  const packager = await keyPair('EdDSA');
  bundle = await packDemo(dir, { packager });
  await fsp.writeFile(join(dir, 'packager.pub.jwk'), JSON.stringify(packager.publicJwk));
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

/**
 * Runs evb with the read end of its standard output (or error) closed before it writes a byte, as `head` leaves
 * it once it has its lines; the other stream is collected.
 */
function runClosed(args: string[], closed: 'stdout' | 'stderr'): Promise<{ code: number | null; signal: NodeJS.Signals | null; other: string }> {
  return new Promise((resolve, reject) => {
    // From the repository, where tsx resolves; the bundle and the key by absolute path.
    const absolute = args.map((a) => (a === 'bundle' ? bundle : a === 'packager.pub.jwk' ? join(dir, a) : a));
    const child = spawn(process.execPath, ['--import', 'tsx', EVB, ...absolute], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    child[closed].destroy();
    let other = '';
    const kept = closed === 'stdout' ? child.stderr : child.stdout;
    kept.setEncoding('utf8').on('data', (s: string) => (other += s));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, other }));
  });
}

describe('a closed output is not a crash', () => {
  it.each([
    ['verify, text report', ['verify', 'bundle', '--trust', 'packager.pub.jwk', '--quiet', '--verbose'], 0],
    ['verify, JSON report', ['verify', 'bundle', '--trust', 'packager.pub.jwk', '--quiet', '--json'], 0],
    ['verify of an untrusted bundle', ['verify', 'bundle', '--quiet'], 2],
    ['help', ['--help'], 0],
    ['inspect', ['inspect', 'bundle'], 0],
    ['schema', ['schema', 'manifest'], 0],
  ])('%s: stdout closed, its own exit code and nothing on stderr', async (_, args, expected) => {
    const r = await runClosed(args as string[], 'stdout');
    expect(r.other).toBe('');
    expect(r.signal).toBeNull();
    expect(r.code).toBe(expected);
  });

  it('a usage error with stderr closed still exits 64, quietly', async () => {
    const r = await runClosed(['verify'], 'stderr');
    expect(r.other).toBe('');
    expect(r.code).toBe(64);
  });
});
