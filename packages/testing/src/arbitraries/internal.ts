import fc from 'fast-check';
import { formatDuration, SECOND } from '@knsim/core';

// Helpers shared by the arbitraries (not exported from the package).

/** `fc.oneof` constraints that let a value shrink to the first alternative (the simplest one). */
export const CROSS_SHRINK = { withCrossShrink: true } as const;

/** A label map. */
export type Labels = Readonly<Record<string, string>>;

/** The item at `index` of a non-empty list, wrapping around: how shapes pick from a context. */
export function pick<T>(list: readonly T[], index: number): T {
  if (list.length === 0) throw new Error('pick from an empty list');
  return list[index % list.length] as T;
}

/** Distinct items picked by indices (order of first pick kept). */
export function pickDistinct<T>(list: readonly T[], indices: readonly number[]): T[] {
  const out: T[] = [];
  for (const index of indices) {
    const item = pick(list, index);
    if (!out.includes(item)) out.push(item);
  }
  return out;
}

/** `fc.record` that never builds null-prototype objects (they are plain JSON data). */
export function record<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true }) as fc.Arbitrary<T>;
}

/** Like {@link record} with every key optional (shrinks by removing keys). */
export function partialRecord<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<Partial<T>> {
  return fc.record(model, { requiredKeys: [], noNullPrototype: true }) as fc.Arbitrary<Partial<T>>;
}

/** An optional value: `undefined` is what it shrinks to. */
export function maybe<T>(arbitrary: fc.Arbitrary<T>, freq = 2): fc.Arbitrary<T | undefined> {
  return fc.option(arbitrary, { nil: undefined, freq });
}

/** True one time in `odds` (shrinks to false). */
export function rarely(odds = 5): fc.Arbitrary<boolean> {
  return fc.integer({ min: 0, max: odds - 1 }).map((n) => n === odds - 1);
}

/** A whole number of seconds as a scenario duration (`90` -> `1m30s`). */
export function seconds(count: number): string {
  return formatDuration(count * SECOND);
}

/** A whole number of milliseconds as a duration (`1500` -> `1.5s`). */
export function millis(count: number): string {
  return formatDuration(count * 1000);
}

/** `{ key: value }`, or `{}` when the value is undefined: spread it into an object literal. */
export function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** A random duration in milliseconds between `min` and `max`: a constant or a distribution. */
export function distributionArb(
  minMs: number,
  maxMs: number,
): fc.Arbitrary<string | Record<string, unknown>> {
  const ms = fc.integer({ min: minMs, max: maxMs });
  return fc.oneof(
    CROSS_SHRINK,
    ms.map(millis),
    fc
      .tuple(ms, ms)
      .map(([a, b]) => ({ uniform: { min: millis(Math.min(a, b)), max: millis(Math.max(a, b)) } })),
    fc.tuple(ms, fc.integer({ min: 0, max: 10 })).map(([median, sigma]) => ({
      lognormal: { median: millis(median), sigma: sigma / 10, max: millis(maxMs) },
    })),
    ms.map((mean) => ({ exponential: { mean: millis(mean), max: millis(maxMs) } })),
  );
}
