import { parseIp } from '@knsim/api';
import { describe, expect, it } from 'vitest';
import { compileIpBlock } from '../src/index.js';

describe('compileIpBlock', () => {
  it('given cidr and except, then contains is cidr minus except and ranges list what remains', () => {
    const block = compileIpBlock({ cidr: '10.0.0.0/8', except: ['10.1.0.0/16', '10.2.0.0/16'] });
    expect(block.contains(parseIp('10.0.0.1'))).toBe(true);
    expect(block.contains(parseIp('10.1.2.3'))).toBe(false);
    expect(block.contains(parseIp('11.0.0.0'))).toBe(false);
    expect(block.ranges().map(({ first, last }) => [first, last])).toEqual([
      [0x0a000000n, 0x0a00ffffn],
      [0x0a030000n, 0x0affffffn],
    ]);
    expect(block.text).toBe('10.0.0.0/8 except 10.1.0.0/16, 10.2.0.0/16');
  });

  it('given an IPv6 block, then only IPv6 addresses can match', () => {
    const block = compileIpBlock({ cidr: 'fd00::/8' });
    expect(block.family).toBe('IPv6');
    expect(block.contains(parseIp('fd12::1'))).toBe(true);
    expect(block.contains(parseIp('10.0.0.1'))).toBe(false);
  });

  it('given host bits in the cidr, then they are masked as the API server parses it', () => {
    expect(compileIpBlock({ cidr: '10.1.2.3/8' }).contains(parseIp('10.200.0.1'))).toBe(true);
  });

  it('given a malformed cidr, then the block matches nothing', () => {
    const block = compileIpBlock({ cidr: 'not-a-cidr' });
    expect(block.contains(parseIp('10.0.0.1'))).toBe(false);
    expect(block.ranges()).toEqual([]);
  });
});
