// Child process of tests/node/pack-in-place.test.ts: packs the directory in place and prints "at STEP" when it
// reaches the step given, then waits there to be killed.
import { packInPlace } from '../../src/node/pack-in-place.js';
import { demoCase } from '../helpers/bundle-fixture.js';

const [root, step] = process.argv.slice(2);
const { metadata } = await demoCase();
await packInPlace(root!, { metadata }, {
  step: (s) => {
    if (s !== step) return undefined;
    process.stdout.write(`at ${s}\n`);
    return new Promise<void>(() => setInterval(() => undefined, 1000));
  },
});
