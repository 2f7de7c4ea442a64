// Running external commands for benchmarks: page-cache warming, wall time and peak RSS of a child.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface CommandRun {
  /** Wall-clock seconds, measured here (spawn to exit). */
  seconds: number;
  /** Peak resident set size of the child in bytes, when /usr/bin/time could report it. */
  peakRssBytes: number | undefined;
  /** User plus system CPU seconds of the child (all its threads), when /usr/bin/time could report them. */
  cpuSeconds?: number;
  stdout: string;
}

const GNU_TIME = '/usr/bin/time';
const hasGnuTime = existsSync(GNU_TIME);

/**
 * Runs a command to completion and times it. With GNU time available the command runs under `time -v` so
 * the child's own peak RSS (not ours) is reported; its report goes to stderr, which is parsed and dropped.
 * @throws Error when the command exits non-zero.
 */
export function runCommand(command: string, args: readonly string[], options: { cwd?: string } = {}): Promise<CommandRun> {
  const [file, argv] = hasGnuTime ? [GNU_TIME, ['-v', command, ...args]] : [command, [...args]];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, argv, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) {
        reject(new Error(`${command} ${args.join(' ')} exited with ${code}\n${stderr.slice(-2000)}`));
        return;
      }
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
      const system = /System time \(seconds\): ([\d.]+)/.exec(stderr);
      const cpu = user && system ? { cpuSeconds: Number(user[1]) + Number(system[1]) } : {};
      resolve({ seconds, peakRssBytes: rss ? Number(rss[1]) * 1024 : undefined, ...cpu, stdout });
    });
  });
}

/** Reads files once so that later runs measure hashing, not the disk (`cat` to /dev/null). */
export async function warmPageCache(paths: readonly string[]): Promise<void> {
  // Batches keep the argument list under the kernel's limit.
  for (let i = 0; i < paths.length; i += 1000) {
    await new Promise<void>((resolve, reject) => {
      const child = spawn('cat', paths.slice(i, i + 1000), { stdio: ['ignore', 'ignore', 'inherit'] });
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`cat exited with ${code}`))));
    });
  }
}

/** Runs `fn` `runs` times and keeps the fastest, the usual way to damp noise on a shared machine. */
export async function bestOf<T extends { seconds: number }>(runs: number, fn: () => Promise<T>): Promise<T> {
  let best: T | undefined;
  for (let i = 0; i < runs; i++) {
    const result = await fn();
    if (best === undefined || result.seconds < best.seconds) best = result;
  }
  return best!;
}

/**
 * Runs `fn` `runs` times and keeps the run of median time (the upper one of an even count): less flattering
 * than the fastest, and a single slow run on a shared machine does not move it.
 */
export async function medianOf<T extends { seconds: number }>(runs: number, fn: () => Promise<T>): Promise<T> {
  const results: T[] = [];
  for (let i = 0; i < runs; i++) results.push(await fn());
  results.sort((a, b) => a.seconds - b.seconds);
  return results[Math.floor(results.length / 2)]!;
}
