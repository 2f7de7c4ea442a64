import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { FINDING_CODES, type BagSource } from '../../src/index.js';
import { FINDING_PARAMS } from '../../src/entries/report.js';
import { formatFinding } from '../../src/entries/i18n.js';
import { sourceFindings } from '../../src/entries/bagit.js';

// Every call that makes a finding of a code named in the source passes exactly the params its code declares
// (src/report/finding-params.ts): read from the source, like the layer test, so that a call site no test
// reaches is checked too. Per function: where its code and its params are among the arguments, and the params
// it gives when called without (verify-detached's fail() carries its message as `detail`).
const SRC = join(import.meta.dirname, '..', '..', 'src');
const MAKERS: ReadonlyArray<{ file?: string; name: string; code: number; params: number; default?: string[] }> = [
  { name: 'makeFinding', code: 0, params: 3 },
  { name: 'policyFinding', code: 0, params: 3 },
  { file: 'custody/verify-custody-log.ts', name: 'report', code: 0, params: 3 },
  { file: 'custody/check-custody-chain.ts', name: 'report', code: 0, params: 3 },
  { file: 'custody/check-custody-rules.ts', name: 'report', code: 0, params: 2 },
  { file: 'sign/verify-detached.ts', name: 'fail', code: 1, params: 4, default: ['detail'] },
  { file: 'sign/verify-detached.ts', name: 'reject', code: 1, params: 3 },
];

interface Site {
  where: string;
  code: string;
  /** The property names of the params object, or undefined when it is not an object literal (checked at run time). */
  given: string[] | undefined;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

function sites(): Site[] {
  const found: Site[] = [];
  for (const path of sourceFiles(SRC)) {
    const file = relative(SRC, path).split('\\').join('/');
    const source = ts.createSourceFile(file, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
        const callee = node.expression.text;
        const maker = MAKERS.find((m) => m.name === callee && (m.file === undefined || m.file === file));
        const codeArg = maker === undefined ? undefined : node.arguments[maker.code];
        if (maker !== undefined && codeArg !== undefined && ts.isStringLiteralLike(codeArg) && Object.hasOwn(FINDING_CODES, codeArg.text)) {
          const arg = node.arguments[maker.params];
          const where = `${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
          let given: string[] | undefined;
          if (arg === undefined) given = maker.default ?? [];
          else if (ts.isObjectLiteralExpression(arg) && arg.properties.every((p) => ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p))) {
            given = arg.properties.map((p) => (p.name as ts.Identifier).text);
          }
          found.push({ where, code: codeArg.text, given });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

describe('finding call sites', () => {
  const all = sites();

  it('are found in number (the check reads the source it means to)', () => {
    expect(all.length).toBeGreaterThan(100);
    expect(all.filter((s) => s.given !== undefined).length).toBeGreaterThan(100);
  });

  it("each pass exactly their code's params", () => {
    const params: Readonly<Record<string, readonly string[] | undefined>> = FINDING_PARAMS;
    const wrong = all
      .filter((s) => s.given !== undefined && [...s.given].sort().join() !== [...(params[s.code] ?? [])].sort().join())
      .map((s) => `${s.where} ${s.code}: gives [${s.given!.join(', ')}], declares [${(params[s.code] ?? []).join(', ')}]`);
    expect(wrong).toEqual([]);
  });
});

describe('sourceFindings', () => {
  it("gives a source's message as the detail of the codes that carry one, and no params to a code with others", async () => {
    const source = {
      problems: async () => [
        { code: 'zip.entry.compressed', message: 'compression method 8, not STORED', path: 'data/a' },
        { code: 'item.missing', message: 'no bytes', path: 'data/b' },
      ],
    } as unknown as BagSource;
    const [zip, item] = await sourceFindings(source);
    expect(zip!.params).toEqual({ detail: 'compression method 8, not STORED' });
    expect(item!.params).toBeUndefined();
    expect(formatFinding(zip!, 'fr')).toBe("l'entrée est compressée et n'a pas été lue : compression method 8, not STORED");
    expect(formatFinding(item!, 'fr')).toBe('no bytes');
  });
});
