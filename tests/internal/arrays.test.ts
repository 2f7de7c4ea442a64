import { describe, expect, it } from 'vitest';
import { pushAll } from '../../src/internal/arrays.js';

describe('pushAll', () => {
  it('appends more elements than a call takes arguments (where push(...x) overflows the stack)', () => {
    const big = Array.from({ length: 1_000_000 }, (_, i) => i);
    expect(() => [].push(...(big as never[]))).toThrow(RangeError);
    const target = [-1];
    pushAll(target, big);
    expect(target).toHaveLength(1_000_001);
    expect(target[0]).toBe(-1);
    expect(target[1_000_000]).toBe(999_999);
  });

  it('takes any iterable, in order, and leaves the target alone for an empty one', () => {
    const target = ['a'];
    pushAll(target, new Set(['b', 'c']));
    pushAll(target, []);
    expect(target).toEqual(['a', 'b', 'c']);
  });
});
