// The cross-border scenario of the README, end to end, through the `evb` command line (the public API only).
// Viet Nam answers a mutual-legal-assistance request from Algeria under the UN Convention against Cybercrime:
// its forensic institute packs and seals the evidence, its central authority certifies the bundle with a
// certificate from Viet Nam's (test) national root, the evidence is handed over and Algeria records its receipt.
// Algeria verifies under its own trust policy: VALID with the custody timeline; the same bundle sent as one ZIP
// file verifies VALID as it arrived; the subscriber records travel as a compact CBOR bundle, VALID; a ZIP or a
// directory with one altered byte is INVALID, the item named; a copy whose custody log lost an event is INVALID;
// a bundle from an unknown signer is INDETERMINATE. Viet Nam withholds a third party's data from a format 1.2 copy;
// Algeria verifies it VALID with the withheld item listed, and passes a proof of the chat export alone to a third
// State, which verifies it.
// Everything is written to a fresh temporary directory (or the one named by EVB_DEMO_DIR).
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { crc32 } from 'node:zlib';
import { main } from '../../src/cli/main.js';
import { createNationalPki } from './national-pki.js';

const here = import.meta.dirname;
const work = process.env.EVB_DEMO_DIR ?? (await fsp.mkdtemp(join(tmpdir(), 'evb-demo-')));
await fsp.mkdir(work, { recursive: true });
const at = (name: string): string => join(work, name);

const bold = (t: string): string => (process.stdout.isTTY ? `\x1b[1m${t}\x1b[0m` : t);
const short = (p: string): string => (p.startsWith('/') && !p.startsWith(work) ? relative(process.cwd(), p) || '.' : p.replaceAll(work, '$DEMO'));
const quote = (a: string): string => (/[\s"'()]/.test(a) ? `"${a}"` : a);

async function evb(title: string, args: string[], expected: number): Promise<string> {
  if (title !== '') console.log(`\n${bold(`== ${title}`)}`);
  console.log(`$ evb ${args.map((a) => quote(short(a))).join(' ')}`);
  let out = '';
  const code = await main(args, {
    stdout: (t) => {
      out += t;
      process.stdout.write(t.replaceAll(work, '$DEMO'));
    },
    stderr: (t) => process.stderr.write(t.replaceAll(work, '$DEMO')),
    stderrIsTTY: false,
    cwd: process.cwd(),
  });
  console.log(`(exit ${code})`);
  if (code !== expected) throw new Error(`demo: expected exit ${expected} from "evb ${args[0]}", got ${code}`);
  return out;
}

const readJson = async (path: string) => JSON.parse(await fsp.readFile(path, 'utf8')) as Record<string, unknown>;
const writeJson = (path: string, value: unknown) => fsp.writeFile(path, JSON.stringify(value, null, 2) + '\n');

console.log(bold('evidence-bundle demo: Viet Nam answers a request from Algeria'));
console.log(`working directory: $DEMO = ${work}`);

// --- Keys and the national PKI -------------------------------------------------------------------------------
const examinerKey = at('vn-forensics.jwk');
const authorityKey = at('vn-central-authority.jwk');
const algeriaKey = at('dz-central-authority.jwk');
await evb('Viet Nam: the forensic institute creates its signing key', ['keygen', '--out', examinerKey], 0);
await evb("Viet Nam: the central authority's key", ['keygen', '--alg', 'ES256', '--out', authorityKey], 0);
await evb("Algeria: the central authority's key (for its custody records)", ['keygen', '--out', algeriaKey], 0);

const { root, leaf } = await createNationalPki(await readJson(at('vn-central-authority.pub.jwk')), {
  country: 'VN',
  organisation: 'Ministry of Public Security',
  root: 'Viet Nam Evidence Signing Root CA (demo)',
  leaf: "Supreme People's Procuracy, central authority",
});
await fsp.writeFile(at('vn-root.pem'), root.pem);
await fsp.writeFile(at('vn-central-authority.pem'), leaf.pem);
console.log(`\n${bold("== Viet Nam: its national root CA (a test one, made for the demo) certifies the central authority's key")}`);
console.log('wrote $DEMO/vn-root.pem (the root, sent to Algeria beforehand) and $DEMO/vn-central-authority.pem');

// --- Viet Nam packs, signs, seals, hands over -----------------------------------------------------------------
const bundle = at('VN-A05-2026-0917.bundle');
await evb(
  'Viet Nam: pack the evidence with its legal basis, signed by the forensic institute as packager',
  ['pack', '--spec', join(here, 'case.json'), '--out', bundle, '--alg', 'sha512', '--sign', `packager=${examinerKey}`, '--quiet'],
  0,
);
await evb(
  'Viet Nam: the central authority certifies the bundle, with its certificate (x5c)',
  ['sign', bundle, '--key', authorityKey, '--role', 'certifier', '--cert', at('vn-central-authority.pem')],
  0,
);
const institute = ['--name', 'Nguyen Van An', '--role', 'forensic examiner', '--organisation', 'Institute of Forensic Science, Ministry of Public Security', '--country', 'VN'];
await evb(
  'Viet Nam: the forensic institute seals the evidence (custody event 1)',
  ['custody', 'append', bundle, 'sealed', '--key', examinerKey, ...institute, '--place', 'Ha Noi, forensic laboratory', '--purpose', 'sealed for transmission under request DZ-MLA-2026-114', '--seal', 'VN-SEAL-0917:applied'],
  0,
);
const algeriaKid = String((await readJson(at('dz-central-authority.pub.jwk')))['kid']);
await writeJson(at('dz-central-authority.party.json'), {
  name: 'Karim Benali',
  role: 'central authority officer',
  organisation: 'Ministry of Justice, Algeria',
  country: 'DZ',
  kid: algeriaKid,
});
await evb(
  'Viet Nam: hands the sealed evidence over to Algeria (custody event 2)',
  ['custody', 'transfer', bundle, '--key', examinerKey, ...institute, '--to', at('dz-central-authority.party.json'), '--place', 'Embassy of Algeria, Ha Noi', '--purpose', 'execution of request DZ-MLA-2026-114', '--seal', 'VN-SEAL-0917:intact'],
  0,
);
await evb(
  'Algeria: records the receipt with its own key (custody event 3)',
  ['custody', 'receive', bundle, '--key', algeriaKey, '--name', 'Karim Benali', '--role', 'central authority officer', '--organisation', 'Ministry of Justice, Algeria', '--country', 'DZ', '--place', 'Algiers, Ministry of Justice', '--purpose', 'receipt of evidence for case DZ-MLA-2026-114', '--seal', 'VN-SEAL-0917:intact'],
  0,
);

// --- Algeria's trust policy: its own decision of whom it trusts -------------------------------------------------
const policy = at('algeria-policy.json');
await evb("Algeria: its trust policy for evidence from Viet Nam", ['trust', 'init', '--out', policy, '--name', 'Algeria: incoming electronic evidence', '--country', 'DZ', '--authority', 'Ministry of Justice, central authority'], 0);
await evb('', ['trust', 'add', policy, '--id', 'vn-forensics', '--name', 'Institute of Forensic Science (VN)', '--country', 'VN', '--role', 'packager', '--role', 'custodian', '--jwk', at('vn-forensics.pub.jwk')], 0);
await evb('', ['trust', 'add', policy, '--id', 'vn-national-root', '--name', 'Viet Nam evidence signing PKI', '--country', 'VN', '--role', 'certifier', '--cert', at('vn-root.pem')], 0);
await evb('', ['trust', 'add', policy, '--id', 'dz-central-authority', '--name', 'Ministry of Justice (DZ)', '--country', 'DZ', '--role', 'custodian', '--jwk', at('dz-central-authority.pub.jwk')], 0);
await evb('', ['trust', 'require', policy, '--id', 'sender-certifier', '--role', 'certifier', '--country', 'sender'], 0);
await evb(
  "Algeria: its legal rules (instruments it applies, requests it makes, retention its law allows)",
  ['trust', 'legal', policy, '--instrument', 'un-cybercrime-convention', '--instrument', 'bilateral-treaty', '--request-kind', 'mla-request', '--requesting-country', 'owner', '--max-retention-days', '3650', '--speciality', 'true'],
  0,
);

// --- Algeria verifies ------------------------------------------------------------------------------------------
await evb('Algeria: what did we receive?', ['inspect', bundle], 0);
await evb('Algeria: verify under its policy -> VALID, with the custody timeline', ['verify', bundle, '--policy', policy, '--quiet'], 0);

// --- Algeria's forensic tools take the bundle in as CASE/UCO -----------------------------------------------------
await evb("Algeria: export it as CASE/UCO JSON-LD for its case-management tools", ['export', 'case', bundle, '--out', at('VN-A05-2026-0917.jsonld')], 0);

// --- The bundle travels as one file ----------------------------------------------------------------------------
// Custody was recorded on the directory; the conversion keeps every file byte-identical, so signatures and custody
// stay valid and Algeria verifies the archive as it arrived, without extracting it.
const zip = at('VN-A05-2026-0917.zip');
await evb('Viet Nam: sends the bundle as one ZIP file', ['convert', bundle, zip], 0);
await evb('Algeria: verify the ZIP directly under its policy -> VALID, with the custody timeline', ['verify', zip, '--policy', policy, '--quiet'], 0);

// The subscriber records, wanted early by the requesting court, travel as their own small bundle in compact CBOR.
const subscriberSpec = at('subscriber-records.spec.json');
const demoCase = await readJson(join(here, 'case.json'));
const subscriberItem = (demoCase['items'] as Array<Record<string, unknown>>).find((i) => i['id'] === 'subscriber-records')!;
await writeJson(subscriberSpec, {
  metadata: demoCase['metadata'],
  items: [{ ...subscriberItem, source: join(here, String(subscriberItem['source'])) }],
});
const subscriberDir = at('VN-A05-2026-0917-subscriber.bundle');
const subscriberCbor = at('VN-A05-2026-0917-subscriber.cbor');
await evb(
  'Viet Nam: the subscriber records packed as their own bundle, signed by packager and certifier',
  ['pack', '--spec', subscriberSpec, '--out', subscriberDir, '--sign', `packager=${examinerKey}`, '--quiet'],
  0,
);
await evb('', ['sign', subscriberDir, '--key', authorityKey, '--role', 'certifier', '--cert', at('vn-central-authority.pem')], 0);
await evb('Viet Nam: converts it to the compact CBOR form', ['convert', subscriberDir, subscriberCbor], 0);
console.log(`(${short(subscriberCbor)}: ${(await fsp.stat(subscriberCbor)).size} bytes)`);
await evb('Algeria: verify the CBOR bundle under its policy -> VALID', ['verify', subscriberCbor, '--policy', policy, '--quiet'], 0);

// --- Privacy by construction: Viet Nam withholds a third party's data (format 1.2, selective disclosure) ----------
// Packed with --selective-disclosure, the signed manifest commits to each item (salted leaves of a Merkle tree)
// instead of listing it. One of the subscriber records is a third party's, outside the request: Viet Nam sends a
// copy without it. The signatures stay valid, the withholding is a signed custody event, and Algeria learns that
// the item was withheld, why and by whom, and nothing else about it.
const selective = at('VN-A05-2026-0917-sd.bundle');
await evb(
  'Viet Nam: packs the same evidence in format 1.2 (selective disclosure), packager and certifier signatures',
  ['pack', '--spec', join(here, 'case.json'), '--out', selective, '--selective-disclosure', '--sign', `packager=${examinerKey}`, '--quiet'],
  0,
);
await evb('', ['sign', selective, '--key', authorityKey, '--role', 'certifier', '--cert', at('vn-central-authority.pem')], 0);
await evb('', ['custody', 'append', selective, 'sealed', '--key', examinerKey, ...institute, '--place', 'Ha Noi, forensic laboratory', '--purpose', 'sealed for transmission under request DZ-MLA-2026-114', '--seal', 'VN-SEAL-0918:applied'], 0);
const sent = at('VN-A05-2026-0917-for-DZ.zip');
await evb(
  "Viet Nam: withholds the subscriber records (a third party's data) from what it sends, as a signed custody event",
  ['redact', selective, '--withhold', 'subscriber-records', '--reason', 'the records concern a third party who is not named in the request', '--legal-basis', 'Law on Mutual Legal Assistance in Criminal Matters 2007, Article 21', '--out', sent, '--key', examinerKey, ...institute, '--place', 'Ha Noi, Ministry of Public Security'],
  0,
);
const withheldReport = await evb('Algeria: verify what it received -> VALID, the withheld item listed with its reason and nothing else', ['verify', sent, '--policy', policy, '--quiet'], 0);
if (!withheldReport.includes('withheld') || !withheldReport.includes('third party')) throw new Error('demo: the report does not list the withheld item with its reason');
const chatProof = at('chat-export.proof.json');
await evb('Algeria: passes the chat export alone to a third State, with its proof against the signed root', ['prove', sent, '--item', 'chat-export', '--out', chatProof], 0);
const thirdPolicy = at('third-state-policy.json');
await evb('The third State: its own trust policy (it trusts Viet Nam\'s forensic institute and national root)', ['trust', 'init', '--out', thirdPolicy, '--name', 'Third State: incoming evidence', '--country', 'FR', '--authority', 'Ministry of Justice, central authority'], 0);
await evb('', ['trust', 'add', thirdPolicy, '--id', 'vn-forensics', '--name', 'Institute of Forensic Science (VN)', '--country', 'VN', '--role', 'packager', '--jwk', at('vn-forensics.pub.jwk')], 0);
await evb('', ['trust', 'add', thirdPolicy, '--id', 'vn-national-root', '--name', 'Viet Nam evidence signing PKI', '--country', 'VN', '--role', 'certifier', '--cert', at('vn-root.pem')], 0);
await evb('The third State: verifies the chat export alone -> VALID', ['verify-proof', chatProof, '--policy', thirdPolicy], 0);

// A copy of the ZIP with one byte of the server log changed in transit, its CRC-32 fixed as a forger would, so
// that the archive is sound and the item's digest is what catches it.
const tamperedZip = at('tampered-byte.zip');
await fsp.writeFile(tamperedZip, alterZipEntry(await fsp.readFile(zip), 'data/logs/access.log', 100));
console.log(`\n(one byte of data/logs/access.log flipped inside a copy of the ZIP, CRC-32 recomputed: ${short(tamperedZip)})`);
const altered = await evb('Algeria: verify the altered ZIP -> INVALID, the item named', ['verify', tamperedZip, '--policy', policy, '--quiet'], 1);
// Exit 1 alone would also follow from a CRC the archive check caught: the point is that the digest names the item.
if (!/item\.digest-mismatch .*item access-log/.test(altered) || /\[[x!]\] zip\./.test(altered)) {
  throw new Error('demo: the altered ZIP was not caught by the digest of item access-log alone');
}

// A copy in which one byte of the server log was changed in transit.
const tampered = at('tampered-byte.bundle');
await fsp.cp(bundle, tampered, { recursive: true });
const log = join(tampered, 'data', 'logs', 'access.log');
await fsp.chmod(log, 0o644);
const bytes = await fsp.readFile(log);
bytes[100] = bytes[100]! ^ 0x01;
await fsp.writeFile(log, bytes);
console.log(`\n(one byte of data/logs/access.log flipped in a copy: ${short(tampered)})`);
await evb('Algeria: verify the altered copy -> INVALID, with the exact finding', ['verify', tampered, '--policy', policy, '--quiet'], 1);

// A copy whose custody log lost its handover, the BagIt tag manifests recomputed to hide it.
const cut = at('tampered-custody.bundle');
await fsp.cp(bundle, cut, { recursive: true });
await removeCustodyEvent(cut, 2);
console.log(`\n(custody event 2, the handover, removed from a copy and its tag manifests recomputed: ${short(cut)})`);
await evb('Algeria: verify it -> INVALID, the broken custody chain named', ['verify', cut, '--policy', policy, '--quiet'], 1);

// A clean bundle signed by a key nobody gave Algeria.
const strangerKey = at('unknown-signer.jwk');
await evb('A third party packs the same evidence and signs it with its own key', ['keygen', '--out', strangerKey], 0);
const unknown = at('unknown-signer.bundle');
await evb('', ['pack', '--spec', join(here, 'case.json'), '--out', unknown, '--sign', `certifier=${strangerKey}`, '--quiet'], 0);
await evb('Algeria: verify it -> INDETERMINATE (intact, but no signer its policy trusts)', ['verify', unknown, '--policy', policy, '--quiet'], 2);

console.log(`\n${bold('Demo complete.')} Bundles are in ${work}`);

// The offline verifier page, for a person to try the same bundles in a browser (README, "The verifier page").
const built = join(here, '..', '..', 'dist', 'verifier.html');
const pageFile = await fsp.access(built).then(() => built, async () => (await (await import('../../scripts/build-page.js')).buildPage(at('verifier.html'))).file);
console.log(`\n${bold('Try it in a browser, offline:')} open ${pageFile}`);
console.log(`  bundle: ${zip} (or ${subscriberCbor}, or the folder ${bundle}; tampered-byte.zip is INVALID)`);
console.log(`  trust:  ${policy}`);

/** Drops one line of the custody log and rewrites every tag manifest's line for it, as a forger would. */
async function removeCustodyEvent(dir: string, seq: number): Promise<void> {
  const logPath = join(dir, 'evidence', 'custody.jsonl');
  const lines = (await fsp.readFile(logPath, 'utf8')).split('\n').filter((l) => l !== '');
  lines.splice(seq - 1, 1);
  const next = Buffer.from(lines.map((l) => `${l}\n`).join(''));
  await fsp.chmod(logPath, 0o644);
  await fsp.writeFile(logPath, next);
  for (const name of await fsp.readdir(dir)) {
    const m = /^tagmanifest-(sha256|sha512)\.txt$/.exec(name);
    if (m === null) continue;
    const path = join(dir, name);
    const digest = createHash(m[1]!).update(next).digest('hex');
    const text = (await fsp.readFile(path, 'utf8')).replace(/^[0-9a-f]+(\s+evidence\/custody\.jsonl)$/m, `${digest}$1`);
    await fsp.chmod(path, 0o644);
    await fsp.writeFile(path, text);
  }
}

/**
 * Flips one byte of a stored entry's data and writes its CRC-32 again wherever the archive keeps it (the local
 * header, unless a data descriptor carries it; the data descriptor; the central directory), as a forger would.
 * Small archives only: no ZIP64, no archive comment.
 */
function alterZipEntry(archive: Buffer, name: string, at: number): Buffer {
  const zip = Buffer.from(archive);
  const eocd = zip.length - 22;
  if (zip.readUInt32LE(eocd) !== 0x06054b50) throw new Error('demo: not a small ZIP without comment');
  let central = zip.readUInt32LE(eocd + 16);
  for (let n = zip.readUInt16LE(eocd + 10); n > 0; n--) {
    const nameLength = zip.readUInt16LE(central + 28);
    const next = central + 46 + nameLength + zip.readUInt16LE(central + 30) + zip.readUInt16LE(central + 32);
    if (zip.toString('utf8', central + 46, central + 46 + nameLength) === name) {
      const local = zip.readUInt32LE(central + 42);
      const size = zip.readUInt32LE(central + 20);
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      zip[start + at] = zip[start + at]! ^ 0x01;
      const crc = crc32(zip.subarray(start, start + size));
      zip.writeUInt32LE(crc, central + 16);
      if ((zip.readUInt16LE(local + 6) & 0x08) === 0) zip.writeUInt32LE(crc, local + 14);
      else zip.writeUInt32LE(crc, start + size + (zip.readUInt32LE(start + size) === 0x08074b50 ? 4 : 0));
      return zip;
    }
    central = next;
  }
  throw new Error(`demo: no entry ${name} in the ZIP`);
}
