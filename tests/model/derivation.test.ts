import { describe, expect, it } from 'vitest';
import { checkManifest } from '../../src/model/check-manifest.js';
import { smallManifest } from './helpers.js';

/** A manifest whose items form one derivation chain: item i derives from item i - 1. */
function chain(length: number): any {
  const m = smallManifest();
  const template = m.items[0];
  m.items = Array.from({ length }, (_, i) => ({
    ...template,
    id: `i${i}`,
    path: `chain/${i}.bin`,
    ...(i > 0 ? { derivedFrom: [{ item: `i${i - 1}`, method: 'converted' }] } : {}),
  }));
  return m;
}

describe('derivation rules on long chains', () => {
  it('accepts a chain of 50,000 derivations without exhausting the stack', () => {
    expect(checkManifest(chain(50_000)).findings).toEqual([]);
  });

  it('finds a cycle closed at the far end of a long chain', () => {
    const m = chain(50_000);
    m.items[0].derivedFrom = [{ item: 'i49999', method: 'converted' }];
    const { findings } = checkManifest(m);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.path).toMatch(/^evidence\/manifest\.json#\/items\/\d+\/derivedFrom\/0\/item$/);
  });

  it('accepts a diamond (two items derived from one, a third from both)', () => {
    const m = chain(4);
    m.items[2].derivedFrom = [{ item: 'i0', method: 'split' }];
    m.items[3].derivedFrom = [
      { item: 'i1', method: 'merged' },
      { item: 'i2', method: 'merged' },
    ];
    expect(checkManifest(m).findings).toEqual([]);
  });
});
