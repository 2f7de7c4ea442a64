// Builds the offline verifier page: one self-contained HTML file (dist/verifier.html by default) with the
// page's script and style inline, each allowed by its hash in a Content-Security-Policy that forbids every
// connection. `npm run build` runs it after tsup; the browser test builds its own copy.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import ts from 'typescript';

const root = join(import.meta.dirname, '..');

/** What {@link buildPage} wrote. */
export interface PageBuild {
  file: string;
  /** The script that runs when the page opens, minified, and gzipped at level 9. */
  scriptBytes: number;
  scriptGzipBytes: number;
  /** The X.509 / CMS code (pkijs), run only when a bundle carries a certificate chain or a timestamp. */
  lazyBytes: number;
  lazyGzipBytes: number;
  /** The hashing worker's script (the page's SHA-256 module and its messages). */
  workerBytes: number;
  workerGzipBytes: number;
  /** The message catalogs of every language, as the JSON data the page holds. */
  catalogsBytes: number;
  catalogsGzipBytes: number;
  /** The whole HTML file. */
  pageBytes: number;
  /** esbuild's metafiles, for a size breakdown by input. */
  metafile: esbuild.Metafile;
  lazyMetafile: esbuild.Metafile;
}

// The core's X.509 and RFC 3161 code (with pkijs and asn1js, a third of the page) is only needed for a bundle with
// an x5c chain or a timestamp token. The rest of the core reaches it through these modules' async functions, so
// in the page each is replaced by a stub whose functions load the real code on first call: the real code is kept
// in the page as an inert <script type="text/plain">, run by copying it into a script element that the CSP allows
// by its hash. The core imports these modules with import() where it needs them (so that Node and other bundlers
// load them only then); in the page, one file, esbuild resolves those imports to the stubs and inlines them.
const LAZY_MODULES = ['src/x509/verify-chain.ts', 'src/timestamp/verify-timestamp-token.ts', 'src/x509/revocation-data.ts'];
const LAZY_DIRS = ['src/x509/', 'src/timestamp/'];
const LAZY_GLOBAL = '__evidenceBundleX509';
// Modules whose identity matters (a second EvidenceBundleError class would escape instanceof checks): the lazy
// code takes them from the page's script instead of bundling its own copy.
const SHARED_MODULE = 'src/errors.ts';
const SHARED_GLOBAL = '__evidenceBundleShared';
const LAZY_ELEMENT = 'evb-x509-code';
// The page's hashing worker (src/web/hash-worker-entry.ts): kept in the page as inert text, started by the page
// script from a blob: URL, the only source its CSP's worker-src allows.
export const WORKER_ELEMENT = 'evb-hash-worker';

/** The hashing worker's script, minified (for the page, and for bench/browser-hash.ts). */
export async function buildHashWorker(): Promise<{ text: string; metafile: esbuild.Metafile }> {
  const built = await esbuild.build({
    entryPoints: [join(root, 'src', 'web', 'hash-worker-entry.ts')],
    bundle: true,
    minify: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    write: false,
    metafile: true,
    logLevel: 'warning',
  });
  return { text: built.outputFiles[0]!.text, metafile: built.metafile };
}

/**
 * The stub of a lazy module (exported for its test): each exported async function forwards to the loaded code; an exported constant of
 * literal value is copied. Any other value export fails the build, so a change of the module cannot slip past.
 */
export function lazyStub(file: string, loader: string): string {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const lines = [`import { loadLazy } from ${JSON.stringify(loader)};`];
  const exported = (node: ts.Node): boolean => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  for (const node of source.statements) {
    if ((ts.isExportDeclaration(node) && !node.isTypeOnly) || ts.isExportAssignment(node)) {
      throw new Error(`${file}: an export the page cannot load lazily (only async functions and literal constants): ${node.getText().slice(0, 80)}`);
    }
    if (!exported(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) continue;
    if (ts.isFunctionDeclaration(node) && node.name !== undefined && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) {
      const name = node.name.text;
      lines.push(`export async function ${name}(...args) { return (await loadLazy()).${name}(...args); }`);
    } else if (ts.isVariableStatement(node) && node.declarationList.declarations.every((d) => d.initializer !== undefined && (ts.isNumericLiteral(d.initializer) || ts.isStringLiteral(d.initializer)))) {
      for (const d of node.declarationList.declarations) lines.push(`export const ${d.name.getText()} = ${d.initializer!.getText()};`);
    } else {
      throw new Error(`${file}: an export the page cannot load lazily (only async functions and literal constants): ${node.getText().slice(0, 80)}`);
    }
  }
  return lines.join('\n');
}

/** The value exports of a module (classes, functions, constants), read from its source. */
function valueExports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const names: string[] = [];
  for (const node of source.statements) {
    if (!(ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword))) continue;
    if ((ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) && node.name !== undefined) names.push(node.name.text);
    else if (ts.isVariableStatement(node)) names.push(...node.declarationList.declarations.map((d) => d.name.getText()));
  }
  return names;
}

// In the lazy build: errors.ts is the page script's own module, handed over through a global.
const sharedFromPage: esbuild.Plugin = {
  name: 'shared-from-page',
  setup(build) {
    build.onResolve({ filter: /errors\.js$/ }, (args) => {
      const target = join(args.resolveDir, args.path).replace(/\.js$/, '.ts');
      return target === join(root, SHARED_MODULE) ? { path: target, namespace: 'evb-shared' } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'evb-shared' }, (args) => ({
      contents: `export const { ${valueExports(args.path).join(', ')} } = globalThis[${JSON.stringify(SHARED_GLOBAL)}];`,
      loader: 'js',
    }));
  },
};

const lazyX509: esbuild.Plugin = {
  name: 'lazy-x509',
  setup(build) {
    const isLazy = (path: string): boolean => LAZY_MODULES.some((m) => path === join(root, m));
    const inLazyDir = (path: string): boolean => LAZY_DIRS.some((d) => path.startsWith(join(root, d)));
    build.onResolve({ filter: /^evb-lazy-loader$/ }, () => ({ path: 'loader', namespace: 'evb-lazy' }));
    build.onLoad({ filter: /^loader$/, namespace: 'evb-lazy' }, () => ({
      contents: `import * as shared from ${JSON.stringify(join(root, SHARED_MODULE))};
let loading;
export function loadLazy() {
  return (loading ??= new Promise((resolve, reject) => {
    const code = document.getElementById(${JSON.stringify(LAZY_ELEMENT)});
    if (code === null) return reject(new Error('the X.509 code is missing from the page'));
    globalThis[${JSON.stringify(SHARED_GLOBAL)}] = shared;
    const script = document.createElement('script');
    script.textContent = code.textContent;
    document.head.append(script);
    const loaded = globalThis[${JSON.stringify(LAZY_GLOBAL)}];
    if (loaded === undefined) reject(new Error('the X.509 code did not run'));
    else resolve(loaded);
  }));
}`,
      loader: 'js',
      resolveDir: root,
    }));
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.importer === '' || inLazyDir(args.importer)) return undefined;
      const target = join(args.resolveDir, args.path).replace(/\.js$/, '.ts');
      return isLazy(target) ? { path: target, namespace: 'evb-lazy-stub' } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'evb-lazy-stub' }, (args) => ({ contents: lazyStub(args.path, 'evb-lazy-loader'), loader: 'js', resolveDir: root }));
  },
};

// zod's classic API re-exports every locale and the JSON-Schema generator through namespace objects that no
// bundler can shake. The page uses neither (English messages are built in), so it gets zod's own module
// without those re-exports: the same schemas, about 45 KB less gzipped.
const zodWithoutLocales: esbuild.Plugin = {
  name: 'zod-without-locales',
  setup(build) {
    const classic = join(dirname(createRequire(join(root, 'package.json')).resolve('zod')), 'v4', 'classic');
    build.onResolve({ filter: /^zod$/ }, () => ({ path: 'zod', namespace: 'zod-page' }));
    build.onResolve({ filter: /^zod-page-external$/ }, () => ({ path: 'external', namespace: 'zod-page' }));
    build.onLoad({ filter: /^zod$/, namespace: 'zod-page' }, () => ({
      contents: "import * as z from 'zod-page-external';\nz.config({ jitless: true });\nexport { z, z as default };\n",
      resolveDir: classic,
    }));
    build.onLoad({ filter: /^external$/, namespace: 'zod-page' }, () => {
      const lines = readFileSync(join(classic, 'external.js'), 'utf8').split('\n');
      const kept = lines.filter((l) => !/ as locales | as core | toJSONSchema|fromJSONSchema/.test(l));
      if (kept.length !== lines.length - 4) throw new Error(`zod's external.js changed shape (${lines.length - kept.length} lines dropped, 4 expected)`);
      return { contents: kept.join('\n'), resolveDir: classic, loader: 'js' };
    });
  },
};

// The seven message catalogs are data, not code: in the page they are one JSON text in an inert
// <script type="application/json"> element, which src/i18n/catalogs.ts is replaced by a module that parses
// (JSON is read several times faster than a script of the same literals, and it is not counted as JavaScript).
// The JSON is made here from the core's own catalogs, so the page's messages are those of `evb verify --lang`.
export const CATALOGS_ELEMENT = 'evb-catalogs';

/** The catalogs as the page holds them: JSON with every `<` escaped, so it cannot end its element. */
export async function catalogsJson(): Promise<string> {
  const { CATALOGS } = await import('../src/i18n/catalogs.js');
  return JSON.stringify(CATALOGS).replaceAll('<', '\\u003c');
}

const catalogsAsData: esbuild.Plugin = {
  name: 'catalogs-as-data',
  setup(build) {
    build.onResolve({ filter: /catalogs\.js$/ }, (args) => {
      const target = join(args.resolveDir, args.path).replace(/\.js$/, '.ts');
      return target === join(root, 'src', 'i18n', 'catalogs.ts') ? { path: target, namespace: 'evb-catalogs' } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'evb-catalogs' }, async () => {
      const { LANGUAGES } = await import('../src/i18n/catalogs.js');
      return {
        contents: `const data = document.getElementById(${JSON.stringify(CATALOGS_ELEMENT)});
if (data === null) throw new Error('the message catalogs are missing from the page');
export const CATALOGS = Object.freeze(JSON.parse(data.textContent));
export const LANGUAGES = Object.freeze(${JSON.stringify(LANGUAGES)});
for (const tag of LANGUAGES) if (CATALOGS[tag]?.lang !== tag) throw new Error('the message catalogs of the page do not match its languages');`,
        loader: 'js',
      };
    });
  },
};

// The page's CSP allows no eval. zod and cbor-x each probe for it with `new Function('')` in a try block and fall
// back without it, but the browser still reports each probe as a CSP violation. zod is told not to probe
// (`jitless`); cbor-x gets the replacement its own no-eval build makes (its rollup.config.js), so that its probe
// throws a TypeError instead, and its decoder never compiles a reader.
const noEval: esbuild.Plugin = {
  name: 'no-eval',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]cbor-x[\\/]decode\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const replaced = text.replaceAll('new Function(', 'new BlockedFunction(');
      if (replaced === text || !/var BlockedFunction\b/.test(text)) throw new Error("cbor-x's decode.js changed shape: no eval probe to disable");
      return { contents: replaced, loader: 'js' };
    });
  },
};

const hash = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * Builds the page into `file`.
 * @throws Error when esbuild fails, or the script would end the inline <script> element early.
 */
export async function buildPage(file = join(root, 'dist', 'verifier.html')): Promise<PageBuild> {
  const common = { bundle: true, minify: true, platform: 'browser', target: 'es2022', write: false, metafile: true, legalComments: 'inline', logLevel: 'warning' } as const;
  const built = await esbuild.build({ ...common, entryPoints: [join(root, 'src', 'web', 'main.ts')], format: 'esm', plugins: [zodWithoutLocales, lazyX509, catalogsAsData, noEval] });
  const lazy = await esbuild.build({
    ...common,
    stdin: { contents: LAZY_MODULES.map((m) => `export * from ${JSON.stringify(`./${m.replace(/\.ts$/, '.js')}`)};`).join('\n'), resolveDir: root, loader: 'ts' },
    format: 'iife',
    globalName: LAZY_GLOBAL,
    plugins: [zodWithoutLocales, sharedFromPage, noEval],
  });
  // Only stateless helpers may be copied into the lazy code; anything else would exist twice.
  const shared = Object.keys(lazy.metafile.inputs).filter((i) => i.startsWith('src/') && !LAZY_DIRS.some((d) => i.startsWith(d)) && i !== 'src/internal/bytes.ts');
  if (shared.length > 0) throw new Error(`the lazy X.509 code imports core modules it would duplicate: ${shared.join(', ')}`);
  const script = built.outputFiles[0]!.text;
  const lazyScript = lazy.outputFiles[0]!.text;
  if (Object.keys(built.metafile.inputs).some((i) => i.startsWith('src/i18n/messages/'))) throw new Error('a message catalog was bundled into the page script');
  const catalogs = await catalogsJson();
  const worker = await buildHashWorker();
  const workerScript = worker.text;
  for (const text of [script, lazyScript, workerScript]) if (/<\/script|<!--/i.test(text)) throw new Error('a page script holds </script or <!--: it cannot be inlined');
  const style = readFileSync(join(root, 'src', 'web', 'page.css'), 'utf8');
  // No source is allowed to connect, frame, load a font or an image; only this script and style run.
  // 'wasm-unsafe-eval' lets the inline script compile its own embedded WebAssembly hashes, and nothing else.
  // worker-src blob: lets it start its hashing worker from the text the page holds (a blob: URL is made only by
  // a script of the page, and only the page's own scripts run); the worker inherits this policy.
  const csp = [
    "default-src 'none'",
    `script-src ${hash(script)} ${hash(lazyScript)} 'wasm-unsafe-eval'`,
    `style-src ${hash(style)}`,
    "connect-src 'none'",
    "img-src 'none'",
    "font-src 'none'",
    "media-src 'none'",
    "object-src 'none'",
    "frame-src 'none'",
    'worker-src blob:',
    "manifest-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
  const template = readFileSync(join(root, 'src', 'web', 'page.html'), 'utf8');
  const html = template
    .replace('%CSP%', () => csp)
    .replace('%STYLE%', () => style)
    .replace('%SCRIPT%', () => script)
    .replace('%LAZY_ID%', () => LAZY_ELEMENT)
    .replace('%LAZY_SCRIPT%', () => lazyScript)
    .replace('%WORKER_ID%', () => WORKER_ELEMENT)
    .replace('%WORKER_SCRIPT%', () => workerScript)
    .replace('%CATALOGS_ID%', () => CATALOGS_ELEMENT)
    .replace('%CATALOGS%', () => catalogs);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, html);
  return {
    file,
    scriptBytes: Buffer.byteLength(script),
    scriptGzipBytes: gzipSync(script, { level: 9 }).length,
    lazyBytes: Buffer.byteLength(lazyScript),
    lazyGzipBytes: gzipSync(lazyScript, { level: 9 }).length,
    workerBytes: Buffer.byteLength(workerScript),
    workerGzipBytes: gzipSync(workerScript, { level: 9 }).length,
    catalogsBytes: Buffer.byteLength(catalogs),
    catalogsGzipBytes: gzipSync(catalogs, { level: 9 }).length,
    pageBytes: Buffer.byteLength(html),
    metafile: built.metafile,
    lazyMetafile: lazy.metafile,
  };
}

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
  const page = await buildPage(process.argv[2]);
  const kb = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;
  console.log(
    `verifier page: ${page.file} (${kb(page.pageBytes)}); JavaScript gzipped: ${kb(page.scriptGzipBytes)} initial, ` +
      `${kb(page.scriptGzipBytes + page.lazyGzipBytes + page.workerGzipBytes)} total with the X.509 code (${kb(page.lazyGzipBytes)}, loaded for certificates and timestamps) ` +
      `and the hashing worker (${kb(page.workerGzipBytes)}); message catalogs (JSON data) gzipped: ${kb(page.catalogsGzipBytes)}`,
  );
}
