import { appendCustodyEvent } from '../../src/node/index.js';
import { keyPair, packDemo } from './bundle-fixture.js';

/**
 * The demo's story as a bundle: the demo case packed with SHA-512 and BLAKE3 besides SHA-256, signed by the
 * packager, sealed by the examiner, handed over to Algeria and received there (custody events 1 to 3).
 */
export async function packDemoWithCustody(dir: string): Promise<string> {
  const examiner = await keyPair();
  const algeria = await keyPair();
  const bundle = await packDemo(dir, { packager: examiner, algorithms: ['sha512', 'blake3'] });
  const institute = { name: 'Nguyen Van An', role: 'forensic examiner', organisation: 'Institute of Forensic Science', country: 'VN' };
  const officer = { name: 'Karim Benali', role: 'central authority officer', organisation: 'Ministry of Justice, Algeria', country: 'DZ' };
  await appendCustodyEvent(
    bundle,
    { type: 'sealed', actor: institute, items: 'all', place: 'Ha Noi, forensic laboratory', purpose: 'sealed for transmission', seals: [{ id: 'VN-SEAL-0917', condition: 'applied' }], time: '2026-10-06T10:00:00Z' } as never,
    examiner.signer,
  );
  const { seq } = await appendCustodyEvent(
    bundle,
    { type: 'transferred', actor: institute, items: 'all', place: 'Embassy of Algeria, Ha Noi', purpose: 'execution of request', counterparty: { ...officer, kid: algeria.kid }, time: '2026-10-07T10:00:00Z' } as never,
    examiner.signer,
  );
  await appendCustodyEvent(
    bundle,
    { type: 'received', actor: officer, items: 'all', place: 'Algiers, Ministry of Justice', purpose: 'receipt', answers: seq, counterparty: { ...institute, kid: examiner.kid }, time: '2026-10-08T10:00:00Z' } as never,
    algeria.signer,
  );
  return bundle;
}
