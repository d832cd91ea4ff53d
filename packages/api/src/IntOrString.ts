/** A field that holds either a number or a string (a port name or a percentage like `25%`). */
export type IntOrString = number | string;

/** The problem with an int-or-percent value, or undefined when it is well formed. */
export function describeBadIntOrPercent(value: IntOrString): string | undefined {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 0 ? undefined : 'must be a non-negative integer';
  }
  const match = /^([0-9]+)%$/.exec(value);
  return match === null ? 'must be an integer or a percentage (e.g. 5 or 10%)' : undefined;
}

/**
 * Resolves an int-or-percent against `total`, as the Deployment controller does: a number is
 * itself, `P%` is P percent of `total`, rounded up when `roundUp` (maxSurge) and down otherwise
 * (maxUnavailable). Throws a RangeError for malformed values (validation rejects them earlier).
 */
export function resolveIntOrPercent(value: IntOrString, total: number, roundUp: boolean): number {
  const problem = describeBadIntOrPercent(value);
  if (problem !== undefined) throw new RangeError(`${JSON.stringify(value)} ${problem}`);
  if (typeof value === 'number') return value;
  const percent = Number(value.slice(0, -1));
  // Integer arithmetic, so 25% of 4 is exactly 1 and never 0.9999...
  const scaled = percent * total;
  return roundUp ? Math.ceil(scaled / 100) : Math.floor(scaled / 100);
}
