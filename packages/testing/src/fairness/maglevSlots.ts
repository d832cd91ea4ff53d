import type { Backend, MaglevPolicy } from '@knsim/kube-proxy';

/**
 * The Maglev slot bound (Eisenbud et al., NSDI 2016): with N equal-weight backends, the table
 * build lets every backend claim one slot per round until all M slots are taken, so each backend
 * owns exactly floor(M/N) or ceil(M/N) slots, whatever the permutations. A deterministic,
 * exact bound on the table (not on request counts, which depend on the keys hashed).
 *
 * @example
 * ```ts
 * maglevSlotBound(7, 3); // { min: 2, max: 3 }
 * maglevSlotBound(4093, 3); // { min: 1364, max: 1365 }
 * ```
 */
export function maglevSlotBound(
  tableSize: number,
  backends: number,
): { readonly min: number; readonly max: number } {
  if (!Number.isSafeInteger(tableSize) || tableSize < 1)
    throw new RangeError(`maglevSlotBound: table size ${tableSize} must be a positive integer`);
  if (!Number.isSafeInteger(backends) || backends < 1)
    throw new RangeError(`maglevSlotBound: ${backends} backends: need at least one`);
  return { min: Math.floor(tableSize / backends), max: Math.ceil(tableSize / backends) };
}

/**
 * How many of a Maglev policy's table slots each backend owns, in the order of `backends`
 * (weight-0 backends own none). Pass the result to `checkFairness({ policy: 'maglev', counts })`.
 *
 * @example
 * ```ts
 * const maglev = new MaglevPolicy({ tableSize: 4093 });
 * maglevSlotCounts(maglev, backends); // e.g. [1365, 1364, 1364]
 * ```
 */
export function maglevSlotCounts(
  policy: Pick<MaglevPolicy, 'lookupTable'>,
  backends: readonly Backend[],
): number[] {
  const counts = new Map<Backend, number>(backends.map((backend) => [backend, 0]));
  for (const owner of policy.lookupTable(backends))
    if (owner !== undefined) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  return backends.map((backend) => counts.get(backend) ?? 0);
}
