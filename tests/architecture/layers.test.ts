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

// The package's public entry points: the root, its subpaths and evidence-bundle/node.
const PUBLIC_ENTRIES = ['index.ts', 'node/index.ts', ...readdirSync(join(import.meta.dirname, '..', '..', 'src', 'entries')).map((f) => `entries/${f}`)];
// The page runs in a browser: the public core API (the root and its subpaths), nothing of node/ or cli/.
const WEB_MAY_IMPORT = new Set(PUBLIC_ENTRIES.filter((f) => f !== 'node/index.ts'));
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
  /** `import()`: loaded when the code runs it, not with the module. */
  dynamic?: true;
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
      if (argument !== undefined && ts.isStringLiteralLike(argument)) found.push({ text: argument.text, typeOnly: false, dynamic: true });
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

  it('refuses an upward import, an unknown layer and a page import past the public API', () => {
    expect(layerViolations([{ from: 'model/manifest.ts', to: 'bundle/layout.ts' }])).toHaveLength(1);
    expect(layerViolations([{ from: 'x509/verify-chain.ts', to: 'trust/policy-finding.ts' }])).toHaveLength(1);
    expect(layerViolations([{ from: 'verify/verify-bundle.ts', to: 'node/index.ts' }])).toHaveLength(1);
    expect(layerViolations([{ from: 'sign/sign-detached.ts', to: 'cli/main.ts' }])).toHaveLength(1);
    expect(layerViolations([{ from: 'elsewhere/read.ts', to: 'errors.ts' }])).toHaveLength(1);
    expect(layerViolations([{ from: 'verify/verify-bundle.ts', to: 'elsewhere/read.ts' }])).toHaveLength(1);
    expect(layerViolations([{ from: 'verify/verify-bundle.ts', to: 'zip/read-zip.ts' }])).toHaveLength(1);
    expect(layerViolations([{ from: 'node/pack-bundle.ts', to: 'cli/main.ts' }])).toHaveLength(1);
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
      // The CLI imports each name from the module that defines it (the names are checked below, not the files).
      { from: 'cli/main.ts', to: 'errors.ts' },
      { from: 'cli/commands/pack.ts', to: 'node/pack-bundle.ts' },
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
      { text: './e.js', typeOnly: false, dynamic: true },
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

/**
 * The names the CLI imports from the core that no public entry point exports. The CLI sits on the public API
 * (STYLE.md: what it can do, a library user can do), but it imports each name from the module that defines it, not
 * through a facade: a bundler keeps every chunk that a facade reaches, so `evb --version` used to load the whole
 * library. `probes` are more CLI files, held in memory, for the rule's own test: one program checks them all.
 */
function cliNamesOutsideApi(probes: ReadonlyArray<{ file: string; text: string }> = []): string[] {
  const cliFiles = sourceFiles(join(SRC, 'cli'));
  const entries = PUBLIC_ENTRIES.map((f) => join(SRC, f));
  const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, strict: true, noEmit: true, skipLibCheck: true, types: ['node'] };
  const host = ts.createCompilerHost(options);
  const probeText = new Map(probes.map((p) => [p.file, p.text]));
  const { getSourceFile, fileExists } = host;
  host.getSourceFile = (name, ...rest) => {
    const text = probeText.get(name);
    return text !== undefined ? ts.createSourceFile(name, text, ts.ScriptTarget.ES2022, true) : getSourceFile.call(host, name, ...rest);
  };
  host.fileExists = (name) => probeText.has(name) || fileExists.call(host, name);
  const checked = [...cliFiles, ...probeText.keys()];
  const program = ts.createProgram([...checked, ...entries], options, host);
  const checker = program.getTypeChecker();
  const resolved = (symbol: ts.Symbol): ts.Symbol => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);
  const exported = new Set<ts.Symbol>();
  for (const entry of entries) {
    const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
    for (const symbol of checker.getExportsOfModule(moduleSymbol)) exported.add(resolved(symbol));
  }
  const problems: string[] = [];
  const facades = new Set(PUBLIC_ENTRIES);
  for (const file of checked) {
    const source = program.getSourceFile(file)!;
    const from = relative(SRC, file);
    const core = (specifier: string): string | undefined => {
      const target = resolveRelative(file, specifier);
      if (target === undefined) problems.push(`${from}: ${specifier} names no module`);
      return target === undefined || layerOf(target) === 'cli' ? undefined : target;
    };
    // The core is imported statically and by name: a dynamic import would escape the name check.
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        const [argument] = node.arguments;
        const target = argument !== undefined && ts.isStringLiteralLike(argument) && argument.text.startsWith('.') ? core(argument.text) : undefined;
        if (argument === undefined || !ts.isStringLiteralLike(argument) || target !== undefined) problems.push(`${from}: a dynamic import of the core (${argument?.getText() ?? ''})`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    for (const statement of source.statements) {
      const declaration = ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement) ? statement : undefined;
      if (declaration?.moduleSpecifier === undefined || !ts.isStringLiteral(declaration.moduleSpecifier) || !declaration.moduleSpecifier.text.startsWith('.')) continue;
      const target = core(declaration.moduleSpecifier.text);
      if (target === undefined) continue;
      if (facades.has(target)) {
        problems.push(`${from}: imports ${target}, a facade: import each name from the module that defines it`);
        continue;
      }
      let elements: readonly (ts.ImportSpecifier | ts.ExportSpecifier)[];
      if (ts.isImportDeclaration(declaration)) {
        const bindings = declaration.importClause?.namedBindings;
        if (declaration.importClause === undefined || declaration.importClause.name !== undefined || (bindings !== undefined && !ts.isNamedImports(bindings))) {
          problems.push(`${from}: a default, namespace or bare import of ${target}`);
          continue;
        }
        elements = bindings?.elements ?? [];
      } else {
        if (declaration.exportClause === undefined || !ts.isNamedExports(declaration.exportClause)) {
          problems.push(`${from}: re-exports the whole of ${target}`);
          continue;
        }
        elements = declaration.exportClause.elements;
      }
      for (const element of elements) {
        const symbol = checker.getSymbolAtLocation(element.propertyName ?? element.name);
        const name = (element.propertyName ?? element.name).text;
        if (symbol === undefined || !exported.has(resolved(symbol))) problems.push(`${from}: ${name} from ${target} is not part of the public API`);
      }
    }
  }
  return problems;
}

describe('the CLI', () => {
  it('imports from the core only names that the package exports', () => {
    const problems = cliNamesOutsideApi();
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('is caught importing an internal name, or a whole module', () => {
    // Each case a CLI file of its own, with the problems the rule must give for it.
    const cases: Array<[string, string[]]> = [
      // identityOf is exported by its module for the verifier's own use, not by the package.
      ["import { identityOf } from '../../verify/verify-bundle.js';\nimport { verifyBundle } from '../../verify/verify-bundle.js';\nexport const x = [identityOf, verifyBundle];\n", ['identityOf from verify/verify-bundle.ts is not part of the public API']],
      ["import * as bag from '../../bagit/manifest.js';\nexport const x = bag;\n", ['a default, namespace or bare import of bagit/manifest.ts']],
      ["import '../../verify/verify-bundle.js';\n", ['a default, namespace or bare import of verify/verify-bundle.ts']],
      ["export { identityOf } from '../../verify/verify-bundle.js';\n", ['identityOf from verify/verify-bundle.ts is not part of the public API']],
      ["export * from '../../verify/verify-bundle.js';\n", ['re-exports the whole of verify/verify-bundle.ts']],
      ["export const f = async () => (await import('../../verify/verify-bundle.js')).identityOf;\n", ["a dynamic import of the core ('../../verify/verify-bundle.js')"]],
      ["import { verifyBundle } from '../../index.js';\nexport const x = verifyBundle;\n", ['imports index.ts, a facade: import each name from the module that defines it']],
      ["import { x } from '../../no-such-module.js';\nexport const y = x;\n", ['../../no-such-module.js names no module']],
      // The command registry's dynamic imports of the CLI's own modules are what it is for.
      ["export const f = () => import('./verify.js');\n", []],
    ];
    const probes = cases.map(([text], i) => ({ file: join(SRC, 'cli', 'commands', `probe-${i}.ts`), text }));
    const problems = cliNamesOutsideApi(probes);
    cases.forEach(([text, expected], i) => {
      const prefix = `cli/commands/probe-${i}.ts: `;
      expect(problems.filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length)), text).toEqual(expected);
    });
    // Nothing else: the real CLI files are clean (the test above), and no probe's problem is blamed on another file.
    expect(problems.filter((p) => !p.startsWith('cli/commands/probe-'))).toEqual([]);
  });
});

/**
 * The files and packages that load with `start` (a src-relative file): its static imports, followed, without type
 * imports (erased) and dynamic ones (loaded when the code runs them).
 */
function loadedWith(start: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const { text, typeOnly, dynamic } of specifiers(readFileSync(join(SRC, file), 'utf8'))) {
      if (typeOnly || dynamic) continue;
      if (!text.startsWith('.')) packages.add(text);
      else queue.push(resolveRelative(join(SRC, file), text)!);
    }
  }
  return { files, packages };
}

// Start-up is most of what a user waits for on a small bundle: the code of other commands and of what the bundle
// does not carry is imported where it is needed (the command registry, the X.509 and RFC 3161 code for a chain or a
// timestamp, cbor-x for a CBOR bundle), never with the module.
describe('what loads at start-up', () => {
  const heavy = ['pkijs', 'asn1js', 'cbor-x', 'pkcs11js'];

  it('is for `evb` itself no command and no library', () => {
    const { files, packages } = loadedWith('cli/evb.ts');
    expect([...files].filter((f) => f.startsWith('cli/commands/'))).toEqual(['cli/commands/index.ts']);
    expect([...packages].filter((p) => !p.startsWith('node:'))).toEqual([]);
  });

  it('is for verification, inspection, item proofs and the writers without the X.509, RFC 3161, CBOR and PKCS#11 code', () => {
    // The writers too (pack, custody events, redaction, conversion, export): cbor-x only for a CBOR bundle, and the
    // X.509 code only for a signer with certificates. sign, timestamp and trust need the X.509 code itself.
    const writers = ['cli/commands/pack.ts', 'cli/commands/custody.ts', 'cli/commands/disclosure.ts', 'cli/commands/convert.ts', 'cli/commands/export.ts', 'node/write-bundle.ts'];
    for (const start of ['cli/commands/verify.ts', 'cli/commands/check.ts', 'cli/commands/inspect.ts', 'cli/commands/verify-proof.ts', 'verify/verify-bundle.ts', 'verify/verify-item-proof.ts', 'node/open-bundle.ts', ...writers]) {
      const { files, packages } = loadedWith(start);
      expect(files.size, start).toBeGreaterThan(20);
      expect([...packages].filter((p) => heavy.some((h) => p === h || p.startsWith(`${h}/`))), start).toEqual([]);
      // Of src/x509 and src/timestamp only modules without pkijs: the RSA minimum, the archive-timestamp schema and
      // the token size limit it uses.
      const pkijsFree = new Set(['x509/rsa-key-size.ts', 'timestamp/archive-timestamps.ts', 'timestamp/token-limit.ts']);
      const lazy = [...files].filter((f) => ((f.startsWith('x509/') || f.startsWith('timestamp/')) && !pkijsFree.has(f)) || f.startsWith('bundle/cbor'));
      expect(lazy, start).toEqual([]);
    }
  });

  it('still reaches that code where it is needed', () => {
    // The rule above holds because the imports are dynamic, not because the code went away.
    expect(loadedWith('x509/verify-chain.ts').packages).toContain('pkijs');
    expect(loadedWith('bundle/cbor-source.ts').packages).toContain('cbor-x/encode');
    const dynamic = (file: string) => specifiers(readFileSync(join(SRC, file), 'utf8')).filter((s) => s.dynamic).map((s) => s.text);
    expect(dynamic('trust/evaluate-signatures.ts')).toContain('../x509/verify-chain.js');
    expect(dynamic('node/open-bundle.ts')).toContain('../bundle/cbor-source.js');
    expect(dynamic('node/bundle-sinks.ts')).toContain('../bundle/cbor-bundle.js');
    expect(dynamic('cli/commands/keys.ts')).toContain('./certificates.js');
  });
});
