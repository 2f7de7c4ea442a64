// One end-to-end pass through the isomorphic core, run unchanged in Node, Bun, Deno and a browser by
// scripts/check-runtimes.sh: keys, streaming digests (all four algorithms), manifest, detached JWS, BagIt tag
// files through the core pack pipeline into memory and into a ZIP in memory, verification of both (VALID), one
// flipped byte (INVALID), and a custody event.
// `evb` is the core bundled for browsers (no Node API); `metadata` is the demo case's metadata.

/** Concatenates chunks written by a ZIP sink. */
function concat(chunks) {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export async function smoke(evb, metadata) {
  const key = await evb.generateSigningKey('ES256');
  const signer = await evb.createJwkSigner(key.privateJwk);
  const log = new TextEncoder().encode('203.0.113.7 - - [14/Sep/2026:10:00:00 +0000] "GET /upload/card-dump.csv HTTP/1.1" 200 5120\n');
  const algorithms = ['sha256', 'sha512', 'sha3-256', 'blake3'];

  // The same core pipeline the CLI runs (packBundleTo), into memory and into a ZIP held in memory.
  const options = {
    metadata,
    items: [{
      id: 'access-log',
      path: 'logs/access.log',
      mediaType: 'text/plain',
      description: { en: 'Web server access log.' },
      acquisition: { method: 'production by the hosting provider', time: '2026-10-05T10:30:00+07:00', actor: metadata.actors[0].id },
      size: log.length,
      data: () => new Blob([log]).stream(),
    }],
    algorithms,
    signers: [{ signer, role: 'certifier' }],
  };
  const sink = evb.memorySink();
  const { manifest } = await evb.packBundleTo(sink, options);
  const files = sink.files;
  const manifestBytes = files.get(evb.MANIFEST_FILE);
  const digests = manifest.items[0].digests;
  const chunks = [];
  await evb.packBundleTo(evb.zipSink({ write: async (b) => void chunks.push(b.slice()), close: async () => {} }), options);
  const zip = await evb.openZipSource(evb.memoryReader(concat(chunks)));

  const verifier = evb.createVerifier({ trustedKeys: [key.publicJwk] });
  const valid = await verifier.verify(evb.filesSource(files));
  if (valid.outcome !== 'VALID') throw new Error(`expected VALID, got ${valid.outcome}: ${JSON.stringify(valid.findings)}`);
  const zipped = await verifier.verify(zip);
  if (zipped.outcome !== 'VALID') throw new Error(`expected the ZIP VALID, got ${zipped.outcome}: ${JSON.stringify(zipped.findings)}`);

  const altered = new Map(files);
  const bytes = log.slice();
  bytes[0] ^= 1;
  altered.set('data/logs/access.log', bytes);
  const invalid = await verifier.verify(evb.filesSource(altered));
  const codes = invalid.findings.map((f) => f.code);
  if (invalid.outcome !== 'INVALID' || !codes.includes('item.digest-mismatch')) throw new Error(`expected INVALID with item.digest-mismatch, got ${invalid.outcome} ${codes}`);

  const line = await evb.signCustodyEvent(
    {
      seq: 1,
      prev: evb.custodyLink(manifestBytes),
      type: 'sealed',
      time: new Date().toISOString(),
      actor: { name: 'Examiner', role: 'examiner', organisation: 'Forensic institute', country: 'VN', kid: signer.kid },
      items: 'all',
      place: 'Ha Noi',
      purpose: 'sealed for transmission',
      seals: [{ id: 'VN-1', condition: 'applied' }],
    },
    signer,
  );
  const custody = await evb.verifyCustodyLog(line, { manifestBytes, itemIds: new Set(['access-log']), trustedKeys: [key.publicJwk] });
  if (custody.events[0]?.status !== 'valid') throw new Error(`custody event not valid: ${JSON.stringify(custody.findings)}`);

  return `RUNTIME-SMOKE OK: VALID (memory and ZIP), then INVALID (${[...new Set(codes)].join(', ')}), custody ${custody.events[0].status}; blake3 ${digests.blake3.slice(0, 16)}...`;
}
