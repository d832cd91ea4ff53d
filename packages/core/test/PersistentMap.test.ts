import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PersistentMap } from '@knsim/core';

type Op = { kind: 'set'; key: string; value: number } | { kind: 'delete'; key: string };
// Short keys over a tiny alphabet make deep shared prefixes; many keys exercise every level.
const key = fc.oneof(
  fc.string({ maxLength: 3, unit: fc.constantFrom('a', 'b', 'c') }),
  fc.nat(5000).map((n) => `pod-${n}`),
);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key, value: fc.integer() }),
  fc.record({ kind: fc.constant('delete' as const), key }),
);

describe('PersistentMap', () => {
  it('behaves like a Map and never changes earlier versions (seed 21)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        let map = PersistentMap.empty<number>();
        const model = new Map<string, number>();
        const versions: [PersistentMap<number>, [string, number][]][] = [];
        for (const o of ops) {
          if (o.kind === 'set') {
            map = map.set(o.key, o.value);
            model.set(o.key, o.value);
          } else {
            map = map.delete(o.key);
            model.delete(o.key);
          }
          versions.push([map, [...model.entries()].sort(([a], [b]) => (a < b ? -1 : 1))]);
        }
        expect(map.size).toBe(model.size);
        for (const [k, v] of model) expect(map.get(k)).toBe(v);
        expect(map.get('absent-key')).toBeUndefined();
        for (const [version, expected] of versions) expect(version.sortedEntries()).toEqual(expected);
      }),
      { seed: 21, numRuns: 200 },
    );
  });

  it('is canonical: the same contents iterate in the same order whatever the history (seed 22)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(key, { maxLength: 200 }),
        fc.array(key, { maxLength: 100 }),
        (keys, noise) => {
          const direct = PersistentMap.from(keys.map((k) => [k, 1] as const));
          let shuffled = PersistentMap.empty<number>();
          for (const k of [...noise, ...[...keys].reverse()]) shuffled = shuffled.set(k, 1);
          for (const k of noise) if (!keys.includes(k)) shuffled = shuffled.delete(k);
          expect([...shuffled.keys()]).toEqual([...direct.keys()]);
        },
      ),
      { seed: 22, numRuns: 200 },
    );
  });

  it('returns itself when nothing changes and handles undefined values', () => {
    const map = PersistentMap.empty<number | undefined>().set('a', 1).set('u', undefined);
    expect(map.set('a', 1)).toBe(map);
    expect(map.delete('zz')).toBe(map);
    expect(map.has('u')).toBe(true);
    expect(map.has('v')).toBe(false);
    expect(map.update('a', (v) => (v ?? 0) + 1).get('a')).toBe(2);
    expect(
      JSON.stringify(
        PersistentMap.from([
          ['b', 2],
          ['a', 1],
        ]),
      ),
    ).toBe('{"a":1,"b":2}');
  });
});
