/** Entry point of the `evb` command; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  process.stdout.write(`evb: not yet implemented (${argv.join(' ')})\n`);
  return 64;
}
