// Plain-text tables for benchmark output, so results paste straight into a README or a report.

/** Prints rows under a header, columns padded; numbers right-aligned, text left-aligned. */
export function printTable(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): void {
  const cells = [header, ...rows].map((row) => row.map((cell) => String(cell)));
  const widths = header.map((_, col) => Math.max(...cells.map((row) => row[col]?.length ?? 0)));
  const right = header.map((_, col) => rows.every((row) => typeof row[col] === 'number' || /^[\d.,x× -]+$|^-$/.test(String(row[col]))));
  const line = (row: readonly string[]): string =>
    row.map((cell, col) => (right[col] ? cell.padStart(widths[col]!) : cell.padEnd(widths[col]!))).join('  ').trimEnd();
  console.log(line(cells[0]!));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of cells.slice(1)) console.log(line(row));
}

/** Megabytes (10^6) per second, as `openssl speed` and disk vendors count. */
export function mbPerSecond(bytes: number, seconds: number): string {
  return (bytes / 1e6 / seconds).toFixed(0);
}

/** Mebibytes, one decimal. */
export function mib(bytes: number | undefined): string {
  return bytes === undefined ? '-' : (bytes / 1024 / 1024).toFixed(1);
}

/** The same table as {@link printTable}, as Markdown, to paste into the README. */
export function printMarkdownTable(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): void {
  const line = (row: ReadonlyArray<string | number>): string => `| ${row.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${header.map(() => ' --- ').join('|')}|`);
  for (const row of rows) console.log(line(row));
}
