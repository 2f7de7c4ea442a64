import { findPathCollisions } from '../path/bundle-path.js';
import { pushAll } from '../internal/arrays.js';

/**
 * Pairs of paths that cannot be written side by side into one directory tree: a file that is also the directory
 * of another path (`a` and `a/b`), and two paths equal after case folding ({@link findPathCollisions}), counting
 * the directories the paths imply (`data/A` and `data/a/b` collide on a case-insensitive file system, and a
 * validator listing the written tree sees `data/A` and `data/a`). Used by the writers, whose inputs name files
 * only; a validator lists directories itself.
 * @returns `[first, later]` pairs, in input order.
 */
export function findTreeCollisions(files: Iterable<string>): Array<[string, string]> {
  const fileSet = new Set<string>();
  const directories = new Map<string, string>();
  const out: Array<[string, string]> = [];
  for (const file of files) {
    fileSet.add(file);
    // Walk up until a directory already known: each directory is visited once, whatever the number of files.
    for (let end = file.lastIndexOf('/'); end > 0; end = file.lastIndexOf('/', end - 1)) {
      const directory = file.slice(0, end);
      if (directories.has(directory)) break;
      directories.set(directory, file);
    }
  }
  for (const [directory, under] of directories) if (fileSet.has(directory)) out.push([directory, under]);
  const exact = new Set(out.map(([directory]) => directory));
  pushAll(out, findPathCollisions([...fileSet, ...[...directories.keys()].filter((d) => !exact.has(d))]));
  return out;
}
