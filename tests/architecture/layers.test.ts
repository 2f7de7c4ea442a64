import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The module graph of src/ is a DAG and stays one (README, "Layers"): the layers below, low to high, each
// importing only layers under it. A folder is one layer; a file directly under src/ is a layer of its own.
// Like zod v4's no-circular-imports test, this reads the imports from the source, not from a build.
const LAYERS = [
  'errors',
  'internal',
  'encoding',
  'path',
  'digest',
  'report',
  // Catalogs and formatting of reports in the reader's language (issue 10), over the finding tables.
  'i18n',
  'model',
  'bagit',
  'x509',
  'sign',
  'timestamp',
  'custody',
  'trust',
  // Selective disclosure (issue 11): commitments, the Merkle tree, disclosures and item proofs, over custody and trust.
  'disclosure',
  'bundle',
  'verify',
  // Interchange exports (CASE/UCO JSON-LD, issue 12): they read what verify reads; only the facade imports them.
  'export',
  // The single-file forms of a bundle (issue 9), over the core's sources and sinks.
  'zip',
  'containers',
  'schemas',
  'index',
  // The subpaths' entry files (evidence-bundle/jws, ...): lists of exports, like index.
  'entries',
  'node',
  'cli',
  // The offline verifier page (issue 10): a top layer beside the CLI, over the public API only.
  'web',
] as const;

// The CLI sits on the public API only (STYLE.md): what it can do, a library user can do.
const CLI_MAY_IMPORT = new Set(['index.ts', 'node/index.ts', ...readdirSync(join(import.meta.dirname, '..', '..', 'src', 'entries')).map((f) => `entries/${f}`)]);
// The page runs in a browser: the public core API (the root and its subpaths), nothing of node/ or cli/.
const WEB_MAY_IMPORT = new Set([...CLI_MAY_IMPORT].filter((f) => f !== 'node/index.ts'));
const NODE_ONLY = new Set(['node', 'cli']);

const SRC = join(import.meta.dirname, '..', '..', 'src');

interface Edge {
  from: string;
  to: string;
  /** `import type` / `export type`: erased from the JavaScript, so no cycle of evaluation, but still a layer edge. */
  typeOnly?: boolean;
}

interface Specifier {
  text: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return full.endsWith('.ts') ? [full] : [];
  });
}

/** Every module specifier of a source text: static imports, `export ... from`, and `import()` with a literal. */
function specifiers(text: string): Specifier[] {
  const found: Specifier[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = ts.isImportDeclaration(node) ? node.importClause?.isTypeOnly === true : node.isTypeOnly;
      found.push({ text: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument !== undefined && ts.isStringLiteralLike(argument)) found.push({ text: argument.text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile('module.ts', text, ts.ScriptTarget.Latest, true));
  return found;
}

/** The src-relative file a relative specifier names, or undefined when none exists. */
function resolveRelative(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')];
  const found = candidates.find((c) => existsSync(c) && statSync(c).isFile());
  return found === undefined ? undefined : relative(SRC, found).split('\\').join('/');
}

/** The layer of a src-relative file: its top folder, or its own name for a file directly under src/. */
function layerOf(file: string): string {
  const [top, ...rest] = file.split('/');
  return rest.length === 0 ? top!.replace(/\.ts$/, '') : top!;
}

/** One cycle of the directed graph, as the nodes along it, first node repeated at the end; undefined if none. */
function findCycle(edges: readonly Edge[]): string[] | undefined {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    state.set(node, 'open');
    stack.push(node);
    for (const to of next.get(node) ?? []) {
      if (state.get(to) === 'open') return [...stack.slice(stack.indexOf(to)), to];
      if (state.get(to) === undefined) {
        const cycle = visit(to);
        if (cycle !== undefined) return cycle;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of next.keys()) {
    if (state.get(node) === undefined) {
      const cycle = visit(node);
      if (cycle !== undefined) return cycle;
    }
  }
  return undefined;
}

/** The file edges that break a rule of the layer table, each with the rule it breaks. */
function layerViolations(edges: readonly Edge[]): string[] {
  const rank = new Map<string, number>(LAYERS.map((layer, i) => [layer, i]));
  const problems: string[] = [];
  for (const { from, to } of edges) {
    const a = layerOf(from);
    const b = layerOf(to);
    if (!rank.has(a)) problems.push(`${from}: layer ${a} is not in the table`);
    else if (!rank.has(b)) problems.push(`${from} -> ${to}: layer ${b} is not in the table`);
    else if (a === 'cli' && b !== 'cli' && !CLI_MAY_IMPORT.has(to)) problems.push(`${from} -> ${to}: the CLI imports only the public API`);
    else if (a === 'web' && b !== 'web' && !WEB_MAY_IMPORT.has(to)) problems.push(`${from} -> ${to}: the page imports only the public core API`);
    else if (a !== b && rank.get(b)! > rank.get(a)!) problems.push(`${from} -> ${to}: ${a} may not import ${b}, a higher layer`);
  }
  return problems;
}

function readGraph(): { files: string[]; edges: Edge[]; unresolved: string[]; nodeImports: string[] } {
  const files = sourceFiles(SRC);
  const edges: Edge[] = [];
  const unresolved: string[] = [];
  const nodeImports: string[] = [];
  for (const file of files) {
    const from = relative(SRC, file).split('\\').join('/');
    for (const { text, typeOnly } of specifiers(readFileSync(file, 'utf8'))) {
      if (text.startsWith('.')) {
        const to = resolveRelative(file, text);
        if (to === undefined) unresolved.push(`${from} -> ${text}`);
        else edges.push({ from, to, typeOnly });
      } else if (text.startsWith('node:') && !NODE_ONLY.has(layerOf(from))) {
        nodeImports.push(`${from} -> ${text}`);
      }
    }
  }
  return { files, edges, unresolved, nodeImports };
}

describe('the rules of the check itself', () => {
  it('finds a cycle, whatever its length, and names its nodes', () => {
    expect(findCycle([{ from: 'a', to: 'a' }])).toEqual(['a', 'a']);
    expect(findCycle([{ from: 'a', to: 'b' }, { from: 'b', to: 'a' }])).toEqual(['a', 'b', 'a']);
    expect(findCycle([{ from: 'x', to: 'a' }, { from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'a' }])).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle([{ from: 'a', to: 'b' }, { from: 'a', to: 'c' }, { from: 'b', to: 'c' }])).toBeUndefined();
  });

  it('refuses an upward import, an unknown layer and a CLI import past the public API', () => {
    expect(layerViolations([{ from: 'model/manifest.ts', to: 'bundle/layout.ts' }])).toHaveLength(1);
    expect(layerViolations([{ from: 'x509/verify-chain.ts', to: 'trust/policy-finding.ts' }])).toHaveLength(1);
    expect(layerViolations([{ from: 'verify/verify-bundle.ts', to: 'node/index.ts' }])).toHaveLength(1);
    expect(layerViolations([{ from: 'sign/sign-detached.ts', to: 'cli/main.ts' }])).toHaveLength(1);
    expect(layerViolations([{ from: 'elsewhere/read.ts', to: 'errors.ts' }])).toHaveLength(1);
    expect(layerViolations([{ from: 'verify/verify-bundle.ts', to: 'elsewhere/read.ts' }])).toHaveLength(1);
    expect(layerViolations([{ from: 'verify/verify-bundle.ts', to: 'zip/read-zip.ts' }])).toHaveLength(1);
    expect(layerViolations([{ from: 'cli/main.ts', to: 'errors.ts' }])).toHaveLength(1);
    expect(layerViolations([{ from: 'cli/main.ts', to: 'node/pack-bundle.ts' }])).toHaveLength(1);
    expect(layerViolations([{ from: 'web/main.ts', to: 'node/index.ts' }])).toHaveLength(1);
    expect(layerViolations([{ from: 'web/main.ts', to: 'cli/io.ts' }])).toHaveLength(1);
    expect(layerViolations([{ from: 'web/main.ts', to: 'verify/verify-bundle.ts' }])).toHaveLength(1);
    expect(layerViolations([{ from: 'verify/verify-bundle.ts', to: 'web/main.ts' }])).toHaveLength(1);
  });

  it('lets a layer import itself and any layer under it', () => {
    expect(layerViolations([
      { from: 'trust/check-timestamps.ts', to: 'timestamp/verify-timestamp-token.ts' },
      { from: 'trust/check-timestamps.ts', to: 'trust/trust-policy.ts' },
      { from: 'model/manifest.ts', to: 'errors.ts' },
      { from: 'node/pack-bundle.ts', to: 'verify/verify-bundle.ts' },
      { from: 'cli/main.ts', to: 'node/index.ts' },
      { from: 'cli/main.ts', to: 'cli/io.ts' },
      { from: 'web/main.ts', to: 'index.ts' },
      { from: 'web/main.ts', to: 'web/render-report.ts' },
    ])).toEqual([]);
  });

  it('reads static imports, re-exports, type imports and literal dynamic imports', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from './b.js';",
      "export * from './c.js';",
      "export type { D } from './d.js';",
      "async function f() { return import('./e.js'); }",
      "import './f.js';",
      "import { type G } from './g.js';",
      "const h = `import { x } from './not-an-import.js'`;",
    ].join('\n');
    expect(specifiers(text)).toEqual([
      { text: './a.js', typeOnly: false },
      { text: './b.js', typeOnly: true },
      { text: './c.js', typeOnly: false },
      { text: './d.js', typeOnly: true },
      { text: './e.js', typeOnly: false },
      { text: './f.js', typeOnly: false },
      // verbatimModuleSyntax keeps this import in the JavaScript: it is an edge of evaluation.
      { text: './g.js', typeOnly: false },
    ]);
  });
});

describe('the module graph of src/', () => {
  const { files, edges, unresolved, nodeImports } = readGraph();

  it('is read whole: many files and edges, every relative import resolved', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(edges.length).toBeGreaterThan(files.length);
    expect(unresolved, unresolved.join('\n')).toEqual([]);
  });

  // A cycle of evaluation makes import order matter (a constant read before its module ran); type-only imports are
  // erased, so they cannot make one. Between layers every import counts.
  it('has no cycle between files', () => {
    const cycle = findCycle(edges.filter((e) => e.typeOnly !== true));
    expect(cycle, `import cycle: ${cycle?.join(' -> ')}`).toBeUndefined();
  });

  it('has no cycle between layers', () => {
    const folderEdges = edges.map(({ from, to }) => ({ from: layerOf(from), to: layerOf(to) })).filter(({ from, to }) => from !== to);
    const cycle = findCycle(folderEdges);
    const witnesses = cycle === undefined
      ? []
      : cycle.slice(1).map((to, i) => edges.find((e) => layerOf(e.from) === cycle[i] && layerOf(e.to) === to)!).map((e) => `${e.from} -> ${e.to}`);
    expect(cycle, `layer cycle: ${cycle?.join(' -> ')}\n${witnesses.join('\n')}`).toBeUndefined();
  });

  it('imports only downwards, by the layer table', () => {
    const problems = layerViolations(edges);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('has no node: import in the core', () => {
    expect(nodeImports, nodeImports.join('\n')).toEqual([]);
  });
});
