import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { buildManifest } from '../../src/bundle/build-manifest.js';
import { exportBundleCase, exportCase } from '../../src/entries/case.js';
import { parseCustodyLog } from '../../src/entries/custody.js';
import { type Manifest } from '../../src/index.js';
import { openBundleDirectory } from '../../src/node/index.js';
import { demoCase, tempDir } from '../helpers/bundle-fixture.js';
import { packDemoWithCustody } from '../helpers/demo-custody.js';
import { readCase } from '../helpers/read-case.js';

const UUID_END = /[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let dir: string;
let bundle: string;
let manifest: Manifest;

beforeAll(async () => {
  dir = await tempDir('evb-case-');
  bundle = await packDemoWithCustody(dir);
  manifest = JSON.parse(await fsp.readFile(join(bundle, 'evidence', 'manifest.json'), 'utf8')) as Manifest;
});

async function evb(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), stderrIsTTY: false, cwd: dir });
  return { code, out, err };
}

/** A manifest of the demo case with the given items (digests made up: the export does not read bytes). */
async function manifestWith(items: Array<Record<string, unknown>>, bundleId = '0192b7c4-6f00-7000-8000-000000000001'): Promise<Manifest> {
  const { metadata } = await demoCase();
  return buildManifest(metadata, items as never, { bundleId, createdAt: new Date('2026-10-06T09:00:00Z') }).manifest;
}

describe('exportBundleCase refuses what it cannot export', () => {
  it('a bundle without a manifest, or with a manifest that is not one: ERR_MANIFEST_INVALID', async () => {
    const empty = join(dir, 'no-manifest');
    await fsp.cp(bundle, empty, { recursive: true });
    await fsp.rm(join(empty, 'evidence', 'manifest.json'));
    await expect(exportBundleCase(await openBundleDirectory(empty))).rejects.toMatchObject({ code: 'ERR_MANIFEST_INVALID' });

    for (const [name, text] of [['not-json', '{"formatVersion":'], ['not-a-manifest', '{"formatVersion":"1.0"}'], ['not-canonical', '{ "a": 1 }']] as const) {
      const copy = join(dir, name);
      await fsp.cp(bundle, copy, { recursive: true });
      await fsp.chmod(join(copy, 'evidence', 'manifest.json'), 0o644);
      await fsp.writeFile(join(copy, 'evidence', 'manifest.json'), text);
      await expect(exportBundleCase(await openBundleDirectory(copy)), name).rejects.toMatchObject({ code: 'ERR_MANIFEST_INVALID' });
    }
  });

  it('evb export: unknown format and missing --out are usage errors; an existing output file is never overwritten', async () => {
    expect((await evb('export', 'rdf', bundle, '--out', 'x.jsonld')).code).toBe(64);
    expect((await evb('export', 'case', bundle)).code).toBe(64);
    expect((await evb('export', 'case', '--out', 'x.jsonld')).code).toBe(64);
    await fsp.writeFile(join(dir, 'taken.jsonld'), 'keep');
    expect((await evb('export', 'case', bundle, '--out', 'taken.jsonld')).code).not.toBe(0);
    expect(await fsp.readFile(join(dir, 'taken.jsonld'), 'utf8')).toBe('keep');
  });
});

describe('exportCase', () => {
  it('leaves out the digests UCO has no name for, and says so; writes the others under UCO names', async () => {
    const { document, notes } = await exportBundleCase(await openBundleDirectory(bundle));
    expect(notes.filter((n) => n.code === 'unsupported-hash').map((n) => n.code === 'unsupported-hash' && n.algorithm)).toEqual(manifest.items.map(() => 'blake3'));
    const methods = document['@graph'].filter((n) => n['@type'] === 'types:Hash').map((n) => n['types:hashMethod']);
    expect(new Set(methods)).toEqual(new Set(['SHA256', 'SHA512']));
    expect(methods).toHaveLength(manifest.items.length * 2);
  });

  it('gives every node an IRI ending in a version 5 UUID, the same for the same bundle, other for another bundle', async () => {
    const items = [{ id: 'a', path: 'a.bin', size: 1, mediaType: 'application/octet-stream', digests: { sha256: '0'.repeat(64) } }];
    const one = exportCase(await manifestWith(items)).document;
    const again = exportCase(await manifestWith(items)).document;
    const other = exportCase(await manifestWith(items, '0192b7c4-6f00-7000-8000-000000000002')).document;
    const ids = one['@graph'].map((n) => n['@id'] as string);
    for (const id of ids) expect(id).toMatch(UUID_END);
    expect(new Set(ids).size).toBe(ids.length);
    expect(again).toEqual(one);
    const otherIds = new Set(other['@graph'].map((n) => n['@id'] as string));
    expect(ids.filter((id) => otherIds.has(id))).toEqual([]);
  });

  it('exports a withheld item without a file name, and a custody event naming no known item not at all', async () => {
    const m = await manifestWith([
      { id: 'kept', path: 'kept.txt', size: 2, mediaType: 'text/plain', digests: { sha256: '1'.repeat(64) } },
      { id: 'secret', mediaType: 'text/plain', withheld: { reason: 'protected source' } },
    ]);
    const event = { type: 'accessed', seq: 1, time: '2026-10-06T10:00:00Z', actor: { name: 'A', role: 'r', organisation: 'o', country: 'VN', kid: 'k'.repeat(43) }, place: 'p', purpose: 'q', prev: `sha256:${'0'.repeat(64)}` };
    const { document, notes } = exportCase(m, [{ event: { ...event, items: ['nobody'] } as never }, { event: { ...event, seq: 2, items: ['secret'] } as never }]);
    expect(notes).toEqual([{ code: 'custody-without-items', custody: 1 }]);
    const read = await readCase(document);
    expect(read.items.find((i) => i.id === 'secret')).toEqual({ id: 'secret', mediaType: 'text/plain', digests: {} });
    expect(read.custody.map((c) => [c.seq, c.items])).toEqual([[2, ['secret']]]);
  });

  it('carries the request identifiers in the authorization', async () => {
    const { metadata } = await demoCase();
    const lb = (metadata as { legalBasis: Manifest['legalBasis'] }).legalBasis;
    const withIds = { ...(metadata as object), legalBasis: { ...lb, request: { ...lb.request, identifiers: [{ scheme: 'eu-epoc', value: 'EPOC-2026-17' }] } } };
    const m = buildManifest(withIds as never, [], { bundleId: '0192b7c4-6f00-7000-8000-000000000001', createdAt: new Date() }).manifest;
    const auth = exportCase(m).document['@graph'].find((n) => n['@type'] === 'case-investigation:Authorization')!;
    expect(auth['case-investigation:authorizationIdentifier']).toEqual([lb.request.reference, 'eu-epoc:EPOC-2026-17']);
  });
});

describe('round trip: what CASE carries comes back', () => {
  it('the demo bundle exported by evb and read back lists the same items, digests and custody sequence', async () => {
    const r = await evb('export', 'case', bundle, '--out', 'demo.jsonld');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('blake3');
    const document = JSON.parse(await fsp.readFile(join(dir, 'demo.jsonld'), 'utf8')) as unknown;
    const read = await readCase(document);
    expect(read.items).toEqual(
      [...manifest.items]
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map((i) => ({ id: i.id, path: i.path, size: i.size, mediaType: i.mediaType, digests: { SHA256: i.digests!.sha256, SHA512: i.digests!.sha512 } })),
    );
    const log = parseCustodyLog(await fsp.readFile(join(bundle, 'evidence', 'custody.jsonl')));
    const ids = manifest.items.map((i) => i.id).sort();
    expect(read.custody).toEqual(log.lines.map((l) => ({ seq: l.signed!.event.seq, type: l.signed!.event.type, time: l.signed!.event.time, items: ids })));
    expect(read.custody.map((c) => c.type)).toEqual(['sealed', 'transferred', 'received']);
  });
});
