import type { Hash64 } from './xxHash64.js';

/**
 * A 128-bit SipHash key as four unsigned 32-bit words: key[0] = (k0Hi, k0Lo), key[1] = (k1Hi, k1Lo).
 *
 * @example
 * ```ts
 * // IPVS mh's first key: both halves 2654435761.
 * const key: SipHashKey = { k0Hi: 0, k0Lo: 2654435761, k1Hi: 0, k1Lo: 2654435761 };
 * ```
 */
export interface SipHashKey {
  readonly k0Hi: number;
  readonly k0Lo: number;
  readonly k1Hi: number;
  readonly k1Lo: number;
}

// The SipHash state v0..v3 in 32-bit halves: module-private so a hash allocates nothing.
let v0h = 0;
let v0l = 0;
let v1h = 0;
let v1l = 0;
let v2h = 0;
let v2l = 0;
let v3h = 0;
let v3l = 0;

function init(key: SipHashKey): void {
  // "somepseudorandomlygeneratedbytes"
  v0h = (0x736f6d65 ^ key.k0Hi) >>> 0;
  v0l = (0x70736575 ^ key.k0Lo) >>> 0;
  v1h = (0x646f7261 ^ key.k1Hi) >>> 0;
  v1l = (0x6e646f6d ^ key.k1Lo) >>> 0;
  v2h = (0x6c796765 ^ key.k0Hi) >>> 0;
  v2l = (0x6e657261 ^ key.k0Lo) >>> 0;
  v3h = (0x74656462 ^ key.k1Hi) >>> 0;
  v3l = (0x79746573 ^ key.k1Lo) >>> 0;
}

function sipRound(): void {
  let lo: number;
  let hi: number;
  let t: number;
  // v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32)
  lo = v0l + v1l;
  v0h = (v0h + v1h + (lo > 0xffffffff ? 1 : 0)) >>> 0;
  v0l = lo >>> 0;
  hi = ((v1h << 13) | (v1l >>> 19)) >>> 0;
  v1l = ((v1l << 13) | (v1h >>> 19)) >>> 0;
  v1h = hi;
  v1h = (v1h ^ v0h) >>> 0;
  v1l = (v1l ^ v0l) >>> 0;
  t = v0h;
  v0h = v0l;
  v0l = t;
  // v2 += v3; v3 = rotl(v3, 16); v3 ^= v2
  lo = v2l + v3l;
  v2h = (v2h + v3h + (lo > 0xffffffff ? 1 : 0)) >>> 0;
  v2l = lo >>> 0;
  hi = ((v3h << 16) | (v3l >>> 16)) >>> 0;
  v3l = ((v3l << 16) | (v3h >>> 16)) >>> 0;
  v3h = hi;
  v3h = (v3h ^ v2h) >>> 0;
  v3l = (v3l ^ v2l) >>> 0;
  // v0 += v3; v3 = rotl(v3, 21); v3 ^= v0
  lo = v0l + v3l;
  v0h = (v0h + v3h + (lo > 0xffffffff ? 1 : 0)) >>> 0;
  v0l = lo >>> 0;
  hi = ((v3h << 21) | (v3l >>> 11)) >>> 0;
  v3l = ((v3l << 21) | (v3h >>> 11)) >>> 0;
  v3h = hi;
  v3h = (v3h ^ v0h) >>> 0;
  v3l = (v3l ^ v0l) >>> 0;
  // v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)
  lo = v2l + v1l;
  v2h = (v2h + v1h + (lo > 0xffffffff ? 1 : 0)) >>> 0;
  v2l = lo >>> 0;
  hi = ((v1h << 17) | (v1l >>> 15)) >>> 0;
  v1l = ((v1l << 17) | (v1h >>> 15)) >>> 0;
  v1h = hi;
  v1h = (v1h ^ v2h) >>> 0;
  v1l = (v1l ^ v2l) >>> 0;
  t = v2h;
  v2h = v2l;
  v2l = t;
}

function compress(mHi: number, mLo: number, rounds: number): void {
  v3h = (v3h ^ mHi) >>> 0;
  v3l = (v3l ^ mLo) >>> 0;
  for (let r = 0; r < rounds; r++) sipRound();
  v0h = (v0h ^ mHi) >>> 0;
  v0l = (v0l ^ mLo) >>> 0;
}

function finish(rounds: number, out: Hash64): Hash64 {
  v2l = (v2l ^ 0xff) >>> 0;
  for (let r = 0; r < rounds; r++) sipRound();
  out.hi = (v0h ^ v1h ^ v2h ^ v3h) >>> 0;
  out.lo = (v0l ^ v1l ^ v2l ^ v3l) >>> 0;
  return out;
}

function read32(bytes: Uint8Array, at: number): number {
  return (
    ((bytes[at] as number) |
      ((bytes[at + 1] as number) << 8) |
      ((bytes[at + 2] as number) << 16) |
      ((bytes[at + 3] as number) << 24)) >>>
    0
  );
}

/**
 * SipHash-c-d (Aumasson and Bernstein) of `bytes` under `key`, written into `out`: `compression`
 * rounds per 8-byte word and `finalization` rounds at the end (SipHash-2-4 is the standard
 * variant; the kernel's `hsiphash` on 64-bit machines is SipHash-1-3).
 *
 * @example
 * ```ts
 * const key = { k0Hi: 0x07060504, k0Lo: 0x03020100, k1Hi: 0x0f0e0d0c, k1Lo: 0x0b0a0908 };
 * sipHash(new Uint8Array(0), key, 2, 4, { hi: 0, lo: 0 }); // { hi: 0x726fdb47, lo: 0xdd0e0e31 }
 * ```
 */
export function sipHash(
  bytes: Uint8Array,
  key: SipHashKey,
  compression: number,
  finalization: number,
  out: Hash64,
): Hash64 {
  init(key);
  const length = bytes.length;
  const end = length - (length % 8);
  for (let at = 0; at < end; at += 8) compress(read32(bytes, at + 4), read32(bytes, at), compression);
  // The last word holds the remaining bytes little-endian and the length in its top byte.
  let tailHi = ((length & 0xff) << 24) >>> 0;
  let tailLo = 0;
  for (let i = length - 1; i >= end; i--) {
    const byte = bytes[i] as number;
    const shift = (i - end) * 8;
    if (shift >= 32) tailHi = (tailHi | (byte << (shift - 32))) >>> 0;
    else tailLo = (tailLo | (byte << shift)) >>> 0;
  }
  compress(tailHi, tailLo, compression);
  return finish(finalization, out);
}

const result: Hash64 = { hi: 0, lo: 0 };

/**
 * The kernel's `hsiphash(&v, 4, key)` for one 32-bit value on a 64-bit little-endian machine
 * (SipHash-1-3, truncated to the low 32 bits), as IPVS's Maglev scheduler uses it. Allocation-free.
 *
 * @example
 * ```ts
 * const key = { k0Hi: 0, k0Lo: 2654435761, k1Hi: 0, k1Lo: 2654435761 };
 * hsiphash32(0x0a000001 + 80, key); // the offset hash of destination 10.0.0.1:80 before `% 4093`
 * ```
 */
export function hsiphash32(value: number, key: SipHashKey): number {
  init(key);
  // Four bytes: no full word; the tail word is the value with the length (4) in its top byte.
  compress(0x04000000, value >>> 0, 1);
  return finish(3, result).lo;
}
