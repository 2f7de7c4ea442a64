// Builds the offline verifier page: one self-contained HTML file (dist/verifier.html by default) with the
// page's script and style inline, each allowed by its hash in a Content-Security-Policy that forbids every
// connection. `npm run build` runs it after tsup; the browser test builds its own copy.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const root = join(import.meta.dirname, '..');

/** What {@link buildPage} wrote. */
export interface PageBuild {
  file: string;
  /** The page's JavaScript, minified, and gzipped at level 9. */
  scriptBytes: number;
  scriptGzipBytes: number;
  /** The whole HTML file. */
  pageBytes: number;
  /** esbuild's metafile, for a size breakdown by input. */
  metafile: esbuild.Metafile;
}

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
      contents: "import * as z from 'zod-page-external';\nexport { z, z as default };\n",
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

const hash = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * Builds the page into `file`.
 * @throws Error when esbuild fails, or the script would end the inline <script> element early.
 */
export async function buildPage(file = join(root, 'dist', 'verifier.html')): Promise<PageBuild> {
  const built = await esbuild.build({
    entryPoints: [join(root, 'src', 'web', 'main.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    legalComments: 'inline',
    plugins: [zodWithoutLocales],
    logLevel: 'warning',
  });
  const script = built.outputFiles[0]!.text;
  if (/<\/script|<!--/i.test(script)) throw new Error('the page script holds </script or <!--: it cannot be inlined');
  const style = readFileSync(join(root, 'src', 'web', 'page.css'), 'utf8');
  // No source is allowed to connect, frame, load a font or an image; only this script and style run.
  // 'wasm-unsafe-eval' lets the inline script compile its own embedded WebAssembly hashes, and nothing else.
  const csp = [
    "default-src 'none'",
    `script-src ${hash(script)} 'wasm-unsafe-eval'`,
    `style-src ${hash(style)}`,
    "connect-src 'none'",
    "img-src 'none'",
    "font-src 'none'",
    "media-src 'none'",
    "object-src 'none'",
    "frame-src 'none'",
    "worker-src 'none'",
    "manifest-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
  const template = readFileSync(join(root, 'src', 'web', 'page.html'), 'utf8');
  const html = template.replace('%CSP%', () => csp).replace('%STYLE%', () => style).replace('%SCRIPT%', () => script);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, html);
  return {
    file,
    scriptBytes: Buffer.byteLength(script),
    scriptGzipBytes: gzipSync(script, { level: 9 }).length,
    pageBytes: Buffer.byteLength(html),
    metafile: built.metafile,
  };
}

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
  const page = await buildPage(process.argv[2]);
  console.log(`verifier page: ${page.file} (${page.pageBytes} bytes; script ${page.scriptBytes} bytes, ${page.scriptGzipBytes} gzipped)`);
}
