import { describe, expect, it } from 'vitest';
import { compileIpBlock, formatAddressRange, partitionAddressSpace } from '../src/index.js';

describe('partitionAddressSpace', () => {
  it('given no range, then the family space is one piece', () => {
    expect(partitionAddressSpace([], 'IPv4').map(formatAddressRange)).toEqual(['0.0.0.0-255.255.255.255']);
    expect(partitionAddressSpace([], 'IPv6').map(formatAddressRange)).toEqual([
      '::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
    ]);
  });

  it('given ipBlocks, then the space is cut at every edge of every block', () => {
    const ranges = [
      ...compileIpBlock({ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }).ranges(),
      ...compileIpBlock({ cidr: '0.0.0.0/0' }).ranges(),
    ];
    expect(partitionAddressSpace(ranges, 'IPv4').map(formatAddressRange)).toEqual([
      '0.0.0.0-9.255.255.255',
      '10.0.0.0-10.0.255.255',
      '10.1.0.0-10.1.255.255',
      '10.2.0.0-10.255.255.255',
      '11.0.0.0-255.255.255.255',
    ]);
  });

  it('given blocks of another family, then they do not cut this one', () => {
    const ranges = compileIpBlock({ cidr: '2001:db8::/32' }).ranges();
    expect(partitionAddressSpace(ranges, 'IPv4')).toHaveLength(1);
    expect(partitionAddressSpace(ranges, 'IPv6').map(formatAddressRange)).toEqual([
      '::-2001:db7:ffff:ffff:ffff:ffff:ffff:ffff',
      '2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff',
      '2001:db9::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
    ]);
  });
});
