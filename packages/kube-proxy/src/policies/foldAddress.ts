import { parseIpv4, parseIpv6, type IpParseOptions } from '@knsim/api';

// Passed explicitly so the hot path does not allocate parseIpv4's default options object.
const STRICT: IpParseOptions = {};

/**
 * An address folded to 32 bits the way IPVS's hashing schedulers do (`sh`, `dh`, `mh`): an IPv4
 * address is its host-order value, an IPv6 address the XOR of its four 32-bit words. Text that is
 * not an address (a test's symbolic name) falls back to its FNV-1a hash, so it still hashes
 * deterministically. Allocation-free for IPv4.
 *
 * @example
 * ```ts
 * foldAddress('10.0.0.1'); // 0x0a000001
 * foldAddress('fd00::1'); // 0xfd000000 ^ 1
 * ```
 */
export function foldAddress(text: string): number {
  const ipv4 = parseIpv4(text, STRICT);
  if (ipv4 !== undefined) return ipv4;
  if (text.includes(':')) {
    const ipv6 = parseIpv6(text);
    if (ipv6 !== undefined) {
      return (
        Number(
          (ipv6 >> 96n) ^
            ((ipv6 >> 64n) & 0xffffffffn) ^
            ((ipv6 >> 32n) & 0xffffffffn) ^
            (ipv6 & 0xffffffffn),
        ) >>> 0
      );
    }
  }
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/**
 * Splits a backend id `ip:port` (or `[ipv6]:port`) into its address and port; an id without a
 * port gets port 0.
 *
 * @example
 * ```ts
 * splitHostPort('10.244.1.4:8080'); // { host: '10.244.1.4', port: 8080 }
 * splitHostPort('[fd00::4]:8080'); // { host: 'fd00::4', port: 8080 }
 * ```
 */
export function splitHostPort(id: string): { host: string; port: number } {
  if (id.startsWith('[')) {
    const close = id.indexOf(']');
    if (close > 0) {
      const port = id.charCodeAt(close + 1) === 58 ? Number(id.slice(close + 2)) : 0;
      return { host: id.slice(1, close), port: Number.isInteger(port) ? port : 0 };
    }
  }
  const colon = id.lastIndexOf(':');
  // More than one colon without brackets is a bare IPv6 address, not host:port.
  if (colon < 0 || id.indexOf(':') !== colon) return { host: id, port: 0 };
  const port = Number(id.slice(colon + 1));
  return { host: id.slice(0, colon), port: Number.isInteger(port) && port >= 0 ? port : 0 };
}
