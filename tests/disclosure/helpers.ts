import { filesSource, memorySink, packBundleTo, type PackSourceItem } from '../../src/index.js';
import { utf8Encode } from '../../src/internal/bytes.js';
import { demoCase, keyPair, type KeyPair } from '../helpers/bundle-fixture.js';

/** A small 1.2 bundle in memory: items a, b, c (text), signed by `packager`. */
export async function packSelective(options: { packager: KeyPair; items?: Array<[string, string, string]>; salts?: (i: number) => string }): Promise<Map<string, Uint8Array>> {
  const { metadata } = await demoCase();
  const list = options.items ?? [
    ['chat', 'chat/export.json', '{"messages":["hello"]}'],
    ['third-party', 'chat/third-party.json', '{"name":"Nguyen Van B","phone":"+84 90 555 0199"}'],
    ['subscriber', 'subscriber.csv', 'msisdn,name\n84905550100,Tran Thi A\n'],
  ];
  const items: PackSourceItem[] = list.map(([id, path, text]) => {
    const bytes = utf8Encode(text);
    return { id, path, mediaType: 'text/plain', size: bytes.length, data: [bytes], description: { en: `description of ${id}` } };
  });
  const sink = memorySink();
  await packBundleTo(sink, {
    metadata,
    items,
    signers: [{ signer: options.packager.signer, role: 'packager' }],
    createdAt: new Date('2026-10-06T09:00:00Z'),
    selectiveDisclosure: options.salts ? { salt: options.salts } : true,
  });
  return sink.files;
}

export { filesSource, keyPair };
