// The verifier page as built (scripts/build-page.ts): one file, nothing it may load from outside, its CSP
// allowing exactly its own scripts and style, its JavaScript small, the X.509 code kept out of the initial script.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPage, lazyStub, type PageBuild } from '../../scripts/build-page.js';
import { CATALOGS, LANGUAGES } from '../../src/i18n/catalogs.js';

const work = mkdtempSync(join(tmpdir(), 'evb-page-build-'));
let built: PageBuild;
let html: string;

beforeAll(async () => {
  built = await buildPage(join(work, 'verifier.html'));
  html = (await import('node:fs')).readFileSync(built.file, 'utf8');
}, 60_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const cspOf = (text: string): string => /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(text)![1]!;
const scripts = (text: string): Array<{ type: string; body: string }> =>
  [...text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => ({ type: /type="([^"]*)"/.exec(m[1]!)?.[1] ?? '', body: m[2]! }));
const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('the built verifier page', () => {
  it('refuses every connection and every outside resource in its CSP, and allows no inline code but its own', () => {
    const csp = cspOf(html).split(';').map((d) => d.trim());
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'none'");
    for (const d of ['img-src', 'font-src', 'frame-src', 'object-src', 'form-action', 'base-uri']) expect(csp).toContain(`${d} 'none'`);
    // The hashing worker, started from a blob: URL the page's script makes of its own inert copy, and nothing else.
    expect(csp).toContain('worker-src blob:');
    // Only hashes (and WebAssembly compilation): no host, scheme, nonce-less inline or eval source anywhere else.
    for (const directive of csp.filter((d) => !d.startsWith('worker-src'))) {
      const sources = directive.split(/\s+/).slice(1);
      for (const source of sources) expect(source, directive).toMatch(/^'(none|sha256-[A-Za-z0-9+/=]+|wasm-unsafe-eval)'$/);
    }
    // The CSP comes before anything it governs.
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<style>'));
  });

  it('allows exactly its two scripts and its style by hash; the worker script is inert text, no inline script', () => {
    const csp = cspOf(html);
    const all = scripts(html);
    expect(all.map((s) => s.type)).toEqual(['text/plain', 'text/plain', 'application/json', 'module']);
    expect(html).toContain(`<script type="text/plain" id="evb-hash-worker">${all[1]!.body}</script>`);
    expect(all[1]!.body.length).toBe(built.workerBytes);
    const found = [all[0]!, all[3]!];
    const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src'))!.trim().split(/\s+/).slice(1);
    expect(scriptSrc.sort()).toEqual([...found.map((s) => sha256(s.body)), "'wasm-unsafe-eval'"].sort());
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    expect(csp).toContain(`style-src ${sha256(style)}`);
  });

  it('names no outside resource: no src, href, url() or @import outside its scripts', () => {
    const markup = html.replace(/<script[^>]*>[\s\S]*?<\/script>/g, '<script></script>');
    expect(markup).not.toMatch(/\s(src|href|action|srcset|poster|data)\s*=/i);
    expect(markup).not.toMatch(/url\(|@import/i);
  });

  // The core loads its X.509 and CBOR code with import(): bundled into one file, the page must hold that code, not
  // ask for it (opened from file://, a module request is a request the page must never make).
  it('loads no module at run time: no import() and no importScripts() in any of its scripts, the lazy code included', () => {
    const code = scripts(html).filter((s) => s.type !== 'application/json');
    expect(code.length).toBeGreaterThanOrEqual(3);
    for (const { type, body } of code) {
      expect(body, type).not.toMatch(/\bimport\s*\(/);
      expect(body, type).not.toMatch(/\bimportScripts\s*\(/);
    }
  });

  it('holds the message catalogs as JSON data, exactly those of the core, and no catalog in its script', () => {
    const data = scripts(html).find((s) => s.type === 'application/json')!;
    expect(html).toContain(`<script type="application/json" id="evb-catalogs">${data.body}</script>`);
    // Every < escaped: no text of a catalog can end its element or open a comment.
    expect(data.body).not.toContain('<');
    expect(JSON.parse(data.body)).toEqual(CATALOGS);
    expect(Object.keys(JSON.parse(data.body))).toEqual([...LANGUAGES]);
    expect(Buffer.byteLength(data.body)).toBe(built.catalogsBytes);
  });

  it('keeps its initial JavaScript under 200 KB gzipped, the X.509 code (pkijs) out of it', () => {
    expect(built.scriptGzipBytes).toBeLessThan(200_000);
    // What each script holds: the inputs that gave it bytes.
    const holds = (m: PageBuild['metafile']): string[] =>
      Object.values(m.outputs).flatMap((o) => Object.entries(o.inputs).filter(([, v]) => v.bytesInOutput > 0).map(([k]) => k));
    const initial = holds(built.metafile);
    const lazy = holds(built.lazyMetafile);
    expect(initial.some((i) => i.includes('node_modules/pkijs/'))).toBe(false);
    expect(initial.some((i) => i.includes('node_modules/asn1js/'))).toBe(false);
    expect(lazy.some((i) => i.includes('node_modules/pkijs/'))).toBe(true);
    // Without zod's locales: the page shows English messages built into the report.
    expect(initial.some((i) => i.includes('zod/v4/locales/') && !i.endsWith('/en.js'))).toBe(false);
    // The hashing worker carries the SHA-256 module and its messages only, not the core.
    expect(built.workerGzipBytes).toBeLessThan(8 * 1024);
    console.log(
      `verifier page JavaScript, gzipped: ${(built.scriptGzipBytes / 1024).toFixed(1)} KiB initial, ` +
        `${((built.scriptGzipBytes + built.lazyGzipBytes + built.workerGzipBytes) / 1024).toFixed(1)} KiB total (hashing worker ${(built.workerGzipBytes / 1024).toFixed(1)} KiB); ` +
        `message catalogs (JSON) ${(built.catalogsGzipBytes / 1024).toFixed(1)} KiB`,
    );
  });
});

describe('the stub of a lazily loaded module', () => {
  const file = (name: string, text: string): string => {
    const path = join(work, name);
    writeFileSync(path, text);
    return path;
  };

  it('forwards each async function and copies each literal constant; types are erased', () => {
    const stub = lazyStub(file('ok.ts', "export const MAX = 8;\nexport const NAME = 'x';\nexport interface A { a: number }\nexport type B = string;\nexport async function run(a: number): Promise<number> { return a; }\n"), 'loader');
    expect(stub).toContain('export const MAX = 8;');
    expect(stub).toContain("export const NAME = 'x';");
    expect(stub).toContain('export async function run(...args) { return (await loadLazy()).run(...args); }');
    expect(stub).not.toMatch(/interface|type B/);
  });

  it('refuses an export it cannot load lazily: a synchronous function, a class, a computed constant, a re-export', () => {
    for (const text of [
      'export function sync(): number { return 1; }',
      'export class K {}',
      'export const table = new Map();',
      "export { x } from './y.js';",
      'const a = 1; export { a };',
    ]) {
      expect(() => lazyStub(file('bad.ts', text), 'loader'), text).toThrow(/cannot load lazily/);
    }
  });
});
