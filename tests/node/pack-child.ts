// Child process of tests/node/pack-interrupted.test.ts: packs the demo evidence and one larger file into the
// target, then prints "packed" or the error code; "copying" once the first bytes are copied. Run under a kill
// or a file-size limit by the test.
import { packBundle } from '../../src/node/pack-bundle.js';
import { demoCase } from '../helpers/bundle-fixture.js';

const [target, large] = process.argv.slice(2);
const { metadata, items } = await demoCase();
let copying = false;
const onProgress = (): void => {
  if (!copying) process.stdout.write('copying\n');
  copying = true;
};
try {
  const all = [...items, { ...items[0]!, id: 'large', path: 'large.bin', source: large!, mediaType: 'application/octet-stream' }];
  await packBundle(target!, { metadata, items: all, onProgress });
  process.stdout.write('packed\n');
} catch (error) {
  process.stdout.write(`${(error as { code?: string }).code ?? String(error)}\n`);
}
