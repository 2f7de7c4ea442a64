import { describe, expect, it } from 'vitest';
import {
  EvidenceBundleError,
  filesSource,
  memoryReader,
  memorySink,
  openZipSource,
  packBundleTo,
  verifyBundle,
  type BagData,
  type BagSink,
  type PackSourceItem,
} from '../../src/index.js';
import { zipSink } from '../../src/entries/zip.js';
import { DIGEST_ALGORITHMS, type DigestSet } from '../../src/digest/algorithms.js';
import { compareBytes, joinChunks, utf8Encode } from '../../src/internal/bytes.js';
import { demoCase, keyPair } from '../helpers/bundle-fixture.js';

const enc = (text: string): Uint8Array => utf8Encode(text);

async function metadata(): Promise<never> {
  return (await demoCase()).metadata;
}

function item(id: string, path: string, text: string, extra: Partial<PackSourceItem> = {}): PackSourceItem {
  const bytes = enc(text);
  return { id, path, mediaType: 'text/plain', size: bytes.length, data: [bytes], ...extra } as PackSourceItem;
}

/** Paths chosen so that UTF-16 order, code-point order and a naive sort would disagree with UTF-8 byte order. */
const ITEMS = (): PackSourceItem[] => [
  item('zeta', 'z.txt', 'zeta'),
  item('emoji', '\u{1F600}.txt', 'astral'),
  item('cjk', '\uFF21.txt', 'fullwidth A'),
  item('nested', 'a/b/c.txt', 'nested'),
  item('upper', 'B.txt', 'upper'),
];

/** A sink that records what it is given, and can fail on a chosen path. */
function spySink(inner: BagSink, failOn?: string): BagSink & { added: string[]; aborted: number; committed: number } {
  const spy = {
    ordered: inner.ordered,
    concurrency: inner.concurrency,
    added: [] as string[],
    aborted: 0,
    committed: 0,
    async add(path: string, data: BagData, size: number | undefined) {
      if (path === failOn) throw new EvidenceBundleError('ERR_IO', 'disk full');
      spy.added.push(path);
      await inner.add(path, data, size);
    },
    async commit() {
      spy.committed++;
      await inner.commit();
    },
    async abort() {
      spy.aborted++;
      await inner.abort();
    },
  };
  return spy;
}

function memoryZip(): { sink: BagSink; bytes: () => Uint8Array } {
  const chunks: Uint8Array[] = [];
  const sink = zipSink({ write: async (b) => void chunks.push(b.slice()), close: () => Promise.resolve() });
  return {
    sink,
    bytes: () => {
      const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of chunks) (out.set(c, at), (at += c.length));
      return out;
    },
  };
}

describe('packBundleTo: refusals', () => {
  it.each([
    ['more bytes than declared', (i: PackSourceItem) => ({ ...i, size: i.size! - 1 })],
    ['fewer bytes than declared', (i: PackSourceItem) => ({ ...i, size: i.size! + 1 })],
    ['no bytes where some are declared', (i: PackSourceItem) => ({ ...i, data: [] })],
    ['more bytes from a function source', (i: PackSourceItem) => ({ ...i, size: 2, data: () => [enc('a'), enc('bc')] })],
    ['fewer bytes from an async source', (i: PackSourceItem) => ({ ...i, size: 9, data: (async function* () { yield enc('abc'); })() })],
  ])('%s: ERR_SOURCE_CHANGED, nothing committed, the sink aborted', async (_name, alter) => {
    for (const kind of ['memory', 'zip'] as const) {
      const memory = memorySink();
      const sink = spySink(kind === 'memory' ? memory : memoryZip().sink);
      const items = ITEMS();
      items[2] = alter(items[2]!);
      const error = await packBundleTo(sink, { metadata: await metadata(), items }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EvidenceBundleError);
      expect((error as EvidenceBundleError).code).toBe('ERR_SOURCE_CHANGED');
      expect(sink.aborted).toBe(1);
      expect(sink.committed).toBe(0);
      expect(memory.files.size).toBe(0);
    }
  });

  it('never passes a byte beyond the declared size to the sink', async () => {
    let received = 0;
    const sink: BagSink = {
      ordered: true,
      concurrency: 1,
      async add(_path, data) {
        if (data instanceof Uint8Array) return;
        for await (const chunk of data) received += chunk.length;
      },
      commit: () => Promise.resolve(),
      abort: () => Promise.resolve(),
    };
    const big = { ...item('big', 'big.bin', ''), size: 4, data: [enc('abc'), enc('def')] };
    await expect(packBundleTo(sink, { metadata: await metadata(), items: [big] })).rejects.toMatchObject({ code: 'ERR_SOURCE_CHANGED' });
    expect(received).toBe(3);
  });

  it('aborts the sink and passes on its error when a write fails, at any stage', async () => {
    for (const failOn of ['bag-info.txt', 'data/z.txt', 'evidence/manifest.json', 'tagmanifest-sha256.txt']) {
      const sink = spySink(memorySink(), failOn);
      await expect(packBundleTo(sink, { metadata: await metadata(), items: ITEMS() })).rejects.toMatchObject({ code: 'ERR_IO' });
      expect(sink.aborted).toBe(1);
      expect(sink.committed).toBe(0);
    }
  });

  it('refuses a bad signer role, a bad size, unsafe and colliding paths before the sink receives anything, and aborts it', async () => {
    const { signer } = await keyPair();
    const cases: Array<[Parameters<typeof packBundleTo>[1]['items'], unknown, string | undefined]> = [
      [ITEMS(), TypeError, 'witness'],
      [[{ ...item('n', 'n.txt', 'x'), size: -1 }], RangeError, undefined],
      [[{ ...item('n', 'n.txt', 'x'), size: 1.5 }], RangeError, undefined],
      [[item('u', '../up.txt', 'x')], 'ERR_PATH_UNSAFE', undefined],
      [[item('w', 'con.txt', 'x')], 'ERR_PATH_UNSAFE', undefined],
      [[item('a', 'A/x.txt', 'x'), item('b', 'a/y.txt', 'y')], 'ERR_PATH_COLLISION', undefined],
    ];
    for (const [items, expected, role] of cases) {
      const sink = spySink(memorySink());
      const signers = role === undefined ? [] : [{ signer, role }];
      const error = await packBundleTo(sink, { metadata: await metadata(), items, signers }).catch((e: unknown) => e);
      if (typeof expected === 'string') expect((error as EvidenceBundleError).code).toBe(expected);
      else expect(error).toBeInstanceOf(expected as typeof Error);
      expect(sink.added).toEqual([]);
      expect(sink.aborted).toBe(1);
    }
  });

  it('stops on an aborted signal with its reason, before or while streaming, and aborts the sink', async () => {
    const before = new AbortController();
    before.abort(new Error('stop'));
    await expect(packBundleTo(memorySink(), { metadata: await metadata(), items: ITEMS(), signal: before.signal })).rejects.toThrow('stop');

    const during = new AbortController();
    const sink = spySink(memorySink());
    const slow = { ...item('slow', 'slow.bin', ''), size: 2, data: (async function* () { yield enc('a'); during.abort(new Error('ctrl-c')); yield enc('b'); })() };
    await expect(packBundleTo(sink, { metadata: await metadata(), items: [slow], signal: during.signal })).rejects.toThrow('ctrl-c');
    expect(sink.aborted).toBe(1);
    expect(sink.committed).toBe(0);
  });
});

describe('packBundleTo: bundles', () => {
  it('gives a sink of one file at a time every file in ascending UTF-8 byte order, bag-info.txt first', async () => {
    const sink = spySink(memorySink());
    await packBundleTo(sink, { metadata: await metadata(), items: ITEMS(), algorithms: ['sha512', 'blake3'] });
    const sorted = [...sink.added].sort((a, b) => compareBytes(enc(a), enc(b)));
    expect(sink.added).toEqual(sorted);
    expect(sink.added[0]).toBe('bag-info.txt');
    expect(sink.added.at(-1)).toBe('tagmanifest-sha512.txt');
    expect(sink.added).toContain('manifest-blake3.txt');
    expect(sink.committed).toBe(1);
  });

  it('writes Payload-Oxum and Bagging-Date from the declared sizes and createdAt', async () => {
    const sink = memorySink();
    const items = ITEMS();
    await packBundleTo(sink, { metadata: await metadata(), items, createdAt: new Date('2026-10-06T23:59:59Z') });
    const info = new TextDecoder().decode(sink.files.get('bag-info.txt')!);
    const octets = items.reduce((n, i) => n + i.size!, 0);
    expect(info).toContain(`Payload-Oxum: ${octets}.${items.length}\n`);
    expect(info).toContain('Bagging-Date: 2026-10-06\n');
  });

  it.each([
    ['memory', 'EdDSA', []],
    ['memory', 'ES256', ['sha512', 'sha3-256', 'blake3']],
    ['zip', 'EdDSA', ['blake3']],
    ['zip', 'PS256', ['sha512']],
  ] as const)('into a %s sink, signed (%s), algorithms %j: VALID', async (kind, alg, algorithms) => {
    const packager = await keyPair(alg);
    const certifier = await keyPair('EdDSA');
    const signers = [
      { signer: packager.signer, role: 'packager' },
      { signer: certifier.signer, role: 'certifier' },
    ];
    const withheld = [{ id: 'sealed', mediaType: 'text/plain', withheld: { reason: 'privileged' } }];
    const options = { metadata: await metadata(), items: ITEMS(), withheld, signers, algorithms };
    let source;
    if (kind === 'memory') {
      const sink = memorySink();
      await packBundleTo(sink, options);
      for (const a of algorithms) expect(sink.files.has(`manifest-${DIGEST_ALGORITHMS[a].bagitName}.txt`)).toBe(true);
      source = filesSource(sink.files);
    } else {
      const zip = memoryZip();
      await packBundleTo(zip.sink, options);
      source = await openZipSource(memoryReader(zip.bytes()));
    }
    const report = await verifyBundle(source, { trustedKeys: [packager.publicJwk, certifier.publicJwk] });
    expect(report.outcome, JSON.stringify(report.findings)).toBe('VALID');
    expect(report.signatures.map((s) => s.role)).toEqual(['packager', 'certifier']);
    expect(report.items.map((i) => i.id).sort()).toEqual(['cjk', 'emoji', 'nested', 'sealed', 'upper', 'zeta']);
  });

  it('feeds a sink taking many files at once all of them, and the bundle is the same as one file at a time', async () => {
    const inner = memorySink();
    let inFlight = 0;
    let most = 0;
    const wide: BagSink = {
      ordered: false,
      concurrency: 4,
      async add(path, data, size) {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 1));
        const chunks: Uint8Array[] = [];
        if (data instanceof Uint8Array) chunks.push(data);
        else for await (const c of data) chunks.push(c);
        inFlight--;
        await inner.add(path, joinChunks(chunks), size);
      },
      commit: () => inner.commit(),
      abort: () => inner.abort(),
    };
    const options = { metadata: await metadata(), items: ITEMS(), bundleId: '0b6c3bb7-1b7e-4c59-8f7c-3d2a8e1b7a10', createdAt: new Date('2026-10-06T09:00:00Z') };
    await packBundleTo(wide, options);
    const one = memorySink();
    await packBundleTo(one, options);
    expect(most).toBeGreaterThan(1);
    expect(new Map([...inner.files].sort())).toEqual(new Map([...one.files].sort()));

    // Sizes left undeclared: the same bag, bag-info.txt written after the payload from the sizes read.
    inner.files.clear();
    await packBundleTo(wide, { ...options, items: ITEMS().map(({ size: _size, ...rest }) => rest) });
    expect(new Map([...inner.files].sort())).toEqual(new Map([...one.files].sort()));
  });

  it.each([true, false])('a sink copying some files itself (ordered: %s) gets the rest through add, in order when ordered; the same bag', async (ordered) => {
    const inner = memorySink();
    const calls: string[] = [];
    // Copies the files whose copySource says so and declines the others, as the Node sinks do by size.
    const copying: BagSink = {
      ordered,
      concurrency: ordered ? 1 : 3,
      async add(path, data, size) {
        calls.push(`add ${path}`);
        await inner.add(path, data, size);
      },
      async copy(path, source, _size, algorithms) {
        const { bytes, copies } = source as { bytes: Uint8Array; copies: boolean };
        if (!copies) {
          calls.push(`declined ${path}`);
          return undefined;
        }
        calls.push(`copy ${path}`);
        await inner.add(path, bytes, bytes.length);
        const digests = Object.fromEntries(algorithms.map((a) => {
          const hash = DIGEST_ALGORITHMS[a].noble();
          hash.update(bytes);
          return [a, Buffer.from(hash.digest()).toString('hex')];
        })) as DigestSet;
        return { size: bytes.length, digests };
      },
      planCopies(copies, algorithms) {
        calls.push(`plan ${copies.map((c) => `${c.path}:${c.size}:${(c.source as { copies: boolean }).copies}`).join(' ')} ${algorithms.join()}`);
      },
      commit: () => inner.commit(),
      abort: () => inner.abort(),
    };
    const items = ITEMS().map((it, i) => ({ ...it, copySource: { bytes: (it.data as Uint8Array[])[0], copies: i % 2 === 0 } }));
    const options = { metadata: await metadata(), bundleId: '0b6c3bb7-1b7e-4c59-8f7c-3d2a8e1b7a10', createdAt: new Date('2026-10-06T09:00:00Z'), algorithms: ['sha512' as const] };
    await packBundleTo(copying, { ...options, items });
    const one = memorySink();
    await packBundleTo(one, { ...options, items: ITEMS() });
    expect(new Map([...inner.files].sort())).toEqual(new Map([...one.files].sort()));
    const payload = calls.filter((c) => c.includes(' data/'));
    // Every item offered to copy once; the declined ones, and only they, then added.
    expect(payload.filter((c) => c.startsWith('copy ')).length).toBe(3);
    const declined = payload.filter((c) => c.startsWith('declined ')).map((c) => c.slice(9));
    expect(declined.length).toBe(2);
    expect(payload.filter((c) => c.startsWith('add ')).map((c) => c.slice(4)).sort()).toEqual(declined.sort());
    const plans = calls.filter((c) => c.startsWith('plan '));
    if (ordered) {
      // Told once, before any payload file, of every file it will be offered, in the order it will be offered
      // them, with their sizes and the algorithms.
      expect(plans.length).toBe(1);
      expect(calls.findIndex((c) => c.startsWith('plan '))).toBeLessThan(calls.findIndex((c) => c.includes(' data/') && !c.startsWith('plan ')));
      const offered = calls.filter((c) => c.startsWith('copy ') || c.startsWith('declined ')).map((c) => c.replace(/^\w+ /, ''));
      const planned = plans[0]!.split(' ').slice(1, -1);
      expect(planned.map((p) => p.split(':')[0])).toEqual(offered);
      for (const p of planned) {
        const [path, size] = p.split(':');
        expect(Number(size)).toBe(inner.files.get(path!)!.length);
      }
      expect(plans[0]!.endsWith(' sha256,sha512')).toBe(true);
      // One file at a time in the bag's order: a declined file is added at once, before the next is offered.
      const files = calls.filter((c) => !c.startsWith('declined ') && !c.startsWith('plan ')).map((c) => c.replace(/^\w+ /, ''));
      expect(files).toEqual([...files].sort((a, b) => compareBytes(enc(a), enc(b))));
      for (const [i, c] of calls.entries()) if (c.startsWith('declined ')) expect(calls[i + 1]).toBe(`add ${c.slice(9)}`);
    } else {
      // A sink taking files in any order reads nothing ahead: it is not told.
      expect(plans).toEqual([]);
    }
  });

  it('refuses an item without a size for an ordered sink, before the sink receives anything', async () => {
    for (const kind of ['memory', 'zip'] as const) {
      const sink = spySink(kind === 'memory' ? memorySink() : memoryZip().sink);
      const items = ITEMS();
      delete items[1]!.size;
      await expect(packBundleTo(sink, { metadata: await metadata(), items })).rejects.toBeInstanceOf(TypeError);
      expect(sink.added).toEqual([]);
      expect(sink.aborted).toBe(1);
    }
  });
});
