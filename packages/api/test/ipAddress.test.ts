import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AddressParseError,
  compareIps,
  formatIp,
  formatIpv4,
  formatIpv6,
  parseIp,
  parseIpv4,
  parseIpv6,
  tryParseIp,
} from '@knsim/api';

const SEED = 20240611;

describe('IPv4', () => {
  it.each([
    ['0.0.0.0', 0],
    ['10.0.0.1', 0x0a000001],
    ['192.168.1.255', 0xc0a801ff],
    ['255.255.255.255', 0xffffffff],
  ])('parses %s', (text, value) => {
    expect(parseIpv4(text)).toBe(value);
    expect(formatIpv4(value)).toBe(text);
  });

  it.each([
    '',
    '1.2.3',
    '1.2.3.4.5',
    '256.0.0.1',
    '1.2.3.',
    '.1.2.3',
    '1..2.3',
    'a.b.c.d',
    '1.2.3.4 ',
    '01.2.3.4',
    '1.2.3.-4',
  ])('rejects %j', (text) => expect(parseIpv4(text)).toBeUndefined());

  it('reads leading zeros as decimal only in legacy mode', () => {
    expect(parseIpv4('010.002.003.004')).toBeUndefined();
    expect(parseIpv4('010.002.003.004', { legacy: true })).toBe(parseIpv4('10.2.3.4'));
  });

  it(`round-trips every uint32 (seed ${SEED})`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (value) => parseIpv4(formatIpv4(value)) === value),
      { seed: SEED, numRuns: 2000 },
    );
  });
});

describe('IPv6', () => {
  it.each([
    ['::', 0n, '::'],
    ['::1', 1n, '::1'],
    ['2001:db8::', 0x20010db8n << 96n, '2001:db8::'],
    ['2001:DB8:0:0:1:0:0:1', 0x20010db8_00000000_00010000_00000001n, '2001:db8::1:0:0:1'],
    ['fe80::1:2', (0xfe80n << 112n) | 0x10002n, 'fe80::1:2'],
    ['1:2:3:4:5:6:7::', 0x0001_0002_0003_0004_0005_0006_0007_0000n, '1:2:3:4:5:6:7:0'],
    ['::ffff:1.2.3.4', 0xffff_01020304n, '::ffff:1.2.3.4'],
    ['64:ff9b::10.0.0.1', (0x64ff9bn << 96n) | 0x0a000001n, '64:ff9b::a00:1'],
  ])('parses %s', (text, value, canonical) => {
    expect(parseIpv6(text)).toBe(value);
    expect(formatIpv6(value)).toBe(canonical);
  });

  it.each([
    '',
    ':',
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '12345::',
    'g::1',
    '1:2:3:4:5:6:7',
    'fe80::1%eth0',
    '::1.2.3',
  ])('rejects %j', (text) => expect(parseIpv6(text)).toBeUndefined());

  it('compresses the longest zero run, the first on a tie, never a single group', () => {
    expect(formatIpv6(parseIpv6('1:0:0:2:0:0:0:3') as bigint)).toBe('1:0:0:2::3');
    expect(formatIpv6(parseIpv6('1:0:0:2:0:0:3:4') as bigint)).toBe('1::2:0:0:3:4');
    expect(formatIpv6(parseIpv6('1:0:2:3:4:5:6:7') as bigint)).toBe('1:0:2:3:4:5:6:7');
  });

  it(`round-trips every 128-bit value (seed ${SEED})`, () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
        (value) => parseIpv6(formatIpv6(value)) === value,
      ),
      { seed: SEED, numRuns: 2000 },
    );
  });
});

describe('parseIp', () => {
  it('tells the families apart', () => {
    expect(parseIp('10.1.2.3')).toEqual({ family: 'IPv4', value: 0x0a010203 });
    expect(parseIp('fd00::1')).toEqual({ family: 'IPv6', value: (0xfd00n << 112n) | 1n });
  });

  it('rejects IPv4-mapped IPv6 unless legacy', () => {
    expect(tryParseIp('::ffff:10.0.0.1')).toBeUndefined();
    expect(tryParseIp('::ffff:10.0.0.1', { legacy: true })?.family).toBe('IPv6');
  });

  it.each([
    ['', 'must not be empty'],
    ['1.2.3.04', 'must not have leading zeros'],
    ['fe80::1%eth0', 'must not have a zone identifier'],
    ['::ffff:1.2.3.4', 'must not be an IPv4-mapped IPv6 address'],
    ['banana', 'must be a valid IP address (e.g. 10.9.8.7 or 2001:db8::ffff)'],
  ])('explains why %j is not an address', (text, reason) => {
    expect(() => parseIp(text)).toThrow(AddressParseError);
    expect(() => parseIp(text)).toThrow(`invalid address ${JSON.stringify(text)}: ${reason}`);
  });

  it('formats and orders', () => {
    const addresses = ['fd00::2', '10.0.0.2', 'fd00::1', '10.0.0.1'].map((text) => parseIp(text));
    expect(addresses.sort(compareIps).map(formatIp)).toEqual(['10.0.0.1', '10.0.0.2', 'fd00::1', 'fd00::2']);
  });
});
