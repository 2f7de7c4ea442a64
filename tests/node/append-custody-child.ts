// Child process of the kill test (tests/node/append-custody-event.test.ts): appends custody events to a bundle
// (a directory, a ZIP or a CBOR file) in a loop until it is killed. Prints "ready" once loaded, then one line per
// committed event.
import { readFileSync } from 'node:fs';
import { createJwkSigner } from '../../src/index.js';
import { appendCustodyEvent } from '../../src/node/append-custody-event.js';

const [dir, keyFile] = process.argv.slice(2);
const signer = await createJwkSigner(JSON.parse(readFileSync(keyFile!, 'utf8')) as JsonWebKey);
const actor = { name: 'Kill Test', role: 'examiner', organisation: 'Lab', country: 'FR' as const };
process.stdout.write('ready\n');
for (;;) {
  const { seq } = await appendCustodyEvent(dir!, { type: 'accessed', actor, items: 'all', place: 'lab', purpose: 'kill test' }, signer);
  process.stdout.write(`${seq}\n`);
}
