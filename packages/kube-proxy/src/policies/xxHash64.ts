/**
 * A 64-bit hash value as two unsigned 32-bit halves. Hot paths reuse one of these instead of
 * allocating a bigint per hash.
 *
 * @example
 * ```ts
 * const out: Hash64 = { hi: 0, lo: 0 };
 * xxHash64Into('10.244.3.7', 0, out); // out.hi * 2 ** 32 + out.lo is the hash
 * ```
 */
export interface Hash64 {
  hi: number;
  lo: number;
}

// xxHash64's primes, split into 32-bit halves.
const P1_HI = 0x9e3779b1;
const P1_LO = 0x85ebca87;
const P2_HI = 0xc2b2ae3d;
const P2_LO = 0x27d4eb4f;
const P3_HI = 0x165667b1;
const P3_LO = 0x9e3779f9;
const P4_HI = 0x85ebca77;
const P4_LO = 0xc2b2ae63;
const P5_HI = 0x27d4eb2f;
const P5_LO = 0x165667c5;
// 2^64 - P1, so that `seed - P1` is an addition.
const NEG_P1_HI = 0x61c8864e;
const NEG_P1_LO = 0x7a143579;

// The 64-bit helpers below return the low word and leave the high word here: module-private,
// so the hash runs on plain numbers with no allocation.
let high = 0;

function add64(aHi: number, aLo: number, bHi: number, bLo: number): number {
  const lo = aLo + bLo;
  high = (aHi + bHi + (lo > 0xffffffff ? 1 : 0)) >>> 0;
  return lo >>> 0;
}

// 64x64 -> low 64 bits, in 16-bit limbs so every partial product stays exact in a double.
function mul64(aHi: number, aLo: number, bHi: number, bLo: number): number {
  const a48 = aHi >>> 16;
  const a32 = aHi & 0xffff;
  const a16 = aLo >>> 16;
  const a00 = aLo & 0xffff;
  const b48 = bHi >>> 16;
  const b32 = bHi & 0xffff;
  const b16 = bLo >>> 16;
  const b00 = bLo & 0xffff;
  let c00 = a00 * b00;
  let c16 = c00 >>> 16;
  c00 &= 0xffff;
  c16 += a16 * b00;
  let c32 = c16 >>> 16;
  c16 &= 0xffff;
  c16 += a00 * b16;
  c32 += c16 >>> 16;
  c16 &= 0xffff;
  c32 += a32 * b00;
  let c48 = c32 >>> 16;
  c32 &= 0xffff;
  c32 += a16 * b16;
  c48 += c32 >>> 16;
  c32 &= 0xffff;
  c32 += a00 * b32;
  c48 += c32 >>> 16;
  c32 &= 0xffff;
  c48 += a48 * b00 + a32 * b16 + a16 * b32 + a00 * b48;
  c48 &= 0xffff;
  high = ((c48 << 16) | c32) >>> 0;
  return ((c16 << 16) | c00) >>> 0;
}

function rotl64(hi: number, lo: number, bits: number): number {
  if (bits === 32) {
    high = lo;
    return hi;
  }
  if (bits > 32) {
    const swap = hi;
    hi = lo;
    lo = swap;
    bits -= 32;
  }
  high = ((hi << bits) | (lo >>> (32 - bits))) >>> 0;
  return ((lo << bits) | (hi >>> (32 - bits))) >>> 0;
}

// round(acc, lane) = rotl(acc + lane * P2, 31) * P1
function round(accHi: number, accLo: number, laneHi: number, laneLo: number): number {
  let lo = mul64(laneHi, laneLo, P2_HI, P2_LO);
  lo = add64(accHi, accLo, high, lo);
  lo = rotl64(high, lo, 31);
  return mul64(high, lo, P1_HI, P1_LO);
}

// mergeRound(acc, v) = (acc ^ round(0, v)) * P1 + P4
function mergeRound(accHi: number, accLo: number, vHi: number, vLo: number): number {
  let lo = round(0, 0, vHi, vLo);
  const hi = (accHi ^ high) >>> 0;
  lo = (accLo ^ lo) >>> 0;
  lo = mul64(hi, lo, P1_HI, P1_LO);
  return add64(high, lo, P4_HI, P4_LO);
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
 * xxHash64 (XXH64) of the first `length` bytes of `bytes`, written into `out`. Bit-exact with the
 * reference implementation (Envoy's `HashUtil::xxHash64`); the test suite checks it against
 * vectors produced by libxxhash.
 *
 * @example
 * ```ts
 * const out = { hi: 0, lo: 0 };
 * xxHash64Bytes(new Uint8Array(0), 0, 0, out); // out = { hi: 0xef46db37, lo: 0x51d8e999 }
 * ```
 */
export function xxHash64Bytes(bytes: Uint8Array, length: number, seed: number, out: Hash64): Hash64 {
  // Seeds are small non-negative integers in practice (Envoy uses 0 and 1).
  const seedHi = Math.floor(seed / 0x100000000) >>> 0;
  const seedLo = seed >>> 0;
  let at = 0;
  let hHi: number;
  let hLo: number;
  if (length >= 32) {
    let v1Lo = add64(seedHi, seedLo, P1_HI, P1_LO);
    let v1Hi = high;
    v1Lo = add64(v1Hi, v1Lo, P2_HI, P2_LO);
    v1Hi = high;
    let v2Lo = add64(seedHi, seedLo, P2_HI, P2_LO);
    let v2Hi = high;
    let v3Hi = seedHi;
    let v3Lo = seedLo;
    let v4Lo = add64(seedHi, seedLo, NEG_P1_HI, NEG_P1_LO);
    let v4Hi = high;
    const limit = length - 32;
    while (at <= limit) {
      v1Lo = round(v1Hi, v1Lo, read32(bytes, at + 4), read32(bytes, at));
      v1Hi = high;
      v2Lo = round(v2Hi, v2Lo, read32(bytes, at + 12), read32(bytes, at + 8));
      v2Hi = high;
      v3Lo = round(v3Hi, v3Lo, read32(bytes, at + 20), read32(bytes, at + 16));
      v3Hi = high;
      v4Lo = round(v4Hi, v4Lo, read32(bytes, at + 28), read32(bytes, at + 24));
      v4Hi = high;
      at += 32;
    }
    hLo = rotl64(v1Hi, v1Lo, 1);
    hHi = high;
    let tLo = rotl64(v2Hi, v2Lo, 7);
    hLo = add64(hHi, hLo, high, tLo);
    hHi = high;
    tLo = rotl64(v3Hi, v3Lo, 12);
    hLo = add64(hHi, hLo, high, tLo);
    hHi = high;
    tLo = rotl64(v4Hi, v4Lo, 18);
    hLo = add64(hHi, hLo, high, tLo);
    hHi = high;
    hLo = mergeRound(hHi, hLo, v1Hi, v1Lo);
    hHi = high;
    hLo = mergeRound(hHi, hLo, v2Hi, v2Lo);
    hHi = high;
    hLo = mergeRound(hHi, hLo, v3Hi, v3Lo);
    hHi = high;
    hLo = mergeRound(hHi, hLo, v4Hi, v4Lo);
    hHi = high;
  } else {
    hLo = add64(seedHi, seedLo, P5_HI, P5_LO);
    hHi = high;
  }
  hLo = add64(hHi, hLo, Math.floor(length / 0x100000000) >>> 0, length >>> 0);
  hHi = high;
  while (at + 8 <= length) {
    const kLo = round(0, 0, read32(bytes, at + 4), read32(bytes, at));
    hHi = (hHi ^ high) >>> 0;
    hLo = (hLo ^ kLo) >>> 0;
    hLo = rotl64(hHi, hLo, 27);
    hLo = mul64(high, hLo, P1_HI, P1_LO);
    hLo = add64(high, hLo, P4_HI, P4_LO);
    hHi = high;
    at += 8;
  }
  if (at + 4 <= length) {
    const kLo = mul64(0, read32(bytes, at), P1_HI, P1_LO);
    hHi = (hHi ^ high) >>> 0;
    hLo = (hLo ^ kLo) >>> 0;
    hLo = rotl64(hHi, hLo, 23);
    hLo = mul64(high, hLo, P2_HI, P2_LO);
    hLo = add64(high, hLo, P3_HI, P3_LO);
    hHi = high;
    at += 4;
  }
  while (at < length) {
    const kLo = mul64(0, bytes[at] as number, P5_HI, P5_LO);
    hHi = (hHi ^ high) >>> 0;
    hLo = (hLo ^ kLo) >>> 0;
    hLo = rotl64(hHi, hLo, 11);
    hLo = mul64(high, hLo, P1_HI, P1_LO);
    hHi = high;
    at++;
  }
  // Avalanche: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32.
  hLo = (hLo ^ (hHi >>> 1)) >>> 0;
  hLo = mul64(hHi, hLo, P2_HI, P2_LO);
  hHi = high;
  hLo = (hLo ^ ((hHi << 3) | (hLo >>> 29))) >>> 0;
  hHi = (hHi ^ (hHi >>> 29)) >>> 0;
  hLo = mul64(hHi, hLo, P3_HI, P3_LO);
  hHi = high;
  out.hi = hHi;
  out.lo = (hLo ^ hHi) >>> 0;
  return out;
}

// Strings are hashed as UTF-8. ASCII (addresses, most keys) is copied into this scratch buffer;
// anything else goes through TextEncoder.
let scratch = new Uint8Array(256);
const encoder = new TextEncoder();

/**
 * xxHash64 of a string's UTF-8 bytes, written into `out` (no allocation for ASCII strings).
 *
 * @example
 * ```ts
 * const out = { hi: 0, lo: 0 };
 * xxHash64Into('10.0.0.1:80_0', 0, out); // the point Envoy's ring hash gives that host first
 * ```
 */
export function xxHash64Into(text: string, seed: number, out: Hash64): Hash64 {
  const length = text.length;
  let ascii = true;
  if (scratch.length < length) scratch = new Uint8Array(Math.max(length, scratch.length * 2));
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) {
      ascii = false;
      break;
    }
    scratch[i] = code;
  }
  if (ascii) return xxHash64Bytes(scratch, length, seed, out);
  const bytes = encoder.encode(text);
  return xxHash64Bytes(bytes, bytes.length, seed, out);
}

/**
 * xxHash64 of a string's UTF-8 bytes as a bigint (convenient, allocates; hot paths use
 * {@link xxHash64Into}).
 *
 * @example
 * ```ts
 * xxHash64(''); // 0xef46db3751d8e999n
 * xxHash64('10.0.0.1:80', 1); // the seed Envoy's Maglev uses for a host's skip
 * ```
 */
export function xxHash64(text: string, seed = 0): bigint {
  const out = xxHash64Into(text, seed, { hi: 0, lo: 0 });
  return (BigInt(out.hi) << 32n) | BigInt(out.lo);
}
