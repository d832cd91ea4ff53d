import { describe, expect, it } from 'vitest';
import { xxHash64, xxHash64Into } from '../../src/policies/xxHash64.js';

// Expected values computed with the reference library (libxxhash 0.8, XXH64) through ctypes.
const VECTORS: readonly (readonly [string, number, bigint])[] = [
  ['', 0, 0xef46db3751d8e999n],
  ['a', 0, 0xd24ec4f1a98c6e5bn],
  ['abc', 0, 0x44bc2cf5ad770999n],
  ['abcd', 0, 0xde0327b0d25d92ccn],
  ['abcdefgh', 0, 0x3ad351775b4634b7n],
  ['abcdefghijk', 0, 0x814e257441cf78e0n],
  ['10.0.0.1:80', 0, 0x011facba8043b217n],
  ['10.0.0.1:80', 1, 0xa456919bcbffaa92n],
  ['10.0.0.1:80_0', 0, 0x75041381e7371a08n],
  ['x'.repeat(31), 0, 0x60dd0d01083b99f0n],
  ['y'.repeat(32), 0, 0x64da1f1d3495ce66n],
  ['The quick brown fox jumps over the lazy dog', 0, 0x0b242d361fda71bcn],
  ['The quick brown fox jumps over the lazy dog', 1, 0xdf5091b6dad2c6dbn],
  ['z'.repeat(100), 7, 0x91bbf45690612575n],
  ['héllo wörld', 0, 0x60041bfec530413cn],
];

describe('xxHash64', () => {
  it.each(VECTORS)('matches libxxhash for %j (seed %d)', (text, seed, expected) => {
    expect(xxHash64(text, seed)).toBe(expected);
  });

  it('writes the same value into a reused Hash64', () => {
    const out = { hi: 0, lo: 0 };
    for (const [text, seed, expected] of VECTORS) {
      xxHash64Into(text, seed, out);
      expect((BigInt(out.hi) << 32n) | BigInt(out.lo)).toBe(expected);
    }
  });
});
