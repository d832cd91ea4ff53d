import type { Backend } from './LoadBalancingPolicy.js';

/**
 * True when two backend lists hold the same ids and weights in the same order. Policies cache
 * per-list views by array identity; callers that rebuild an equal array for every pick would
 * otherwise pay a rebuild each time, so a miss on identity falls back to this O(n), allocation-free
 * comparison.
 *
 * @example
 * ```ts
 * sameBackends([{ id: 'a', weight: 1 }], [{ id: 'a', weight: 1 }]); // true
 * ```
 */
export function sameBackends(a: readonly Backend[] | undefined, b: readonly Backend[]): boolean {
  if (a === b) return true;
  if (a === undefined || a.length !== b.length) return false;
  for (let i = 0; i < b.length; i++) {
    const x = a[i] as Backend;
    const y = b[i] as Backend;
    if (x.id !== y.id || x.weight !== y.weight) return false;
  }
  return true;
}
