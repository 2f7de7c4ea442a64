// Type-checks the code people copy: every JSDoc @example of src/ and every ```ts block of the README, each as a
// module that imports the package by its published names (evidence-bundle, evidence-bundle/<subpath>), which are
// mapped to src/. A JSDoc example is a fragment: names it leaves undefined (`kid`, `privateJwk`) are declared
// `any`, so what is checked is what the example says about the API: function names, arguments, awaits, types.
// The README blocks are complete programs: nothing is declared for them. CI runs `npm run check:examples`.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, '.examples-check');
const ENTRIES: Record<string, string> = { 'evidence-bundle': 'src/index.ts', 'evidence-bundle/node': 'src/node/index.ts' };
for (const file of readdirSync(join(ROOT, 'src', 'entries'))) ENTRIES[`evidence-bundle/${file.replace(/\.ts$/, '')}`] = `src/entries/${file}`;

interface Example {
  origin: string;
  code: string;
  fragment: boolean;
  /** The source file of a JSDoc example: its own exports are imported from it (an internal helper may share a public name). */
  file?: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

/** The public names of each entry, to import into a fragment what it uses. */
function publicNames(program: ts.Program): Map<string, string> {
  const checker = program.getTypeChecker();
  const names = new Map<string, string>();
  for (const [specifier, file] of Object.entries(ENTRIES)) {
    const source = program.getSourceFile(join(ROOT, file));
    const symbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
    for (const exported of symbol === undefined ? [] : checker.getExportsOfModule(symbol)) {
      if (!names.has(exported.name)) names.set(exported.name, specifier);
    }
  }
  return names;
}

function jsdocExamples(): Example[] {
  const out: Example[] = [];
  for (const file of sourceFiles(join(ROOT, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const comment of text.match(/\/\*\*[\s\S]*?\*\//g) ?? []) {
      const lines = comment.split('\n').map((l) => l.replace(/^\s*\/?\*+\/?\s?/, '').replace(/\*\/\s*$/, ''));
      for (let i = 0; i < lines.length; i++) {
        const at = lines[i]!.match(/^@example\b\s*(.*)$/);
        if (at === null) continue;
        const body = at[1] !== '' ? [at[1]!] : [];
        for (i++; i < lines.length && !lines[i]!.startsWith('@'); i++) body.push(lines[i]!);
        i--;
        const code = body.join('\n').replace(/^```\w*\n?|```$/gm, '').trim();
        if (code !== '') out.push({ origin: `${relative(ROOT, file)} (@example)`, code, fragment: true, file });
      }
    }
  }
  return out;
}

function readmeExamples(): Example[] {
  const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)]
    .filter((m) => /from 'evidence-bundle/.test(m[1]!))
    .map((m) => ({ origin: `README.md line ${text.slice(0, m.index).split('\n').length}`, code: m[1]!, fragment: false }));
}

const options: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  // A fragment's undefined names are `any`; their callbacks' parameters then are too.
  noImplicitAny: false,
  noEmit: true,
  skipLibCheck: true,
  types: ['node'],
  baseUrl: ROOT,
  paths: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, [file]])),
};

function check(files: string[]): readonly ts.Diagnostic[] {
  const program = ts.createProgram(files, options);
  return ts.getPreEmitDiagnostics(program).filter((d) => d.file !== undefined && files.includes(d.file.fileName));
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const names = publicNames(ts.createProgram(Object.values(ENTRIES).map((f) => join(ROOT, f)), options));
const examples = [...jsdocExamples(), ...readmeExamples()];
const files = examples.map((example, n) => {
  const path = join(OUT, `example-${n}.mts`);
  let code = example.code;
  if (example.fragment) {
    // Top-level await and `return` are fine in an example; wrap it so both type-check.
    const used = [...names.entries()].filter(([name]) => new RegExp(`\\b${name}\\b`).test(code) && !new RegExp(`\\b(const|let|function|class|interface|type)\\s+${name}\\b`).test(code));
    const source = readFileSync(example.file!, 'utf8');
    const own = (name: string): boolean => new RegExp(`export (async )?(function|const|class) ${name}\\b`).test(source);
    const self = relative(OUT, example.file!).replace(/\.ts$/, '.js');
    const bySpecifier = new Map<string, string[]>();
    for (const [name, specifier] of used) {
      const from = own(name) ? self : specifier;
      bySpecifier.set(from, [...(bySpecifier.get(from) ?? []), name]);
    }
    const imports = [...bySpecifier].map(([specifier, list]) => `import { ${list.join(', ')} } from '${specifier}';`).join('\n');
    code = `${imports}\nexport {};\nasync function example() {\n${code}\n}\nvoid example;\n`;
  }
  writeFileSync(path, code);
  return path;
});

// First pass: the names a fragment uses without defining them; declared `any`, then the real check.
for (const diagnostic of check(files)) {
  if (diagnostic.code !== 2304 && diagnostic.code !== 2552 && diagnostic.code !== 18004) continue;
  const name = /'([^']+)'/.exec(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'))?.[1];
  const index = files.indexOf(diagnostic.file!.fileName);
  if (name === undefined || !examples[index]!.fragment) continue;
  const text = readFileSync(files[index]!, 'utf8');
  if (!text.includes(`declare const ${name}:`)) writeFileSync(files[index]!, `declare const ${name}: any;\n${text}`);
}
const problems = check(files);
for (const diagnostic of problems) {
  const index = files.indexOf(diagnostic.file!.fileName);
  const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
  console.error(`${examples[index]!.origin}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}\n  in ${relative(ROOT, files[index]!)}:${line + 1}`);
}
if (problems.length > 0) {
  console.error(`\n${problems.length} problem(s) in ${examples.length} examples`);
  process.exit(1);
}
rmSync(OUT, { recursive: true, force: true });
console.log(`${examples.length} examples type-check (${examples.filter((e) => e.fragment).length} JSDoc @example, ${examples.filter((e) => !e.fragment).length} README)`);
