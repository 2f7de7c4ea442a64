import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../src/internal/bytes.js';
import { createTimestampRequest } from '../../src/timestamp/create-timestamp-request.js';
import { openssl, OPENSSL_AVAILABLE, warnIfNoOpenssl } from '../helpers/openssl-pki.js';

warnIfNoOpenssl('tests/timestamp/create-timestamp-request');

const DATA = new TextEncoder().encode('the JWS signature value');

describe('createTimestampRequest', () => {
  it('hashes the data with SHA-256 by default, with a fresh positive nonce each time', async () => {
    const a = await createTimestampRequest(DATA);
    const b = await createTimestampRequest(DATA);
    expect(a.hashAlgorithm).toBe('SHA-256');
    expect(a.imprint).toEqual(new Uint8Array(await crypto.subtle.digest('SHA-256', DATA)));
    expect(a.certReq).toBe(true);
    expect(a.nonce.length).toBe(8);
    expect(a.nonce[0]! & 0xc0).toBe(0x40);
    expect(toHex(a.nonce)).not.toBe(toHex(b.nonce));
  });

  it('refuses caller misuse with TypeError', async () => {
    await expect(createTimestampRequest('text' as unknown as Uint8Array)).rejects.toBeInstanceOf(TypeError);
    await expect(createTimestampRequest(DATA, { hashAlgorithm: 'SHA-1' as never })).rejects.toBeInstanceOf(TypeError);
    await expect(createTimestampRequest(DATA, { nonce: new Uint8Array([0x80]) })).rejects.toBeInstanceOf(TypeError);
    await expect(createTimestampRequest(DATA, { nonce: new Uint8Array([0, 1]) })).rejects.toBeInstanceOf(TypeError);
  });
});

describe.skipIf(!OPENSSL_AVAILABLE)('createTimestampRequest read by openssl ts -query', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evb-tsq-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is a TimeStampReq openssl reads back: algorithm, imprint, nonce, certReq, policy', async () => {
    const request = await createTimestampRequest(DATA, { hashAlgorithm: 'SHA-384', nonce: new Uint8Array([0x42, 0x01, 0x02]), policy: '1.3.6.1.4.1.99999.1.2' });
    await writeFile(join(dir, 'q.tsq'), request.der);
    const { stdout } = await openssl(['ts', '-query', '-in', 'q.tsq', '-text'], dir);
    expect(stdout).toMatch(/Hash Algorithm: sha384/);
    expect(stdout).toMatch(/Policy OID: 1\.3\.6\.1\.4\.1\.99999\.1\.2/);
    expect(stdout).toMatch(/Nonce: 0x420102/);
    expect(stdout).toMatch(/Certificate required: yes/);
    // The hex dump lines: "    0000 - 58 91 b5 ... 03   X...": the bytes before the ASCII column.
    const dumped = [...stdout.matchAll(/^\s+[0-9a-f]{4} - ((?:[0-9a-f]{2}[ -]){0,15}[0-9a-f]{2})/gm)].map((m) => m[1]!.replace(/[ -]/g, '')).join('');
    expect(dumped).toBe(toHex(request.imprint));
  });
});
