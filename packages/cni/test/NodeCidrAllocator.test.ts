import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCidr } from '@knsim/api';
import {
  IpamConfigError,
  NO_REMAINING_CIDRS_ERROR,
  NodeCidrAllocator,
  type NodeCidrAllocatorState,
  type NodeCidrResult,
} from '../src/index.js';

function ok(result: NodeCidrResult): { cidr: string; state: NodeCidrAllocatorState } {
  if (!result.ok) throw new Error(`expected a block, got: ${result.error}`);
  return result;
}

function allocateMany(
  allocator: NodeCidrAllocator,
  state: NodeCidrAllocatorState,
  count: number,
): { cidrs: string[]; state: NodeCidrAllocatorState } {
  const cidrs: string[] = [];
  for (let i = 0; i < count; i++) {
    const result = ok(allocator.allocateNext(state));
    cidrs.push(result.cidr);
    state = result.state;
  }
  return { cidrs, state };
}

describe('NodeCidrAllocator: configuration (NewCIDRSet, NewNodeIpamController)', () => {
  it.each([
    ['10.244.0.0/16', undefined, 24, 256],
    ['10.244.0.0/16', 26, 26, 1024],
    ['10.244.0.0/24', 24, 24, 1],
    ['10.0.0.0/8', undefined, 24, 65536],
    ['fd00:10:244::/56', undefined, 64, 256],
    ['fd00::/48', undefined, 64, 65536],
    ['fd00::/104', 120, 120, 65536],
  ])('%s with node mask %s: /%d blocks, %d of them', (cidr, nodeMaskSize, mask, max) => {
    const allocator = new NodeCidrAllocator(cidr, nodeMaskSize === undefined ? {} : { nodeMaskSize });
    expect(allocator.nodeMaskSize).toBe(mask);
    expect(allocator.maxCidrs).toBe(max);
  });

  it.each([
    [
      '10.244.0.0/16',
      8,
      'Controller: Invalid --cluster-cidr, mask size of cluster CIDR must be less than or equal to --node-cidr-mask-size configured for CIDR family',
    ],
    [
      '10.244.0.0/25',
      undefined,
      'Controller: Invalid --cluster-cidr, mask size of cluster CIDR must be less than or equal to --node-cidr-mask-size configured for CIDR family',
    ],
    ['fd00::/47', undefined, 'New CIDR set failed; the node CIDR size is too big'],
    ['fd00::/64', 96, 'New CIDR set failed; the node CIDR size is too big'],
    ['10.0.0.0/8', 33, 'node CIDR mask size 33 is not within 0-32'],
    ['10.0.0.0/8', 24.5, 'node CIDR mask size 24.5 is not within 0-32'],
  ])('rejects %s with node mask %s', (cidr, nodeMaskSize, message) => {
    const build = () => new NodeCidrAllocator(cidr, nodeMaskSize === undefined ? {} : { nodeMaskSize });
    expect(build).toThrow(IpamConfigError);
    expect(build).toThrow(message);
  });

  it('ignores host bits in the cluster CIDR and takes a parsed Cidr', () => {
    expect(new NodeCidrAllocator('10.244.7.9/16').clusterCidr.toString()).toBe('10.244.0.0/16');
    expect(new NodeCidrAllocator(parseCidr('10.96.0.0/12')).maxCidrs).toBe(4096);
  });
});

describe('NodeCidrAllocator: allocation (AllocateNext)', () => {
  const allocator = new NodeCidrAllocator('10.244.0.0/16');

  it('hands out 10.244.0.0/24, 10.244.1.0/24, ... in order', () => {
    const { cidrs, state } = allocateMany(allocator, allocator.initialState(), 4);
    expect(cidrs).toEqual(['10.244.0.0/24', '10.244.1.0/24', '10.244.2.0/24', '10.244.3.0/24']);
    expect(state.nextCandidate).toBe(4);
    expect(allocator.isAllocated(state, '10.244.2.0/24')).toBe(true);
    expect(allocator.isAllocated(state, '10.244.4.0/24')).toBe(false);
  });

  it('fails with the real text when every block is taken, leaving the state as it was', () => {
    const small = new NodeCidrAllocator('10.244.0.0/22');
    const { cidrs, state } = allocateMany(small, small.initialState(), 4);
    expect(cidrs.at(-1)).toBe('10.244.3.0/24');
    const result = small.allocateNext(state);
    expect(result).toEqual({ ok: false, reason: 'exhausted', error: NO_REMAINING_CIDRS_ERROR, state });
    expect(NO_REMAINING_CIDRS_ERROR).toBe(
      'CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range',
    );
  });

  it('reuses a released block only after the cursor wraps (round-robin)', () => {
    const small = new NodeCidrAllocator('10.244.0.0/22');
    let { state } = allocateMany(small, small.initialState(), 2); // .0 .1
    const released = ok(small.release(state, '10.244.0.0/24'));
    expect(released.state.nextCandidate).toBe(2); // release leaves the cursor alone
    state = released.state;
    const { cidrs, state: after } = allocateMany(small, state, 3);
    expect(cidrs).toEqual(['10.244.2.0/24', '10.244.3.0/24', '10.244.0.0/24']);
    expect(small.allocateNext(after).ok).toBe(false);
    // With everything taken but one block, the wrap finds it wherever the cursor is.
    const freed = ok(small.release(after, '10.244.2.0/24')).state;
    expect(ok(small.allocateNext(freed)).cidr).toBe('10.244.2.0/24');
  });

  it('allocates IPv6 /64 blocks from a /56', () => {
    const v6 = new NodeCidrAllocator('fd00:10:244::/56');
    const { cidrs } = allocateMany(v6, v6.initialState(), 3);
    expect(cidrs).toEqual(['fd00:10:244::/64', 'fd00:10:244:1::/64', 'fd00:10:244:2::/64']);
    const wide = new NodeCidrAllocator('fd00::/104', { nodeMaskSize: 120 });
    expect(allocateMany(wide, wide.initialState(), 2).cidrs).toEqual(['fd00::/120', 'fd00::100/120']);
    expect(wide.cidrAt(65535)).toBe('fd00::ff:ff00/120');
  });

  it('runs dual-stack as two independent allocators', () => {
    const v4 = new NodeCidrAllocator('10.244.0.0/16');
    const v6 = new NodeCidrAllocator('fd00:10:244::/56');
    let s4 = v4.initialState();
    let s6 = v6.initialState();
    const podCidrs: string[][] = [];
    for (let node = 0; node < 2; node++) {
      const a = ok(v4.allocateNext(s4));
      const b = ok(v6.allocateNext(s6));
      s4 = a.state;
      s6 = b.state;
      podCidrs.push([a.cidr, b.cidr]);
    }
    expect(podCidrs).toEqual([
      ['10.244.0.0/24', 'fd00:10:244::/64'],
      ['10.244.1.0/24', 'fd00:10:244:1::/64'],
    ]);
  });

  it('refuses a state that belongs to another allocator', () => {
    const other = new NodeCidrAllocator('10.245.0.0/16');
    expect(() => allocator.allocateNext(other.initialState())).toThrow(
      'used with the allocator of 10.244.0.0/16',
    );
    const finer = new NodeCidrAllocator('10.244.0.0/16', { nodeMaskSize: 25 });
    expect(() => allocator.allocateNext(finer.initialState())).toThrow('(/24)');
  });
});

describe('NodeCidrAllocator: occupy and release', () => {
  const allocator = new NodeCidrAllocator('10.244.0.0/16');
  const fresh = allocator.initialState();

  it('occupies blocks from manifests without moving the cursor', () => {
    let state = ok(allocator.occupy(fresh, '10.244.0.0/24')).state;
    state = ok(allocator.occupy(state, '10.244.2.0/24')).state;
    expect(state.nextCandidate).toBe(0);
    const { cidrs } = allocateMany(allocator, state, 2);
    expect(cidrs).toEqual(['10.244.1.0/24', '10.244.3.0/24']);
  });

  it('returns the canonical block and accepts host bits', () => {
    expect(ok(allocator.occupy(fresh, '10.244.9.17/24')).cidr).toBe('10.244.9.0/24');
    expect(ok(allocator.occupy(fresh, parseCidr('10.244.255.0/24'))).cidr).toBe('10.244.255.0/24');
  });

  it.each([
    ['10.245.0.0/24', 'outOfRange', 'cidr 10.245.0.0/24 is out the range of cluster cidr 10.244.0.0/16'],
    ['fd00::/64', 'outOfRange', 'cidr fd00::/64 is out the range of cluster cidr 10.244.0.0/16'],
    ['10.244.1.0/25', 'wrongSize', 'cidr 10.244.1.0/25 is not a /24 block of cluster cidr 10.244.0.0/16'],
    ['10.244.0.0/23', 'wrongSize', 'cidr 10.244.0.0/23 is not a /24 block of cluster cidr 10.244.0.0/16'],
    ['10.0.0.0/8', 'wrongSize', 'cidr 10.0.0.0/8 is not a /24 block of cluster cidr 10.244.0.0/16'],
    ['10.244.1.0', 'invalid', 'invalid CIDR "10.244.1.0": must be a CIDR with a prefix length'],
    ['10.244.300.0/24', 'invalid', 'invalid CIDR "10.244.300.0/24": must be a valid IP address'],
  ])('refuses to occupy or release %s (%s)', (cidr, reason, message) => {
    for (const result of [allocator.occupy(fresh, cidr), allocator.release(fresh, cidr)]) {
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.reason).toBe(reason);
      expect(result.error).toContain(message);
      expect(result.state).toBe(fresh);
    }
    expect(allocator.isAllocated(fresh, cidr)).toBe(false);
  });

  it('refuses to occupy a block that is already taken', () => {
    const state = ok(allocator.allocateNext(fresh)).state;
    expect(allocator.occupy(state, '10.244.0.0/24')).toEqual({
      ok: false,
      reason: 'taken',
      error: 'cidr 10.244.0.0/24 is already allocated',
      state,
    });
  });

  it('treats releasing a free block as a no-op', () => {
    const result = ok(allocator.release(fresh, '10.244.5.0/24'));
    expect(result.state).toBe(fresh);
    expect(result.cidr).toBe('10.244.5.0/24');
  });

  it('never changes the state it is given', () => {
    const state = Object.freeze({ ...allocateMany(allocator, fresh, 3).state });
    const before = JSON.stringify(state);
    allocator.allocateNext(state);
    allocator.occupy(state, '10.244.7.0/24');
    allocator.release(state, '10.244.1.0/24');
    expect(JSON.stringify(state)).toBe(before);
  });
});

type Op = { kind: 'allocate' } | { kind: 'release'; index: number } | { kind: 'occupy'; index: number };

describe('NodeCidrAllocator: properties', () => {
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 4, arbitrary: fc.constant({ kind: 'allocate' as const }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('release' as const), index: fc.nat(15) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('occupy' as const), index: fc.nat(15) }) },
  );

  it('matches a bitmap-and-cursor reference model for both families (seed 2027)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          ['10.244.0.0/20', 24],
          ['10.8.0.0/29', 30],
          ['fd00:10::/60', 64],
          ['fd00::/124', 128],
        ),
        fc.array(op, { maxLength: 200 }),
        ([cidr, nodeMaskSize], ops) => {
          const allocator = new NodeCidrAllocator(cidr as string, { nodeMaskSize: nodeMaskSize as number });
          const max = allocator.maxCidrs;
          const used = new Array<boolean>(max).fill(false);
          let cursor = 0;
          let state = allocator.initialState();
          for (const o of ops) {
            if (o.kind === 'allocate') {
              const result = allocator.allocateNext(state);
              const free = [...Array(max).keys()].map((i) => (cursor + i) % max).find((i) => !used[i]);
              if (free === undefined) {
                expect(result).toMatchObject({ ok: false, error: NO_REMAINING_CIDRS_ERROR });
              } else {
                expect(ok(result).cidr).toBe(allocator.cidrAt(free));
                used[free] = true;
                cursor = (free + 1) % max;
              }
              state = result.state;
            } else {
              const index = o.index % max;
              const block = allocator.cidrAt(index);
              const result =
                o.kind === 'release' ? allocator.release(state, block) : allocator.occupy(state, block);
              expect(result.ok).toBe(o.kind === 'release' || !used[index]);
              used[index] = o.kind === 'occupy';
              state = result.state;
            }
            expect(state.nextCandidate).toBe(cursor);
            expect(state.used.size).toBe(used.filter(Boolean).length);
            for (let i = 0; i < max; i++)
              expect(allocator.isAllocated(state, allocator.cidrAt(i))).toBe(used[i]);
          }
        },
      ),
      { seed: 2027, numRuns: 300 },
    );
  });
});
