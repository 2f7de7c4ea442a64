// One end-to-end pass through the isomorphic core, run unchanged in Node, Bun, Deno and a browser by
// scripts/check-runtimes.sh: keys, streaming digests (all four algorithms), manifest, detached JWS, BagIt tag
// files, an in-memory bag, verification (VALID), one flipped byte (INVALID), and a custody event.
// `evb` is the core bundled for browsers (no Node API); `metadata` is the demo case's metadata.

/** A BagSource over files held in memory, as a browser holds files the user dropped. */
function memorySource(files) {
  return {
    async *list() {
      const dirs = new Set();
      for (const path of files.keys()) {
        const parts = path.split('/');
        for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
      }
      for (const dir of [...dirs].sort()) yield { path: dir, kind: 'directory', size: 0 };
      for (const [path, bytes] of files) yield { path, kind: 'file', size: bytes.length };
    },
    async *read(path) {
      const bytes = files.get(path);
      if (bytes === undefined) throw new Error(`no such file: ${path}`);
      yield bytes;
    },
  };
}

export async function smoke(evb, metadata) {
  const key = await evb.generateSigningKey('ES256');
  const signer = await evb.createJwkSigner(key.privateJwk);
  const log = new TextEncoder().encode('203.0.113.7 - - [14/Sep/2026:10:00:00 +0000] "GET /upload/card-dump.csv HTTP/1.1" 200 5120\n');
  const algorithms = ['sha256', 'sha512', 'sha3-256', 'blake3'];
  const { digests, size } = await evb.digestStream(new Blob([log]).stream(), { algorithms });

  const item = {
    id: 'access-log',
    path: 'logs/access.log',
    mediaType: 'text/plain',
    description: { en: 'Web server access log.' },
    acquisition: { method: 'production by the hosting provider', time: '2026-10-05T10:30:00+07:00', actor: metadata.actors[0].id },
    size,
    digests,
  };
  const { manifest, bytes: manifestBytes } = evb.buildManifest(metadata, [item], { bundleId: crypto.randomUUID(), createdAt: new Date() });
  const signature = await evb.signDetached(manifestBytes, signer, { role: 'certifier' });
  const tagFiles = [
    [evb.MANIFEST_FILE, manifestBytes],
    [evb.SIGNATURES_FILE, evb.serializeSignatureFile({ signatures: [signature] })],
  ];
  const files = new Map(evb.createTagFiles({
    payload: [{ path: 'data/logs/access.log', size, digests }],
    algorithms,
    tagFiles,
    bagInfo: { bundleId: manifest.bundleId, sourceOrganization: manifest.creator.name, baggingDate: manifest.createdAt.slice(0, 10) },
  }));
  files.set('data/logs/access.log', log);

  const verifier = evb.createVerifier({ trustedKeys: [key.publicJwk] });
  const valid = await verifier.verify(memorySource(files));
  if (valid.outcome !== 'VALID') throw new Error(`expected VALID, got ${valid.outcome}: ${JSON.stringify(valid.findings)}`);

  const altered = new Map(files);
  const bytes = log.slice();
  bytes[0] ^= 1;
  altered.set('data/logs/access.log', bytes);
  const invalid = await verifier.verify(memorySource(altered));
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

  return `RUNTIME-SMOKE OK: VALID, then INVALID (${[...new Set(codes)].join(', ')}), custody ${custody.events[0].status}; blake3 ${digests.blake3.slice(0, 16)}...`;
}
