import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIp, formatIpv6 } from '@knsim/api';
import { addressFromReverseName, reverseName } from '../src/index.js';

describe('reverseName', () => {
  it('reverses IPv4 octets under in-addr.arpa and all 32 IPv6 nibbles under ip6.arpa', () => {
    expect(reverseName('10.96.0.1')).toBe('1.0.96.10.in-addr.arpa.');
    expect(reverseName('2001:db8::1')).toBe(
      '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.',
    );
    expect(reverseName('not-an-ip')).toBeUndefined();
  });

  it('reads full reverse names back, case-insensitively, and nothing else', () => {
    expect(addressFromReverseName('1.0.96.10.IN-ADDR.ARPA.')).toBe('10.96.0.1');
    expect(
      addressFromReverseName('1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2.ip6.arpa.'),
    ).toBe('2001:db8::1');
    expect(addressFromReverseName('96.10.in-addr.arpa.')).toBeUndefined();
    expect(addressFromReverseName('1.0.96.010.in-addr.arpa.')).toBeUndefined();
    expect(addressFromReverseName('0.0.ip6.arpa.')).toBeUndefined();
    expect(addressFromReverseName('web.shop.svc.cluster.local.')).toBeUndefined();
  });

  it('round-trips every address (seed 4201)', () => {
    const ipv4 = fc.integer({ min: 0, max: 0xffff_ffff }).map((value) => formatIp({ family: 'IPv4', value }));
    // IPv4-mapped addresses are not addresses in Kubernetes fields (tryParseIp refuses them).
    const ipv6 = fc
      .bigInt({ min: 0n, max: (1n << 128n) - 1n })
      .filter((value) => value >> 32n !== 0xffffn)
      .map(formatIpv6);
    fc.assert(
      fc.property(fc.oneof(ipv4, ipv6), (ip) => {
        expect(addressFromReverseName(reverseName(ip) as string)).toBe(ip);
      }),
      { seed: 4201, numRuns: 500 },
    );
  });
});
