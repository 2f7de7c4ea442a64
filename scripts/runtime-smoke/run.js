// Runs smoke.js against the browser bundle of the core in a server-side runtime (Node, Bun or Deno):
//   <runtime> run.js <dir holding core.browser.js and case-metadata.json>
import { smoke } from './smoke.js';

const dir = (globalThis.Deno?.args ?? globalThis.process?.argv.slice(2))[0];
const base = new URL(`file://${dir.endsWith('/') ? dir : `${dir}/`}`);
const evb = await import(new URL('core.browser.js', base).href);
const metadata = await (await import(new URL('case-metadata.js', base).href)).default;
console.log(await smoke(evb, metadata));
