import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIp, parseCidr, type Cidr } from '@knsim/api';
import {
  HostLocalIpam,
  IpamConfigError,
  NodeCidrAllocator,
  type HostLocalIpamState,
  type IpamResult,
} from '../src/index.js';

function ok(result: IpamResult): { ip: string; state: HostLocalIpamState } {
  if (!result.ok) throw new Error(`expected an address, got: ${result.error}`);
  return result;
}

/** Allocates for owners `prefix-0`, `prefix-1`, ...; returns the addresses and the final state. */
function allocateMany(
  ipam: HostLocalIpam,
  state: HostLocalIpamState,
  count: number,
  prefix = 'pod',
): { ips: string[]; state: HostLocalIpamState } {
  const ips: string[] = [];
  for (let i = 0; i < count; i++) {
    const result = ok(ipam.allocate(state, `${prefix}-${i}`));
    ips.push(result.ip);
    state = result.state;
  }
  return { ips, state };
}

const EXHAUSTED_24 =
  'failed to allocate for range 0: no IP addresses available in range set: 10.244.1.1-10.244.1.254';

describe('HostLocalIpam: range defaults (Range.Canonicalize)', () => {
  it.each([
    ['10.244.1.0/24', '10.244.1.1', '10.244.1.254', 253],
    ['10.0.0.0/30', '10.0.0.1', '10.0.0.2', 1],
    ['10.0.0.0/16', '10.0.0.1', '10.0.255.254', 65533],
    ['fd00:10:244:1::/64', 'fd00:10:244:1::1', 'fd00:10:244:1:ffff:ffff:ffff:ffff', 2 ** 64 - 2],
    ['fd00::/126', 'fd00::1', 'fd00::3', 2],
  ])('%s: range %s-%s (gateway = start), %d usable', (cidr, start, end, capacity) => {
    const ipam = new HostLocalIpam(cidr);
    expect(ipam.rangeStart).toBe(start);
    expect(ipam.rangeEnd).toBe(end);
    expect(ipam.gateway).toBe(start);
    expect(ipam.rangeSet).toBe(`${start}-${end}`);
    expect(ipam.capacity).toBe(capacity);
  });

  it.each([
    ['10.0.0.0/31', 'invalid range set 0: Network 10.0.0.0/31 too small to allocate from'],
    ['10.0.0.7/32', 'invalid range set 0: Network 10.0.0.7/32 too small to allocate from'],
    ['fd00::/127', 'invalid range set 0: Network fd00::/127 too small to allocate from'],
    ['fd00::1/128', 'invalid range set 0: Network fd00::1/128 too small to allocate from'],
  ])('rejects %s with the real text', (cidr, message) => {
    expect(() => new HostLocalIpam(cidr)).toThrow(IpamConfigError);
    expect(() => new HostLocalIpam(cidr)).toThrow(message);
  });

  it('ignores host bits in the podCIDR and takes a parsed Cidr', () => {
    expect(new HostLocalIpam('10.244.1.77/24').subnet.toString()).toBe('10.244.1.0/24');
    expect(new HostLocalIpam(parseCidr('10.244.2.0/24')).rangeSet).toBe('10.244.2.1-10.244.2.254');
  });
});

describe('HostLocalIpam: allocation (IPAllocator.Get, RangeIter)', () => {
  const ipam = new HostLocalIpam('10.244.1.0/24');
  const fresh = ipam.initialState();

  it('hands out .2, .3, .4 ... from a fresh range and records the last one', () => {
    const { ips, state } = allocateMany(ipam, fresh, 4);
    expect(ips).toEqual(['10.244.1.2', '10.244.1.3', '10.244.1.4', '10.244.1.5']);
    expect(state.lastReserved).toBe('10.244.1.5');
    expect(ipam.ipOf(state, 'pod-1')).toBe('10.244.1.3');
    expect(ipam.ownerOf(state, '10.244.1.4')).toBe('pod-2');
    expect(ipam.ownerOf(state, '10.244.1.99')).toBeUndefined();
  });

  it('does not reuse a released address before the walk wraps', () => {
    let { state } = allocateMany(ipam, fresh, 3); // .2 .3 .4
    const released = ipam.release(state, 'pod-0');
    expect(released.ip).toBe('10.244.1.2');
    expect(released.state.lastReserved).toBe('10.244.1.4'); // release leaves the cursor alone
    state = released.state;
    const next = ok(ipam.allocate(state, 'again'));
    expect(next.ip).toBe('10.244.1.5');
  });

  it('wraps past .254 to the start, skipping the gateway and held addresses', () => {
    let { state } = allocateMany(ipam, fresh, 253); // .2 ... .254
    expect(state.lastReserved).toBe('10.244.1.254');
    state = ipam.release(state, 'pod-8').state; // .10
    state = ipam.release(state, 'pod-1').state; // .3
    const first = ok(ipam.allocate(state, 'wrap-1'));
    expect(first.ip).toBe('10.244.1.3'); // .1 is the gateway, .2 is held
    const second = ok(ipam.allocate(first.state, 'wrap-2'));
    expect(second.ip).toBe('10.244.1.10');
    const full = ipam.allocate(second.state, 'wrap-3');
    expect(full).toEqual({ ok: false, reason: 'exhausted', error: EXHAUSTED_24, state: second.state });
  });

  it('starts again at .2 after a wrap when everything was released', () => {
    let { state } = allocateMany(ipam, fresh, 253);
    for (let i = 0; i < 253; i++) state = ipam.release(state, `pod-${i}`).state;
    expect(ok(ipam.allocate(state, 'after')).ip).toBe('10.244.1.2');
  });

  it('fails with the real text after 253 allocations in a /24, leaving the state as it was', () => {
    const { ips, state } = allocateMany(ipam, fresh, 253);
    expect(ips.at(0)).toBe('10.244.1.2');
    expect(ips.at(-1)).toBe('10.244.1.254');
    expect(new Set(ips).size).toBe(253);
    const result = ipam.allocate(state, 'one-too-many');
    expect(result).toEqual({ ok: false, reason: 'exhausted', error: EXHAUSTED_24, state });
    if (!result.ok) expect(result.state).toBe(state);
  });

  it('refuses a second address for the same owner', () => {
    const { state } = allocateMany(ipam, fresh, 1);
    expect(ipam.allocate(state, 'pod-0')).toMatchObject({
      ok: false,
      reason: 'duplicate',
      error:
        'failed to allocate for range 0: 10.244.1.2 has been allocated to pod-0, duplicate allocation is not allowed',
    });
  });

  it('gives a /30 exactly one address and an IPv6 /126 two (the all-ones address included)', () => {
    const small = new HostLocalIpam('10.0.0.0/30');
    const one = ok(small.allocate(small.initialState(), 'a'));
    expect(one.ip).toBe('10.0.0.2');
    expect(small.allocate(one.state, 'b')).toMatchObject({
      ok: false,
      error: 'failed to allocate for range 0: no IP addresses available in range set: 10.0.0.1-10.0.0.2',
    });
    const v6 = new HostLocalIpam('fd00::/126');
    const { ips, state } = allocateMany(v6, v6.initialState(), 2);
    expect(ips).toEqual(['fd00::2', 'fd00::3']);
    expect(v6.allocate(state, 'c')).toMatchObject({
      ok: false,
      error: 'failed to allocate for range 0: no IP addresses available in range set: fd00::1-fd00::3',
    });
  });

  it('allocates in an IPv6 /64 and names the range index in dual-stack errors', () => {
    const v6 = new HostLocalIpam('fd00:10:244:1::/64', { rangeIndex: 1 });
    const { ips, state } = allocateMany(v6, v6.initialState(), 3);
    expect(ips).toEqual(['fd00:10:244:1::2', 'fd00:10:244:1::3', 'fd00:10:244:1::4']);
    expect(v6.allocate(state, 'pod-0')).toMatchObject({
      error:
        'failed to allocate for range 1: fd00:10:244:1::2 has been allocated to pod-0, duplicate allocation is not allowed',
    });
  });

  it('never changes the state it is given', () => {
    const { state } = allocateMany(ipam, fresh, 5);
    const frozen = Object.freeze({ ...state });
    const before = JSON.stringify(frozen);
    ok(ipam.allocate(frozen, 'x'));
    ipam.release(frozen, 'pod-2');
    ipam.allocateIp(frozen, 'y', '10.244.1.100');
    ipam.allocateIp(frozen, 'z', '10.244.2.1');
    expect(JSON.stringify(frozen)).toBe(before);
    expect(ipam.release(frozen, 'nobody').state).toBe(frozen);
  });

  it('refuses a state that belongs to another range', () => {
    const other = new HostLocalIpam('10.244.2.0/24');
    expect(() => ipam.allocate(other.initialState(), 'a')).toThrow('used with the range of 10.244.1.0/24');
  });
});

describe('HostLocalIpam: requested addresses', () => {
  const ipam = new HostLocalIpam('10.244.1.0/24');
  const fresh = ipam.initialState();

  it('reserves the requested address and moves lastReserved to it', () => {
    const requested = ok(ipam.allocateIp(fresh, 'live/pod', '10.244.1.77'));
    expect(requested.ip).toBe('10.244.1.77');
    expect(requested.state.lastReserved).toBe('10.244.1.77');
    expect(ok(ipam.allocate(requested.state, 'next')).ip).toBe('10.244.1.78');
  });

  it('accepts any spelling of an IPv6 address and stores the canonical one', () => {
    const v6 = new HostLocalIpam('fd00:10:244:1::/64');
    const result = ok(v6.allocateIp(v6.initialState(), 'p', 'FD00:0010:0244:0001:0:0:0:00a'));
    expect(result.ip).toBe('fd00:10:244:1::a');
    expect(v6.ownerOf(result.state, 'fd00:10:244:1:0::a')).toBe('p');
  });

  it.each([
    [
      'the gateway',
      '10.244.1.1',
      'gateway',
      "failed to allocate for range 0: requested ip 10.244.1.1 is subnet's gateway",
    ],
    [
      'a taken address',
      '10.244.1.2',
      'unavailable',
      'failed to allocate for range 0: requested IP address 10.244.1.2 is not available in range set 10.244.1.1-10.244.1.254',
    ],
  ])('refuses %s with the real text and leaves the state alone', (_what, ip, reason, error) => {
    const held = ok(ipam.allocate(fresh, 'holder'));
    const result = ipam.allocateIp(held.state, 'requester', ip);
    expect(result).toEqual({ ok: false, reason, error, state: held.state });
  });

  it('refuses a request from an owner that already holds an address', () => {
    const held = ok(ipam.allocate(fresh, 'holder'));
    expect(ipam.allocateIp(held.state, 'holder', '10.244.1.50')).toMatchObject({
      ok: false,
      reason: 'duplicate',
      error:
        'failed to allocate for range 0: 10.244.1.2 has been allocated to holder, duplicate allocation is not allowed',
    });
  });

  it.each(['10.244.1.0', '10.244.1.255', '10.244.2.9', 'fd00::5'])(
    'refuses %s (outside the range) as cmdAdd does: allocate, release, fail, cursor moved',
    (ip) => {
      const held = ok(ipam.allocate(fresh, 'holder')); // .2
      const result = ipam.allocateIp(held.state, 'requester', ip);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.reason).toBe('notInRange');
      expect(result.error).toBe(`failed to allocate all requested IPs: ${ip}`);
      expect(result.state.lastReserved).toBe('10.244.1.3'); // the address it reserved and gave back
      expect(ipam.ipOf(result.state, 'requester')).toBeUndefined();
      expect(result.state.ownerByIp.size).toBe(1);
      expect(ok(ipam.allocate(result.state, 'next')).ip).toBe('10.244.1.4');
    },
  );

  it('reports exhaustion rather than the request when the out-of-range request meets a full range', () => {
    const { state } = allocateMany(ipam, fresh, 253);
    expect(ipam.allocateIp(state, 'late', '10.9.9.9')).toEqual({
      ok: false,
      reason: 'exhausted',
      error: EXHAUSTED_24,
      state,
    });
  });

  it('says which addresses are in the range', () => {
    expect(ipam.contains('10.244.1.1')).toBe(true);
    expect(ipam.contains('10.244.1.254')).toBe(true);
    expect(ipam.contains('10.244.1.0')).toBe(false);
    expect(ipam.contains('10.244.1.255')).toBe(false);
    expect(ipam.contains('fd00::1')).toBe(false);
  });
});

// A straightforward reference model: the range as an explicit list, the candidate order rebuilt
// from scratch on every allocation, exactly as RangeIter visits it.
class ReferenceIpam {
  readonly order: string[] = [];
  readonly gateway: string;
  readonly held = new Map<string, string>(); // owner -> ip
  last: string | undefined;

  constructor(readonly subnet: Cidr) {
    const size = Number(subnet.size);
    const ipv4 = subnet.family === 'IPv4';
    const end = ipv4 ? size - 2 : size - 1;
    for (let offset = 1; offset <= end; offset++) this.order.push(this.at(offset));
    this.gateway = this.at(1);
  }

  at(offset: number): string {
    return this.subnet.family === 'IPv4'
      ? formatIp({ family: 'IPv4', value: this.subnet.nth(offset) })
      : formatIp({ family: 'IPv6', value: this.subnet.nth(BigInt(offset)) });
  }

  allocate(owner: string): string | undefined {
    if (this.held.has(owner)) return undefined;
    const index = this.last === undefined ? -1 : this.order.indexOf(this.last);
    const candidates = [...this.order.slice(index + 1), ...this.order.slice(0, index + 1)];
    const taken = new Set(this.held.values());
    const ip = candidates.find((candidate) => candidate !== this.gateway && !taken.has(candidate));
    if (ip !== undefined) this.reserve(owner, ip);
    return ip;
  }

  request(owner: string, ip: string): string | undefined {
    if (!this.order.includes(ip)) {
      const got = this.allocate(owner);
      if (got !== undefined) this.held.delete(owner);
      return undefined;
    }
    if (ip === this.gateway || [...this.held.values()].includes(ip) || this.held.has(owner)) return undefined;
    this.reserve(owner, ip);
    return ip;
  }

  reserve(owner: string, ip: string): void {
    this.held.set(owner, ip);
    this.last = ip;
  }
}

type Op =
  | { kind: 'allocate'; owner: number }
  | { kind: 'release'; owner: number }
  | { kind: 'request'; owner: number; offset: number };

describe('HostLocalIpam: properties', () => {
  const subnets = [
    '10.244.1.0/30',
    '10.244.1.0/29',
    '10.244.1.16/28',
    '192.168.0.0/27',
    'fd00::/126',
    'fd00::40/124',
  ];
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('allocate' as const), owner: fc.nat(40) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('release' as const), owner: fc.nat(40) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('request' as const),
        owner: fc.nat(40),
        offset: fc.integer({ min: -2, max: 34 }),
      }),
    },
  );

  it('matches the reference model and never hands out a reserved, special or held address (seed 1013)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...subnets), fc.array(op, { maxLength: 250 }), (cidr, ops) => {
        const subnet = parseCidr(cidr);
        const ipam = new HostLocalIpam(subnet);
        const model = new ReferenceIpam(subnet);
        const network = model.at(0);
        const broadcast = subnet.family === 'IPv4' ? model.at(Number(subnet.size) - 1) : undefined;
        let state = ipam.initialState();
        for (const o of ops) {
          const owner = `ns/pod-${o.owner}`;
          if (o.kind === 'release') {
            const released = ipam.release(state, owner);
            expect(released.ip).toBe(model.held.get(owner));
            model.held.delete(owner);
            state = released.state;
            continue;
          }
          let result: IpamResult;
          let expected: string | undefined;
          if (o.kind === 'allocate') {
            result = ipam.allocate(state, owner);
            expected = model.allocate(owner);
          } else {
            // Offsets past either end of the subnet give addresses just outside it.
            const size = Number(subnet.size);
            const ip = o.offset >= 0 && o.offset < size ? model.at(o.offset) : bump(subnet, o.offset);
            result = ipam.allocateIp(state, owner, ip);
            expected = model.request(owner, ip);
          }
          expect(result.ok ? result.ip : undefined).toBe(expected);
          state = result.state;
          if (result.ok) {
            expect(result.ip).not.toBe(model.gateway);
            expect(result.ip).not.toBe(network);
            expect(result.ip).not.toBe(broadcast);
            expect(ipam.contains(result.ip)).toBe(true);
          }
          // The held addresses are exactly the model's, each held by one owner.
          expect(state.lastReserved ?? undefined).toBe(model.last);
          expect(state.ipByOwner.toJSON()).toEqual(Object.fromEntries([...model.held].sort()));
          expect(state.ownerByIp.size).toBe(model.held.size);
          expect(new Set(state.ipByOwner.values()).size).toBe(state.ipByOwner.size);
        }
      }),
      { seed: 1013, numRuns: 300 },
    );
  });
});

/** An address just outside `subnet`: before it for a negative offset, after it otherwise. */
function bump(subnet: Cidr, offset: number): string {
  if (subnet.family === 'IPv4') {
    const value = offset < 0 ? subnet.first + offset : subnet.last + (offset - subnet.size + 1);
    return formatIp({ family: 'IPv4', value });
  }
  const value = offset < 0 ? subnet.first + BigInt(offset) : subnet.last + BigInt(offset) - subnet.size + 1n;
  return formatIp({ family: 'IPv6', value });
}

describe('HostLocalIpam: scale', () => {
  it('allocates 60,000 addresses over 600 node ranges, each in O(1)', () => {
    const nodes = new NodeCidrAllocator('10.0.0.0/8');
    let nodeState = nodes.initialState();
    const seen = new Set<string>();
    let total = 0;
    for (let n = 0; n < 600; n++) {
      const block = nodes.allocateNext(nodeState);
      if (!block.ok) throw new Error(block.error);
      nodeState = block.state;
      const ipam = new HostLocalIpam(block.cidr);
      let state = ipam.initialState();
      for (let p = 0; p < 100; p++) {
        const result = ok(ipam.allocate(state, `ns/pod-${n}-${p}`));
        state = result.state;
        seen.add(result.ip);
        total++;
        // Churn: every tenth pod goes away again, so the cursor keeps skipping nothing.
        if (p % 10 === 9) state = ipam.release(state, `ns/pod-${n}-${p - 5}`).state;
      }
      expect(state.ipByOwner.size).toBe(90);
    }
    expect(total).toBe(60_000);
    expect(seen.size).toBe(60_000);
  });
});
