// Every MUST, MUST NOT and REQUIRED of docs/format.md that a reader can check, as a table: the rule, the one
// change to a valid bundle that breaks it, and the finding the verifier must report. Each row starts from the same
// signed bundle; the attacker reseals the BagIt manifests wherever that helps, so that only the rule under test
// can catch the change (remove the check, and its rows fail). Rules that are proven elsewhere are listed at the
// end with the test that proves them.
import { createHash } from 'node:crypto';
import { existsSync, promises as fsp, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTrustPolicy, type VerificationReport } from '../../src/index.js';
import { LIMITS } from '../../src/entries/bagit.js';
import { canonicalizeToBytes, parseJson } from '../../src/entries/encoding.js';
import { base64urlEncode, utf8Encode } from '../../src/internal/bytes.js';
import { verifyBundleDirectory } from '../../src/node/index.js';
import { FINDING_CODES, type FindingCode } from '../../src/report/codes.js';
import type { FindingLocation } from '../../src/report/finding.js';
import { jwsSigningInput, MANIFEST_JWS_TYP } from '../../src/sign/sign-detached.js';
import { CUSTODY_EVENT_TYP } from '../../src/custody/custody-event.js';
import { custodyLink } from '../../src/custody/custody-link.js';
import { flipByte, keyPair, packDemo, resealBag, tempDir, type KeyPair } from '../helpers/bundle-fixture.js';
import { REPO_ROOT } from '../helpers/vectors.js';

let dir: string;
let packager: KeyPair;
let certifier: KeyPair;
let pristine: string;

beforeAll(async () => {
  dir = await tempDir('evb-musts-');
  [packager, certifier] = await Promise.all([keyPair('EdDSA'), keyPair('ES256')]);
  pristine = await packDemo(dir, { name: 'pristine', packager, certifier, algorithms: ['sha512'] });
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

let copies = 0;
async function copy(): Promise<string> {
  const target = join(dir, `copy-${copies++}`);
  await fsp.cp(pristine, target, { recursive: true });
  return target;
}

// Both signatures are needed: a signature the policy can do without is set aside (docs/format.md, "Extra
// entries"), so a rule about signature 0 is only seen when the policy needs signature 0.
const verify = (b: string): Promise<VerificationReport> =>
  verifyBundleDirectory(b, {
    policy: parseTrustPolicy({
      policyVersion: '1.0',
      name: 'both signatures required',
      owner: { country: 'DZ', authority: 'the receiver' },
      authorities: [
        { id: 'packager', name: 'the packager', country: 'VN', roles: ['packager'], keys: [packager.publicJwk] },
        { id: 'certifier', name: 'the certifier', country: 'VN', roles: ['certifier'], keys: [certifier.publicJwk] },
      ],
      requirements: [
        { id: 'packed', role: 'packager', country: 'sender', min: 1 },
        { id: 'certified', role: 'certifier', country: 'sender', min: 1 },
      ],
    }),
  });

// ---- The attacker's tools: plain file edits, independent of the library where the library is under test. ----

async function write(b: string, rel: string, bytes: Uint8Array | string): Promise<void> {
  await fsp.chmod(join(b, rel), 0o644).catch(() => undefined);
  await fsp.writeFile(join(b, rel), bytes);
}
async function edit(b: string, rel: string, change: (text: string) => string): Promise<void> {
  const before = await fsp.readFile(join(b, rel), 'utf8');
  const after = change(before);
  // A row whose edit changes nothing would prove nothing.
  expect(after).not.toBe(before);
  await write(b, rel, after);
}
async function remove(b: string, rel: string): Promise<void> {
  await fsp.rm(join(b, rel));
}
const sha = (alg: string, bytes: Uint8Array): string => createHash(alg).update(bytes).digest('hex');

/** Recomputes the tag manifests that exist, over every file outside data/ (the bag alone then looks intact). */
async function sealTags(b: string): Promise<void> {
  const files: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const e of await fsp.readdir(join(b, rel), { withFileTypes: true })) {
      const p = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (p !== 'data') await walk(p);
      } else if (!/^tagmanifest-.+\.txt$/.test(p)) files.push(p);
    }
  };
  await walk('');
  files.sort();
  for (const name of await fsp.readdir(b)) {
    const alg = /^tagmanifest-(.+)\.txt$/.exec(name)?.[1];
    if (alg === undefined) continue;
    const lines = await Promise.all(files.map(async (f) => `${sha(alg, await fsp.readFile(join(b, f)))}  ${f}\n`));
    await write(b, name, lines.join(''));
  }
}

type Json = Record<string, unknown>;
async function editManifest(b: string, change: (m: Json & { items: Json[] }) => void): Promise<void> {
  const m = parseJson(await fsp.readFile(join(b, 'evidence', 'manifest.json'))) as Json & { items: Json[] };
  change(m);
  await write(b, 'evidence/manifest.json', canonicalizeToBytes(m));
}

/** The protected header the library's signer writes, for `key` in `role`. */
const headerOf = (key: KeyPair, role: string): Json => ({ alg: key.signer.alg, kid: key.kid, typ: MANIFEST_JWS_TYP, role, sigT: '2026-10-06T09:00:00Z' });

/** Re-signs the manifest as it now is: the packager with the header `change` makes, the certifier as the library does. */
async function resign(b: string, change: (h: Json) => void = () => undefined, entry: (e: Json) => void = () => undefined, file: (f: Json) => void = () => undefined): Promise<void> {
  const manifest = new Uint8Array(await fsp.readFile(join(b, 'evidence', 'manifest.json')));
  const sign = async (key: KeyPair, header: Json): Promise<Json> => {
    const protectedB64 = base64urlEncode(canonicalizeToBytes(header));
    return { protected: protectedB64, signature: base64urlEncode(await key.signer.sign(jwsSigningInput(protectedB64, manifest))) };
  };
  const first = headerOf(packager, 'packager');
  change(first);
  const packaged = await sign(packager, first);
  entry(packaged);
  const signatures: Json = { signatures: [packaged, await sign(certifier, headerOf(certifier, 'certifier'))] };
  file(signatures);
  await write(b, 'evidence/signatures.json', utf8Encode(JSON.stringify(signatures)));
}

/** Renames one payload file and its item, re-signs and reseals: a bundle as a writer that allows the name would make it. */
async function renameItem(b: string, from: string, to: string): Promise<void> {
  await fsp.rename(join(b, 'data', from), join(b, 'data', to));
  await editManifest(b, (m) => {
    const item = m.items.find((i) => i['path'] === from)!;
    item['path'] = to;
  });
  await resign(b);
  await resealBag(b);
}

/** A custody log of one `acquired` event by the packager, signed under the header `change` makes. */
async function custodyLine(b: string, change: (h: Json) => void, line: (l: Json) => void = () => undefined): Promise<void> {
  const manifest = new Uint8Array(await fsp.readFile(join(b, 'evidence', 'manifest.json')));
  const event = {
    seq: 1,
    type: 'acquired',
    time: '2026-10-06T09:10:00Z',
    actor: { name: 'Packager', role: 'custodian', organisation: 'Forensic department', country: 'VN', kid: packager.kid },
    items: 'all',
    place: 'Ha Noi',
    purpose: 'acquisition',
    prev: custodyLink(manifest),
  };
  const payload = canonicalizeToBytes(event);
  const header: Json = { alg: packager.signer.alg, kid: packager.kid, typ: CUSTODY_EVENT_TYP, role: 'custodian', sigT: '2026-10-06T09:10:00Z' };
  change(header);
  const protectedB64 = base64urlEncode(canonicalizeToBytes(header));
  const signature = base64urlEncode(await packager.signer.sign(jwsSigningInput(protectedB64, payload)));
  const jws: Json = { payload: base64urlEncode(payload), protected: protectedB64, signature };
  line(jws);
  await fsp.writeFile(join(b, 'evidence', 'custody.jsonl'), Buffer.concat([canonicalizeToBytes(jws), Buffer.from('\n')]));
}

const DECLARATION = 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n';
const declaration = (text: string) => async (b: string) => {
  await write(b, 'bagit.txt', text);
  await sealTags(b);
};
const bagInfo = (change: (text: string) => string) => async (b: string) => {
  await edit(b, 'bag-info.txt', change);
  await sealTags(b);
};
const header = (change: (h: Json) => void) => async (b: string) => {
  await resign(b, change);
  await sealTags(b);
};
const without = (name: string) => (h: Json) => {
  delete h[name];
};
const set = (name: string, value: unknown) => (h: Json) => {
  h[name] = value;
};

interface Row {
  /** The rule, quoted or closely paraphrased from docs/format.md. */
  rule: string;
  /** The variant of the rule this row breaks. */
  change: string;
  mutate: (bundle: string) => Promise<void>;
  code: FindingCode;
  /** Where the finding must point. */
  at?: FindingLocation;
  /** Defaults to INVALID for a code whose effect is invalid, VALID for one that only warns. */
  outcome?: VerificationReport['outcome'];
}

const ROWS: Row[] = [
  // Container layout: bagit.txt.
  ...[
    ['CR LF line ends', DECLARATION.replace(/\n/g, '\r\n')],
    ['CR line ends', DECLARATION.replace(/\n/g, '\r')],
    ['no LF after the last line', DECLARATION.trimEnd()],
    ['a blank line after the declaration', `${DECLARATION}\n`],
    ['a byte-order mark', `\ufeff${DECLARATION}`],
    ['BagIt 0.97', DECLARATION.replace('1.0', '0.97')],
    ['BagIt 1.1', DECLARATION.replace('1.0', '1.1')],
    ['another encoding', DECLARATION.replace('UTF-8', 'ISO-8859-1')],
    ['the encoding in lower case', DECLARATION.replace('UTF-8', 'utf-8')],
    ['two spaces after a colon', DECLARATION.replace(': 1.0', ':  1.0')],
  ].map(([change, text]): Row => ({
    rule: 'bagit.txt MUST be `BagIt-Version: 1.0` and `Tag-File-Character-Encoding: UTF-8`, LF line endings',
    change: change!,
    mutate: declaration(text!),
    code: 'bundle.declaration.not-profile',
    at: { path: 'bagit.txt' },
  })),
  // Container layout: bag-info.txt.
  ...([
    ['another bundle id', (t) => t.replace(/^External-Identifier: .*$/m, 'External-Identifier: 0b3c4f3e-58d5-4d5b-9d1a-7c9e1a2b3c4d'), 'bundle.bag-info.identifier-mismatch'],
    ['the bundle id in upper case', (t) => t.replace(/^External-Identifier: (.*)$/m, (_l, id: string) => `External-Identifier: ${id.toUpperCase()}`), 'bundle.bag-info.identifier-mismatch'],
    ['no External-Identifier', (t) => t.replace(/^External-Identifier: .*\n/m, ''), 'bundle.bag-info.label-missing'],
    ['External-Identifier renamed', (t) => t.replace('External-Identifier:', 'External-Id:'), 'bundle.bag-info.label-missing'],
    ['External-Identifier in lower case', (t) => t.replace('External-Identifier:', 'external-identifier:'), 'bundle.bag-info.label-missing'],
    ['External-Identifier twice', (t) => t.replace(/^(External-Identifier: .*\n)/m, '$1$1'), 'bundle.bag-info.label-repeated'],
  ] as Array<[string, (t: string) => string, FindingCode]>).map(([change, edit, code]): Row => ({
    rule: '`External-Identifier` MUST equal the manifest\'s `bundleId`',
    change,
    mutate: bagInfo(edit),
    code,
    at: { path: 'bag-info.txt' },
  })),
  ...([
    ['no Payload-Oxum', (t) => t.replace(/^Payload-Oxum: .*\n/m, ''), 'bundle.bag-info.label-missing'],
    ['Payload-Oxum renamed', (t) => t.replace('Payload-Oxum:', 'Payload-oxum:'), 'bundle.bag-info.label-missing'],
    ['Payload-Oxum not <octets>.<streams>', (t) => t.replace(/^Payload-Oxum: .*$/m, 'Payload-Oxum: 82336 bytes in 4 files'), 'bundle.bag-info.value-malformed'],
    ['Payload-Oxum with one number', (t) => t.replace(/^Payload-Oxum: (\d+)\.\d+$/m, 'Payload-Oxum: $1'), 'bundle.bag-info.value-malformed'],
    ['Payload-Oxum twice', (t) => t.replace(/^(Payload-Oxum: .*\n)/m, '$1$1'), 'bundle.bag-info.label-repeated'],
    ['a Payload-Oxum that counts one file more', (t) => t.replace(/^Payload-Oxum: (\d+)\.(\d+)$/m, (_l, o: string, s: string) => `Payload-Oxum: ${o}.${Number(s) + 1}`), 'bag.oxum.mismatch'],
    ['a Payload-Oxum that counts one byte less', (t) => t.replace(/^Payload-Oxum: (\d+)\.(\d+)$/m, (_l, o: string, s: string) => `Payload-Oxum: ${Number(o) - 1}.${s}`), 'bag.oxum.mismatch'],
  ] as Array<[string, (t: string) => string, FindingCode]>).map(([change, edit, code]): Row => ({
    rule: '`Payload-Oxum` MUST be `<total payload bytes>.<payload file count>`',
    change,
    mutate: bagInfo(edit),
    code,
    at: { path: 'bag-info.txt' },
  })),
  ...([
    ['no Bagging-Date', (t) => t.replace(/^Bagging-Date: .*\n/m, ''), 'bundle.bag-info.label-missing'],
    ['Bagging-Date renamed', (t) => t.replace('Bagging-Date:', 'Date:'), 'bundle.bag-info.label-missing'],
    ['a Bagging-Date in another notation', (t) => t.replace(/^Bagging-Date: .*$/m, 'Bagging-Date: 06/10/2026'), 'bundle.bag-info.value-malformed'],
    ['an impossible Bagging-Date', (t) => t.replace(/^Bagging-Date: .*$/m, 'Bagging-Date: 2026-02-30'), 'bundle.bag-info.value-malformed'],
    ['a Bagging-Date with a time', (t) => t.replace(/^Bagging-Date: .*$/m, 'Bagging-Date: 2026-10-06T09:00:00Z'), 'bundle.bag-info.value-malformed'],
    ['Bagging-Date twice', (t) => t.replace(/^(Bagging-Date: .*\n)/m, '$1$1'), 'bundle.bag-info.label-repeated'],
  ] as Array<[string, (t: string) => string, FindingCode]>).map(([change, edit, code]): Row => ({
    rule: 'bag-info.txt carries `Bagging-Date`, an RFC 3339 full-date',
    change,
    mutate: bagInfo(edit),
    code,
    at: { path: 'bag-info.txt' },
  })),
  {
    rule: '`Bagging-Date` SHOULD be the UTC date of `createdAt` (a warning: bag-info.txt is not signed)',
    change: 'the next day',
    mutate: bagInfo((t) => t.replace(/^Bagging-Date: .*$/m, 'Bagging-Date: 2026-10-07')),
    code: 'bundle.bag-info.date-mismatch',
    at: { path: 'bag-info.txt' },
    outcome: 'VALID',
  },
  {
    rule: 'bag-info.txt carries Bagging-Date, Payload-Oxum and External-Identifier',
    change: 'no bag-info.txt at all',
    mutate: async (b) => {
      await remove(b, 'bag-info.txt');
      await sealTags(b);
    },
    code: 'bundle.bag-info.label-missing',
    at: { path: 'bag-info.txt' },
  },
  // Roles: what BagIt reads by repairing it, an evidence reader refuses.
  ...([
    ['a "./" path prefix in a payload manifest', async (b) => edit(b, 'manifest-sha256.txt', (t) => t.replace('  data/chat/export.json', '  ./data/chat/export.json')), 'manifest-sha256.txt'],
    ['md5sum\'s "*" marker in a payload manifest', async (b) => edit(b, 'manifest-sha512.txt', (t) => t.replace('  data/chat/export.json', ' *data/chat/export.json')), 'manifest-sha512.txt'],
    ['a bag-info label with white space before its colon', async (b) => edit(b, 'bag-info.txt', (t) => t.replace('Source-Organization:', 'Source-Organization :')), 'bag-info.txt'],
    ['a byte-order mark in bag-info.txt', async (b) => edit(b, 'bag-info.txt', (t) => `\ufeff${t}`), 'bag-info.txt'],
    ['a bare "%" in a manifest path', async (b) => renameItem(b, 'logs/access.log', 'logs/100%.log'), 'manifest-sha256.txt'],
  ] as Array<[string, (b: string) => Promise<void>, string]>).map(([change, mutate, path]): Row => ({
    rule: 'a reader MUST NOT repair, drop or normalise anything it reads',
    change,
    mutate: async (b) => {
      await mutate(b);
      await sealTags(b);
    },
    code: 'bundle.bag.repaired',
    at: { path },
  })),
  // Container layout: manifests.
  // Container layout: manifests.
  {
    rule: 'manifest-sha256.txt: payload manifest of every file under data/ (always present)',
    change: 'only manifest-sha512.txt',
    mutate: async (b) => {
      await remove(b, 'manifest-sha256.txt');
      await sealTags(b);
    },
    code: 'bundle.payload-manifest.missing',
  },
  ...([
    ['no tagmanifest-sha256.txt', ['tagmanifest-sha256.txt']],
    ['no tag manifest for the sha512 payload manifest', ['tagmanifest-sha512.txt']],
    ['no tag manifest at all', ['tagmanifest-sha256.txt', 'tagmanifest-sha512.txt']],
  ] as Array<[string, string[]]>).map(([change, files]): Row => ({
    rule: 'tagmanifest-sha256.txt and one tagmanifest-<alg>.txt per payload manifest algorithm',
    change,
    mutate: async (b) => {
      for (const f of files) await remove(b, f);
    },
    code: 'bundle.tag-manifest.missing',
  })),
  ...([
    ['tagmanifest-sha512.txt without evidence/signatures.json', 'tagmanifest-sha512.txt', 'evidence/signatures.json'],
    ['tagmanifest-sha256.txt without bag-info.txt', 'tagmanifest-sha256.txt', 'bag-info.txt'],
    ['tagmanifest-sha256.txt without bagit.txt', 'tagmanifest-sha256.txt', 'bagit.txt'],
    ['tagmanifest-sha256.txt without a payload manifest', 'tagmanifest-sha256.txt', 'manifest-sha512.txt'],
  ] as Array<[string, string, string]>).map(([change, file, left]): Row => ({
    rule: 'tag manifests: every file outside data/ except the tag manifests themselves',
    change,
    mutate: async (b) => {
      await edit(b, file, (t) => t.split('\n').filter((l) => !l.endsWith(`  ${left}`)).join('\n'));
    },
    code: 'bundle.tag-manifest.incomplete',
    at: { path: file },
  })),
  {
    rule: 'tag manifests: every file outside data/ except the tag manifests themselves',
    change: 'a new tag file listed by one tag manifest only',
    mutate: async (b) => {
      await fsp.writeFile(join(b, 'evidence', 'notes.txt'), 'added later\n');
      await sealTags(b);
      await edit(b, 'tagmanifest-sha512.txt', (t) => t.split('\n').filter((l) => !l.endsWith('  evidence/notes.txt')).join('\n'));
    },
    code: 'bundle.tag-manifest.incomplete',
    at: { path: 'tagmanifest-sha512.txt' },
  },
  // Container layout: payload against the manifest.
  {
    rule: 'Every file under `data/` MUST be an item of the manifest',
    change: 'a file added and sealed into the bag',
    mutate: async (b) => {
      await fsp.writeFile(join(b, 'data', 'planted.bin'), 'planted');
      await resealBag(b);
    },
    code: 'item.undeclared',
    at: { path: 'data/planted.bin' },
  },
  {
    rule: 'every item whose disclosure is `present` MUST have its file',
    change: 'a file removed and the bag resealed',
    mutate: async (b) => {
      await remove(b, 'data/logs/access.log');
      await resealBag(b);
    },
    code: 'item.missing',
    at: { item: 'access-log' },
  },
  {
    rule: 'a `withheld` item MUST NOT [have its file]',
    change: 'an item re-signed as withheld while its bytes stay in data/',
    mutate: async (b) => {
      await editManifest(b, (m) => {
        const item = m.items.find((i) => i['path'] === 'logs/access.log')!;
        delete item['path'];
        item['disclosure'] = { status: 'withheld', reason: 'privileged' };
      });
      await resign(b);
      await sealTags(b);
    },
    code: 'item.undeclared',
    at: { path: 'data/logs/access.log' },
  },
  {
    rule: 'Each item\'s `digests` MUST equal the digests of its file',
    change: 'one bit flipped and the bag resealed',
    mutate: async (b) => {
      await flipByte(join(b, 'data', 'logs', 'access.log'), 7);
      await resealBag(b);
    },
    code: 'item.digest-mismatch',
    at: { item: 'access-log' },
  },
  {
    rule: 'every algorithm an item records MUST have a payload manifest',
    change: 'manifest-sha512.txt removed',
    mutate: async (b) => {
      await remove(b, 'manifest-sha512.txt');
      await sealTags(b);
    },
    code: 'item.digest-unchecked',
  },
  ...(['data/link', 'evidence/link'].map((path): Row => ({
    rule: 'symbolic links, devices, FIFOs and sockets are errors wherever they appear',
    change: `a symbolic link at ${path}`,
    mutate: async (b) => {
      await fsp.symlink('../bagit.txt', join(b, path));
    },
    code: 'bag.entry.symlink',
    at: { path },
  }))),
  // Conventions and Manifest.
  {
    rule: 'the [manifest] file exists',
    change: 'evidence/manifest.json removed',
    mutate: async (b) => {
      await remove(b, 'evidence/manifest.json');
      await sealTags(b);
    },
    code: 'manifest.missing',
    at: { path: 'evidence/manifest.json' },
  },
  {
    rule: 'a reader MUST parse [signed documents] strictly, re-canonicalize, and reject the document unless the result equals the stored bytes',
    change: 'the manifest pretty-printed',
    mutate: async (b) => {
      await write(b, 'evidence/manifest.json', JSON.stringify(parseJson(await fsp.readFile(join(b, 'evidence', 'manifest.json'))), null, 1));
      await sealTags(b);
    },
    code: 'manifest.not-canonical',
  },
  {
    rule: 'JSON documents are I-JSON: no duplicate member names',
    change: 'a duplicate bundleId',
    mutate: async (b) => {
      await edit(b, 'evidence/manifest.json', (t) => t.replace('"bundleId":', '"bundleId":"0b3c4f3e-58d5-4d5b-9d1a-7c9e1a2b3c4d","bundleId":'));
      await sealTags(b);
    },
    code: 'manifest.malformed-json',
  },
  ...([
    ['an unknown member', (m) => void (m['comment'] = 'unsigned remark')],
    ['a time without offset', (m) => void (m['createdAt'] = '2026-10-06T09:00:00')],
    ['an impossible date', (m) => void (m['createdAt'] = '2026-02-29T09:00:00Z')],
    ['an unknown major version', (m) => void (m['formatVersion'] = '2.0')],
    ['an item path that climbs out', (m) => void (m.items[0]!['path'] = '../bagit.txt')],
    ['an absolute item path', (m) => void (m.items[0]!['path'] = '/etc/passwd')],
    ['an item path with a drive letter', (m) => void (m.items[0]!['path'] = 'C:evidence.bin')],
    ['an item path with a backslash', (m) => void (m.items[0]!['path'] = 'chat\\export.json')],
    ['an item path not in NFC', (m) => void (m.items[0]!['path'] = 'cafe\u0301.txt')],
    ['two items with one id', (m) => void (m.items[1]!['id'] = m.items[0]!['id'])],
    ['a present item without size', (m) => void delete m.items[0]!['size']],
    ['a present item without digests', (m) => void delete m.items[0]!['digests']],
    ['a withheld item that keeps its path', (m) => void (m.items[0]!['disclosure'] = { status: 'withheld', reason: 'privileged' })],
  ] as Array<[string, (m: Json & { items: Json[] }) => void]>).map(([change, mutate]): Row => ({
    rule: 'the manifest satisfies the JSON Schema and the cross-field rules (objects closed, times, versions, path rules)',
    change,
    mutate: async (b) => {
      await editManifest(b, mutate);
      await resign(b);
      await sealTags(b);
    },
    code: 'manifest.schema.invalid',
  })),
  // Manifest: the cross-field rules, each located by JSON Pointer.
  ...([
    ['actor ids are unique', (m) => void ((m['actors'] as Json[])[1]!['id'] = (m['actors'] as Json[])[0]!['id']), '/actors/1/id'],
    ['item ids are unique', (m) => void (m.items[2]!['id'] = m.items[0]!['id']), '/items/2/id'],
    ['item paths are unique', (m) => void (m.items[1]!['path'] = m.items[0]!['path']), '/items/1/path'],
    ['item paths do not collide after case folding', (m) => void (m.items[1]!['path'] = String(m.items[0]!['path']).toUpperCase()), '/items/1/path'],
    ['an item path is at most 1,024 bytes', (m) => void (m.items[0]!['path'] = `${'d/'.repeat(450)}\u00e9${'x'.repeat(200)}.bin`), '/items/0/path'],
    ['acquisition.actor names an actor', (m) => void ((m.items[0]!['acquisition'] as Json)['actor'] = 'nobody'), '/items/0/acquisition/actor'],
    ['derivedFrom names another item', (m) => void (m.items[0]!['derivedFrom'] = [{ item: 'no-such-item', method: 'carved' }]), '/items/0/derivedFrom/0/item'],
    ['derivedFrom does not name the item itself', (m) => void (m.items[0]!['derivedFrom'] = [{ item: m.items[0]!['id'], method: 'carved' }]), '/items/0/derivedFrom/0/item'],
    [
      'derivation has no cycle',
      (m) => {
        m.items[0]!['derivedFrom'] = [{ item: m.items[1]!['id'], method: 'carved' }];
        m.items[1]!['derivedFrom'] = [{ item: m.items[0]!['id'], method: 'carved' }];
      },
      '/items/',
    ],
  ] as Array<[string, (m: Json & { items: Json[] }) => void, string]>).map(([change, mutate, pointer]): Row => ({
    rule: 'cross-field rules: a reader MUST check them after the schema, and report each breach at the member given',
    change,
    mutate: async (b) => {
      await editManifest(b, mutate);
      await resign(b);
      await sealTags(b);
    },
    code: 'manifest.schema.invalid',
    at: { path: expect.stringContaining(`evidence/manifest.json#${pointer}`) as unknown as string },
  })),
  // Signatures: the protected header.
  // Signatures: the protected header.
  ...([
    ['no typ', without('typ')],
    ['the custody-event typ', set('typ', CUSTODY_EVENT_TYP)],
    ['typ JWT', set('typ', 'JWT')],
    ['no kid', without('kid')],
    ['a kid that is not a thumbprint', set('kid', 'packager-key-2026')],
    ['no role', without('role')],
    ['an empty role', set('role', '')],
    ['the custody role custodian', set('role', 'custodian')],
    ['a role outside the vocabulary', set('role', 'notary')],
    ['a role in another case', set('role', 'Packager')],
    ['no sigT', without('sigT')],
    ['a sigT that is not a time', set('sigT', 'Tuesday')],
    ['a sigT that is a date', set('sigT', '2026-10-06')],
    ['a sigT with an offset', set('sigT', '2026-10-06T16:00:00+07:00')],
    ['a sigT as epoch seconds', set('sigT', 1791277200)],
  ] as Array<[string, (h: Json) => void]>).map(([change, mutate]): Row => ({
    rule: 'protected header: `kid`, `typ` (`evidence-bundle-manifest+jws`), `role`, `sigT` (RFC 3339 UTC) required',
    change,
    mutate: header(mutate),
    code: 'signature.header.invalid',
    at: { signature: 0, path: 'evidence/signatures.json' },
  })),
  ...([
    ['alg none', set('alg', 'none'), 'signature.algorithm.not-allowed'],
    ['alg HS256', set('alg', 'HS256'), 'signature.algorithm.not-allowed'],
    ['an unknown crit extension', (h) => Object.assign(h, { crit: ['exp'], exp: 1 }), 'signature.header.crit-unsupported'],
    ['b64 false', set('b64', false), 'signature.malformed'],
  ] as Array<[string, (h: Json) => void, FindingCode]>).map(([change, mutate, code]): Row => ({
    rule: '`alg` MUST be on the allow-list; `crit` is rejected unless understood; `b64: false` is rejected',
    change,
    mutate: header(mutate),
    code,
    at: { signature: 0 },
  })),
  {
    rule: 'a member present in both [protected and unprotected header] is malformed',
    change: 'role repeated in the unprotected header',
    mutate: async (b) => {
      await resign(b, undefined, (e) => void (e['header'] = { role: 'certifier' }));
      await sealTags(b);
    },
    code: 'signature.malformed',
    at: { signature: 0 },
  },
  {
    rule: 'the object has a `signatures` array and no `payload` member',
    change: 'an attached payload',
    mutate: async (b) => {
      await resign(b, undefined, undefined, (f) => void (f['payload'] = base64urlEncode(utf8Encode('{"other":"document"}'))));
      await sealTags(b);
    },
    code: 'signature.malformed',
  },
  {
    rule: 'a `jwk` header whose thumbprint differs from `kid` contradicts itself',
    change: 'the certifier\'s key as jwk under the packager\'s kid',
    mutate: header((h) => void (h['jwk'] = certifier.publicJwk)),
    code: 'signature.header.key-hint-mismatch',
    at: { signature: 0 },
  },
  {
    rule: 'Readers MUST bound their resources (signature file 4 MiB)',
    change: 'a signature file one byte over the limit',
    mutate: async (b) => {
      await write(b, 'evidence/signatures.json', ' '.repeat(LIMITS.signatureFileBytes + 1));
      await sealTags(b);
    },
    code: 'signature.malformed',
  },
  // Custody log: the protected header of an event.
  ...([
    ['no typ', without('typ')],
    ['the bundle signature typ', set('typ', MANIFEST_JWS_TYP)],
    ['no kid', without('kid')],
    ['no sigT', without('sigT')],
    ['a sigT that is not a time', set('sigT', 'at dawn')],
    ['no role', without('role')],
  ] as Array<[string, (h: Json) => void]>).map(([change, mutate]): Row => ({
    rule: 'custody protected header: `kid`, `typ` (`evidence-custody-event+jws`), `role`, `sigT` (RFC 3339)',
    change,
    mutate: async (b) => {
      await custodyLine(b, mutate);
      await sealTags(b);
    },
    code: 'custody.malformed',
    at: { path: 'evidence/custody.jsonl', custody: 1 },
  })),
  {
    rule: 'each line is a flattened JWS with exactly three members; there is no unprotected `header`',
    change: 'an unprotected header beside the three members',
    mutate: async (b) => {
      await custodyLine(b, () => undefined, (l) => void (l['header'] = { note: 'unsigned' }));
      await sealTags(b);
    },
    code: 'custody.malformed',
    at: { path: 'evidence/custody.jsonl' },
  },
  // Decided where the specification was silent (docs/format.md, "Path rules"): readers warn, the bytes are intact.
  ...['aux.log', 'CON', 'com1.txt', 'Lpt9.log', 'nul .txt', 'access.log.', 'access.log ', 'access:log', 'access?.log', 'access<1>.log', 'a|b.log', 'say"hi".log'].map(
    (name): Row => ({
      rule: 'a path must be creatable on Windows (device names, trailing dot or space, <>:"|?*): a warning',
      change: `logs/${name}`,
      mutate: (b) => renameItem(b, 'logs/access.log', `logs/${name}`),
      code: 'bundle.path.not-portable',
      at: { path: `data/logs/${name}` },
      outcome: 'VALID',
    }),
  ),
];

describe('docs/format.md MUSTs, each enforced by the reader', () => {
  it('the valid bundle every row starts from verifies VALID without a finding beyond info', async () => {
    const report = await verify(await copy());
    expect(report.outcome).toBe('VALID');
    expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it('the tools the rows use change nothing by themselves: re-signed, resealed, a well-formed custody line', async () => {
    const b = await copy();
    await resign(b);
    await custodyLine(b, () => undefined);
    await resealBag(b);
    await sealTags(b);
    const report = await verify(b);
    expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(report.outcome).toBe('VALID');
    expect(report.custody?.events.map((e) => e.status)).toEqual(['valid']);
  });

  it.each(ROWS.map((r) => [`${r.rule} -- ${r.change}`, r] as const))('%s', async (_name, row) => {
    const b = await copy();
    await row.mutate(b);
    const report = await verify(b);
    expect(report.findings).toContainEqual(expect.objectContaining({ code: row.code, ...row.at }));
    const effect = FINDING_CODES[row.code].effect;
    expect(report.outcome).toBe(row.outcome ?? (effect === 'invalid' ? 'INVALID' : effect === 'indeterminate' ? 'INDETERMINATE' : 'VALID'));
  });

  it('A writer MUST write the lowest version whose members it uses: 1.0', async () => {
    const manifest = parseJson(await fsp.readFile(join(pristine, 'evidence', 'manifest.json'))) as Json;
    expect(manifest['formatVersion']).toBe('1.0');
  });

  it('Readers MUST NOT modify anything: verification leaves every byte and mode as it was', async () => {
    const b = await copy();
    const snapshot = async () => {
      const out: string[] = [];
      const walk = async (rel: string): Promise<void> => {
        for (const e of (await fsp.readdir(join(b, rel), { withFileTypes: true })).sort((x, y) => (x.name < y.name ? -1 : 1))) {
          const p = rel === '' ? e.name : `${rel}/${e.name}`;
          const st = await fsp.lstat(join(b, p));
          if (e.isDirectory()) {
            out.push(`${p}/ ${st.mode}`);
            await walk(p);
          } else out.push(`${p} ${st.mode} ${sha('sha256', await fsp.readFile(join(b, p)))}`);
        }
      };
      await walk('');
      return out;
    };
    const before = await snapshot();
    expect((await verify(b)).outcome).toBe('VALID');
    await verifyBundleDirectory(b, {});
    expect(await snapshot()).toEqual(before);
  });
});

// Rules a reader checks that other test files prove, each with the test that proves it (the title is checked to
// exist, so a renamed or deleted test shows up here).
const ELSEWHERE: Array<[rule: string, file: string, title: string]> = [
  ['manifest at most 256 MiB; JSON nesting depth 64', 'tests/verify/verify-bundle.test.ts', 'is manifest.malformed-json when nested deeper than the parser allows'],
  ['Readers MUST NOT ignore or strip unknown members of signed content', 'tests/model/parse-manifest.test.ts', 'rejects an unknown member rather than stripping it'],
  ['cross-field rules: one finding per member at fault', 'tests/model/check-manifest.test.ts', 'gives one finding per unknown member, pointing at the member'],
  ['derivation: no cycle, checked in time and memory linear in the items', 'tests/model/derivation.test.ts', 'finds a cycle closed at the far end of a long chain'],
  ['no two paths equal after case folding', 'tests/bagit/validate-bag.test.ts', 'case-fold collision of two files'],
  ['path rules for every path of the bag: no .., absolute, drive letter, backslash, NUL, empty segment, not NFC', 'tests/bagit/validate-bag.test.ts', 'unsafe path in a manifest: %s'],
  ['FIFOs, sockets and devices are errors', 'tests/bagit/validate-bag.test.ts', 'FIFO, socket or device'],
  ['custody lines are LF-terminated, within the line limit', 'tests/custody/verify-custody-log.test.ts', 'counts a last line without its LF against the line limit'],
  ["a custody event's kid and role MUST be its actor's", 'tests/custody/verify-custody-log.test.ts', 'reports an event signed by a key that is not its actor'],
  ['custody header members, every variant', 'tests/custody/verify-custody-log.test.ts', 'a protected header that is not a custody-event header is malformed'],
  ['bundle signature header members, every variant', 'tests/sign/protected-header.test.ts', 'refuses a header with %s'],
  ["a trusted JWK's own alg, use and key_ops are enforced", 'tests/sign/sign-verify.test.ts', 'own alg, use and key_ops, and its type'],
  ['RSA keys of at least 2048 bits', 'tests/sign/sign-verify.test.ts', 'refuses RSA keys under 2048 bits, to sign and to verify'],
  ['a signing certificate: not a CA, an extendedKeyUsage that allows signing documents', 'tests/x509/verify-chain.test.ts', 'a leaf that signs documents (documentSigner)'],
  ['writers refuse paths that cannot be created on Windows', 'tests/path/bundle-path.test.ts', 'assertWritablePath refuses'],
  ['a journal that lists anything but replaceable tag files is refused', 'tests/node/commit-tag-files.test.ts', 'never lets a journal in the bundle replace a payload file'],
];

describe('docs/format.md MUSTs proven elsewhere', () => {
  it.each(ELSEWHERE)('%s: %s', (_rule, file, title) => {
    const path = join(REPO_ROOT, file);
    expect(existsSync(path)).toBe(true);
    expect(readFileSync(path, 'utf8')).toContain(title);
  });
});
