import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AddressParseError,
  cidrContains,
  cidrContainsCidr,
  describeBadCidr,
  formatIpv4,
  formatIpv6,
  Ipv4Cidr,
  parseCidr,
  parseIp,
  parseIpv4,
  parseIpv4Cidr,
  parseIpv6Cidr,
} from '@knsim/api';

const SEED = 424242;

describe('parseCidr', () => {
  it.each([
    ['10.244.0.0/16', 'IPv4', 16, '10.244.0.0/16'],
    ['0.0.0.0/0', 'IPv4', 0, '0.0.0.0/0'],
    ['10.0.0.1/32', 'IPv4', 32, '10.0.0.1/32'],
    ['fd00:10:244::/56', 'IPv6', 56, 'fd00:10:244::/56'],
    ['::/0', 'IPv6', 0, '::/0'],
    ['2001:DB8::/32', 'IPv6', 32, '2001:db8::/32'],
  ])('parses %s', (text, family, prefixLength, canonical) => {
    const cidr = parseCidr(text);
    expect(cidr.family).toBe(family);
    expect(cidr.prefixLength).toBe(prefixLength);
    expect(cidr.toString()).toBe(canonical);
  });

  it.each([
    ['10.0.0.0', 'must be a CIDR with a prefix length (e.g. 10.9.8.0/24 or 2001:db8::/64)'],
    ['10.0.0.0/33', 'prefix length must be a number within 0-32'],
    ['fd00::/129', 'prefix length must be a number within 0-128'],
    ['10.0.0.0/x', 'prefix length must be a number within 0-32'],
    ['10.0.0.0/08', 'prefix length must not have leading zeros'],
    ['10.0.0.5/24', 'must not have bits set beyond the prefix length (use 10.0.0.0/24)'],
    ['fd00::1/64', 'must not have bits set beyond the prefix length (use fd00::/64)'],
    ['10.0.0.256/24', 'must be a valid IP address (e.g. 10.9.8.7 or 2001:db8::ffff)'],
  ])('rejects %s', (text, reason) => {
    expect(describeBadCidr(text)).toBe(reason);
    expect(() => parseCidr(text)).toThrow(AddressParseError);
  });

  it('masks host bits when asked (legacy fields such as ipBlock.cidr)', () => {
    expect(parseCidr('10.0.0.5/24', { allowHostBits: true }).toString()).toBe('10.0.0.0/24');
    expect(parseCidr('fd00::1/64', { allowHostBits: true }).toString()).toBe('fd00::/64');
  });

  it('narrows to one family', () => {
    expect(parseIpv4Cidr('10.0.0.0/8').size).toBe(2 ** 24);
    expect(parseIpv6Cidr('fd00::/64').size).toBe(1n << 64n);
    expect(() => parseIpv4Cidr('fd00::/64')).toThrow('must be an IPv4 CIDR');
    expect(() => parseIpv6Cidr('10.0.0.0/8')).toThrow('must be an IPv6 CIDR');
  });
});

describe('Ipv4Cidr', () => {
  const cidr = parseIpv4Cidr('10.244.0.0/16');

  it('has size, first and last', () => {
    expect(cidr.size).toBe(65536);
    expect(formatIpv4(cidr.first)).toBe('10.244.0.0');
    expect(formatIpv4(cidr.last)).toBe('10.244.255.255');
    expect(parseIpv4Cidr('0.0.0.0/0').size).toBe(2 ** 32);
  });

  it('contains, indexes and counts from the end', () => {
    expect(cidr.contains(parseIpv4('10.244.3.7') as number)).toBe(true);
    expect(cidr.contains(parseIpv4('10.245.0.0') as number)).toBe(false);
    expect(cidr.contains(parseIpv4('10.243.255.255') as number)).toBe(false);
    expect(formatIpv4(cidr.nth(258))).toBe('10.244.1.2');
    expect(formatIpv4(cidr.nth(-1))).toBe('10.244.255.255');
    expect(cidr.indexOf(parseIpv4('10.244.1.2') as number)).toBe(258);
    expect(cidr.indexOf(parseIpv4('10.0.0.1') as number)).toBe(-1);
    expect(() => cidr.nth(65536)).toThrow(RangeError);
  });

  it('splits into node subnets', () => {
    expect(cidr.subnetCount(24)).toBe(256);
    expect(cidr.subnet(24, 0).toString()).toBe('10.244.0.0/24');
    expect(cidr.subnet(24, 5).toString()).toBe('10.244.5.0/24');
    expect(cidr.subnet(24, 255).toString()).toBe('10.244.255.0/24');
    expect(() => cidr.subnet(24, 256)).toThrow('subnet index 256 is outside 0-255 for /24');
    expect(() => cidr.subnet(8, 0)).toThrow('subnet prefix /8 must be within /16-/32');
  });

  it('iterates a range of addresses', () => {
    const small = parseIpv4Cidr('192.168.0.0/30');
    expect([...small.addresses()].map(formatIpv4)).toEqual([
      '192.168.0.0',
      '192.168.0.1',
      '192.168.0.2',
      '192.168.0.3',
    ]);
    expect([...small.addresses(1, 3)].map(formatIpv4)).toEqual(['192.168.0.1', '192.168.0.2']);
  });

  it('compares blocks', () => {
    expect(cidr.containsCidr(parseIpv4Cidr('10.244.8.0/24'))).toBe(true);
    expect(cidr.containsCidr(parseIpv4Cidr('10.0.0.0/8'))).toBe(false);
    expect(cidr.overlaps(parseIpv4Cidr('10.0.0.0/8'))).toBe(true);
    expect(cidr.overlaps(parseIpv4Cidr('10.245.0.0/16'))).toBe(false);
  });

  it('refuses a network with host bits', () => {
    expect(() => new Ipv4Cidr(parseIpv4('10.0.0.1') as number, 24)).toThrow(
      '10.0.0.1/24 has bits set beyond the prefix',
    );
  });

  it(`nth and indexOf are inverse, and subnets tile the block (seed ${SEED})`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 32 }),
        fc.nat(),
        (address, prefix, extra, seedIndex) => {
          const outer = parseCidr(`${formatIpv4(address)}/${prefix}`, { allowHostBits: true }) as Ipv4Cidr;
          const index = seedIndex % outer.size;
          const nth = outer.nth(index);
          if (outer.indexOf(nth) !== index || !outer.contains(nth)) return false;
          const subPrefix = Math.min(32, prefix + (extra % 9));
          const count = outer.subnetCount(subPrefix);
          const sub = outer.subnet(subPrefix, seedIndex % count);
          return outer.containsCidr(sub) && sub.size * count === outer.size;
        },
      ),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it(`parse(toString()) round-trips (seed ${SEED})`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 32 }),
        (address, prefix) => {
          const text = `${formatIpv4(address)}/${prefix}`;
          const cidr = parseCidr(text, { allowHostBits: true });
          return (
            parseCidr(cidr.toString()).toString() === cidr.toString() &&
            cidrContains(cidr, parseIp(formatIpv4(address)))
          );
        },
      ),
      { seed: SEED, numRuns: 1000 },
    );
  });
});

describe('Ipv6Cidr', () => {
  const cidr = parseIpv6Cidr('fd00:10:244::/56');

  it('contains, indexes and splits into /64 node subnets', () => {
    expect(cidr.subnetCount(64)).toBe(256n);
    expect(cidr.subnet(64, 3n).toString()).toBe('fd00:10:244:3::/64');
    expect(formatIpv6(cidr.nth(2n))).toBe('fd00:10:244::2');
    expect(cidr.indexOf(cidr.nth(1000n))).toBe(1000n);
    expect(cidr.indexOf(0n)).toBe(-1n);
    expect(formatIpv6(cidr.last)).toBe('fd00:10:244:ff:ffff:ffff:ffff:ffff');
    expect([...parseIpv6Cidr('fd00::/126').addresses()].map(formatIpv6)).toEqual([
      'fd00::',
      'fd00::1',
      'fd00::2',
      'fd00::3',
    ]);
  });

  it('keeps families apart', () => {
    expect(cidrContains(cidr, parseIp('10.0.0.1'))).toBe(false);
    expect(cidrContainsCidr(cidr, parseCidr('10.0.0.0/8'))).toBe(false);
    expect(cidrContainsCidr(cidr, parseCidr('fd00:10:244:1::/64'))).toBe(true);
  });

  it(`parse(toString()) round-trips (seed ${SEED})`, () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
        fc.integer({ min: 0, max: 128 }),
        (address, prefix) => {
          const cidr = parseCidr(`${formatIpv6(address)}/${prefix}`, { allowHostBits: true });
          return (
            cidr.family === 'IPv6' &&
            parseCidr(cidr.toString()).toString() === cidr.toString() &&
            cidr.contains(address) &&
            cidr.indexOf(address) === address - cidr.network
          );
        },
      ),
      { seed: SEED, numRuns: 1000 },
    );
  });
});
