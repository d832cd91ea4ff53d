import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Backend,
  buildMaglevTable,
  envoyMaglevPermutation,
  MaglevPolicy,
  RingHashPolicy,
  xxHash64,
} from '../../src/policies/index.js';
import { backendsOf, context, named } from './support.js';

// The paper's Table 1 (Eisenbud et al., NSDI 2016): M = 7.
const PAPER: Record<string, { offset: number; skip: number }> = {
  B1: { offset: 3, skip: 4 },
  B2: { offset: 0, skip: 2 },
  B3: { offset: 3, skip: 1 },
};
const paperPermutation = (backend: Backend) => PAPER[backend.id]!;

describe('Maglev', () => {
  it('reproduces the paper worked example and its B2 removal', () => {
    const maglev = new MaglevPolicy({ tableSize: 7, permutation: paperPermutation });
    const ids = (backends: readonly Backend[]) => maglev.lookupTable(backends).map((b) => b?.id);
    expect(ids(named('B1', 'B2', 'B3'))).toEqual(['B2', 'B1', 'B2', 'B1', 'B3', 'B3', 'B1']);
    expect(ids(named('B1', 'B3'))).toEqual(['B1', 'B1', 'B1', 'B1', 'B3', 'B3', 'B3']);
    // The table does not depend on list order (Envoy sorts hosts).
    expect(ids(named('B3', 'B1', 'B2'))).toEqual(['B2', 'B1', 'B2', 'B1', 'B3', 'B3', 'B1']);
  });

  it('buildMaglevTable is the paper pseudocode on raw entries', () => {
    const entries = Object.values(PAPER).map((p) => ({ ...p, weight: 1 }));
    expect(Array.from(buildMaglevTable(entries, 7))).toEqual([1, 0, 1, 0, 2, 2, 0]);
  });

  const SEED = 65537;
  it(`each of N backends gets floor or ceil of M/N slots (seed ${SEED})`, () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 65535 })), {
          minLength: 1,
          maxLength: 30,
          selector: ([a, p]) => `${a}:${p}`,
        }),
        fc.constantFrom(251, 1021, 65537),
        (addresses, tableSize) => {
          const backends = addresses.map(([a, p]) => ({ id: `10.1.${a}.7:${p}`, weight: 1 }));
          const maglev = new MaglevPolicy({ tableSize });
          const counts = new Map<string, number>();
          for (const backend of maglev.lookupTable(backends))
            counts.set(backend!.id, (counts.get(backend!.id) ?? 0) + 1);
          expect(counts.size).toBe(backends.length);
          for (const count of counts.values()) {
            expect(count).toBeGreaterThanOrEqual(Math.floor(tableSize / backends.length));
            expect(count).toBeLessThanOrEqual(Math.ceil(tableSize / backends.length));
          }
        },
      ),
      { seed: SEED, numRuns: 30 },
    );
  });

  it("uses Envoy's permutation: xxHash64 seeds 0 and 1", () => {
    const { offset, skip } = envoyMaglevPermutation({ id: '10.0.0.1:80', weight: 1 }, 65537);
    expect(offset).toBe(Number(0x011facba8043b217n % 65537n));
    expect(skip).toBe(Number(0xa456919bcbffaa92n % 65536n) + 1);
  });

  it('weights shape the share of slots, weight 0 takes none', () => {
    const maglev = new MaglevPolicy({ tableSize: 65537 });
    const backends = backendsOf(4, [3, 1, 0, 1]);
    const counts = new Map<string, number>();
    for (const backend of maglev.lookupTable(backends))
      counts.set(backend!.id, (counts.get(backend!.id) ?? 0) + 1);
    expect(counts.has('10.0.0.3:80')).toBe(false);
    expect((counts.get('10.0.0.1:80') ?? 0) / 65537).toBeCloseTo(0.6, 2);
    expect((counts.get('10.0.0.2:80') ?? 0) / 65537).toBeCloseTo(0.2, 2);
  });

  it('removing one of 10 backends remaps about 1/10 of keys, and hashes the key or the source', () => {
    const maglev = new MaglevPolicy({ tableSize: 65537 });
    const all = backendsOf(10);
    const fewer = all.slice(1);
    const keys = Array.from({ length: 5000 }, (_, i) => `user-${i}`);
    const before = keys.map((hashKey) => maglev.pick(all, { sourceIp: '10.244.0.2', hashKey, now: 0 })!.id);
    const after = keys.map((hashKey) => maglev.pick(fewer, { sourceIp: '10.244.0.2', hashKey, now: 0 })!.id);
    const moved = before.filter((id, i) => id !== after[i]).length / keys.length;
    const onRemoved = before.filter((id) => id === '10.0.0.1:80').length / keys.length;
    expect(moved).toBeGreaterThanOrEqual(onRemoved);
    expect(moved).toBeLessThan(0.15);
    // Without hashKey the source address is the key.
    expect(maglev.pick(all, context(0, '10.244.9.9'))).toBe(
      maglev.pick(all, { sourceIp: '10.244.9.9', hashKey: '10.244.9.9', now: 5 }),
    );
  });

  it('shares the table between instances given the same backend array', () => {
    const backends = backendsOf(3);
    const one = new MaglevPolicy({ tableSize: 251 });
    const two = new MaglevPolicy({ tableSize: 251 });
    expect(one.lookupTable(backends)).toEqual(two.lookupTable(backends));
    expect(one.pick(backends, context(0, '10.244.1.1'))).toBe(two.pick(backends, context(0, '10.244.1.1')));
  });
});

describe('ring hash', () => {
  it('sizes the ring like Envoy: ceil(minWeight * 1024) / minWeight points, capped at max', () => {
    const ring = new RingHashPolicy();
    expect(ring.ringSize(backendsOf(1))).toBe(1024);
    expect(ring.ringSize(backendsOf(2))).toBe(1024);
    expect(ring.ringSize(backendsOf(3))).toBe(1026);
    expect([...ring.pointsPerBackend(backendsOf(3)).values()]).toEqual([342, 342, 342]);
    expect(ring.ringSize(backendsOf(1000))).toBe(2000);
    // Weights 1 and 3: the lighter gets ceil(0.25 * 1024) = 256 points, the heavier 768.
    const weighted = ring.pointsPerBackend(backendsOf(2, [1, 3]));
    expect([weighted.get('10.0.0.1:80'), weighted.get('10.0.0.2:80')]).toEqual([256, 768]);
    // The maximum caps the scale.
    const capped = new RingHashPolicy({ minRingSize: 1024, maxRingSize: 2048 });
    expect(capped.ringSize(backendsOf(2, [1, 10_000]))).toBe(2048);
  });

  const SEED = 1024;
  it(`takes the first point at or after the key's hash, wrapping (seed ${SEED})`, () => {
    const backends = backendsOf(7);
    const ring = new RingHashPolicy({ minRingSize: 64 });
    // Reference ring from bigint hashes of "<id>_<i>", searched linearly.
    const points: [bigint, string][] = [];
    for (const [id, count] of ring.pointsPerBackend(backends)) {
      for (let i = 0; i < count; i++) points.push([xxHash64(`${id}_${i}`), id]);
    }
    points.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), (hashKey) => {
        const hash = xxHash64(hashKey);
        const expected = (points.find(([point]) => point >= hash) ?? points[0]!)[1];
        expect(ring.pick(backends, { sourceIp: '10.244.0.2', hashKey, now: 0 })?.id).toBe(expected);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('removing one of 10 backends remaps about 1/10 of keys (minimal disruption)', () => {
    const ring = new RingHashPolicy();
    const all = backendsOf(10);
    const fewer = all.filter((b) => b.id !== '10.0.0.4:80');
    const keys = Array.from({ length: 5000 }, (_, i) => `session-${i}`);
    const before = keys.map((hashKey) => ring.pick(all, { sourceIp: '10.244.0.2', hashKey, now: 0 })!.id);
    const after = keys.map((hashKey) => ring.pick(fewer, { sourceIp: '10.244.0.2', hashKey, now: 0 })!.id);
    const moved = before.filter((id, i) => id !== after[i]).length / keys.length;
    const onRemoved = before.filter((id) => id === '10.0.0.4:80').length / keys.length;
    expect(moved).toBeGreaterThanOrEqual(onRemoved);
    expect(moved).toBeLessThan(0.2);
    // Everything that was not on the removed backend mostly stays (Envoy rescales the points slightly).
    const stayed = before.filter((id, i) => id !== '10.0.0.4:80' && id === after[i]).length;
    expect(stayed / before.filter((id) => id !== '10.0.0.4:80').length).toBeGreaterThan(0.9);
  });

  it('spreads keys roughly evenly and skips weight 0', () => {
    const ring = new RingHashPolicy();
    const backends = backendsOf(4, [1, 1, 0, 1]);
    const counts = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const id = ring.pick(backends, { sourceIp: `10.244.${i >> 8}.${i & 255}`, now: 0 })!.id;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    expect(counts.has('10.0.0.3:80')).toBe(false);
    for (const count of counts.values()) expect(count).toBeGreaterThan(1500);
  });
});
