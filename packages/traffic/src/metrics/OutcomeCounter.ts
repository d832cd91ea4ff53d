/**
 * The outcomes knsim names, in report order. `ok` is the only success; every other outcome is a
 * failure a client can observe:
 *
 * - `timeout`: no answer within the client's deadline;
 * - `refused`: TCP RST to the SYN (no listener, or a REJECT rule);
 * - `reset`: an established connection torn down (backend killed, conntrack lost);
 * - `no_endpoints`: the Service had no ready endpoint (kube-proxy rejects);
 * - `dns_failure`: the name did not resolve (NXDOMAIN, SERVFAIL, resolver timeout);
 * - `dropped`: silently lost in the data plane (a DROP rule, no route);
 * - `denied`: refused by a NetworkPolicy.
 */
export const STANDARD_OUTCOMES = [
  'ok',
  'timeout',
  'refused',
  'reset',
  'no_endpoints',
  'dns_failure',
  'dropped',
  'denied',
] as const;

/** One of the {@link STANDARD_OUTCOMES}. */
export type StandardOutcome = (typeof STANDARD_OUTCOMES)[number];

/**
 * A request's outcome: a standard one, or any other name (for example `http_503`); other names
 * count as failures. The `Record<never, never>` intersection keeps editor completion for the
 * standard names while accepting any string.
 */
export type Outcome = StandardOutcome | (string & Record<never, never>);

/**
 * Counts of request outcomes. The standard outcomes are always present (as 0 until seen), first
 * and in {@link STANDARD_OUTCOMES} order; other outcomes follow in the order first seen, so
 * reports have stable columns. Recording is O(1) and allocation-free once an outcome is known.
 *
 * @example
 * ```ts
 * const outcomes = new OutcomeCounter();
 * outcomes.record('ok');
 * outcomes.record('ok');
 * outcomes.record('timeout');
 * outcomes.get('ok'); // 2
 * outcomes.successRatio(); // 2/3
 * ```
 */
export class OutcomeCounter {
  readonly #counts = new Map<string, number>();
  // `ok`, the outcome nearly every request has, counted in a field: no map update per request.
  #ok = 0;
  #total = 0;

  constructor() {
    for (const outcome of STANDARD_OUTCOMES) this.#counts.set(outcome, 0);
  }

  /** Counts `count` (default 1) requests with this outcome. Hot path: O(1). */
  record(outcome: Outcome, count = 1): void {
    if (count !== 1 && (!Number.isSafeInteger(count) || count < 0)) {
      throw new RangeError(`outcome count ${count} must be a non-negative integer`);
    }
    if (outcome === 'ok') this.#ok += count;
    else this.#counts.set(outcome, (this.#counts.get(outcome) ?? 0) + count);
    this.#total += count;
  }

  /** Requests recorded with this outcome (0 if never seen). */
  get(outcome: Outcome): number {
    return outcome === 'ok' ? this.#ok : (this.#counts.get(outcome) ?? 0);
  }

  /** Requests recorded, all outcomes together. */
  get total(): number {
    return this.#total;
  }

  /** Requests with an outcome other than `ok`. */
  get failures(): number {
    return this.#total - this.get('ok');
  }

  /** ok / total; NaN when nothing was recorded (no requests is not 0% success). */
  successRatio(): number {
    return this.#total === 0 ? NaN : this.get('ok') / this.#total;
  }

  /** The outcome names, standard ones first, then others in the order first seen. */
  outcomes(): string[] {
    return [...this.#counts.keys()];
  }

  /** Adds `other`'s counts to this counter and returns this. */
  merge(other: OutcomeCounter): this {
    for (const outcome of other.#counts.keys()) this.record(outcome, other.get(outcome));
    return this;
  }

  /** `{ outcome: count }` for every outcome, in {@link OutcomeCounter.outcomes} order. */
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.#counts.keys()].map((outcome) => [outcome, this.get(outcome)]));
  }
}
