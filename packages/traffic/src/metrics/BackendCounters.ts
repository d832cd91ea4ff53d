/** What one backend has served so far. */
export interface BackendStats {
  /** Requests sent to the backend. */
  readonly requests: number;
  /** Connections ever opened to it. */
  readonly connections: number;
  /** Connections open now (a gauge). */
  readonly active: number;
  /** The most connections open at once. */
  readonly peakActive: number;
}

/**
 * One backend's counters, recordable directly (see {@link BackendCounters.tally}): a hot path
 * that keeps it records without a lookup.
 */
export class BackendTally implements BackendStats {
  requests = 0;
  connections = 0;
  active = 0;
  peakActive = 0;

  /** Counts one request sent to the backend. */
  request(): void {
    this.requests++;
  }

  /** Counts a connection opened to the backend and raises its active gauge. */
  connection(): void {
    this.connections++;
    this.active++;
    if (this.active > this.peakActive) this.peakActive = this.active;
  }
}

/** Which counter {@link BackendCounters.counts} reads. */
export type BackendCounterKind = 'requests' | 'connections' | 'active' | 'peakActive';

/**
 * Per-backend request and connection counts and an active-connection gauge, keyed by whatever
 * names a backend to the caller (`ip:port` or a pod name). Recording is O(1) and allocation-free
 * once a backend is known. Feed {@link BackendCounters.counts} to the fairness checks; when
 * requests ride on long-lived connections, the connection counts are what the load balancer
 * actually spread.
 *
 * @example
 * ```ts
 * const backends = new BackendCounters(['10.0.1.5:8080', '10.0.2.7:8080']);
 * backends.recordConnectionOpen('10.0.1.5:8080');
 * backends.recordRequest('10.0.1.5:8080');
 * backends.recordRequest('10.0.1.5:8080');
 * backends.counts('requests'); // [2, 0]: the idle backend is counted as 0, not left out
 * ```
 */
export class BackendCounters {
  readonly #stats = new Map<string, BackendTally>();

  /** Optionally pre-registers backends, so ones that never receive anything still count as 0. */
  constructor(backends: Iterable<string> = []) {
    for (const backend of backends) this.register(backend);
  }

  /** Makes `backend` known (with zero counts) if it is not already. */
  register(backend: string): void {
    this.#entry(backend);
  }

  #entry(backend: string): BackendTally {
    let stats = this.#stats.get(backend);
    if (stats === undefined) {
      stats = new BackendTally();
      this.#stats.set(backend, stats);
    }
    return stats;
  }

  /**
   * The counters of one backend (registered now), for hot paths that record to it many times:
   * `tally.request()` and `tally.connection()` count as {@link BackendCounters.recordRequest} and
   * {@link BackendCounters.recordConnectionOpen} do, without a lookup each.
   */
  tally(backend: string): BackendTally {
    return this.#entry(backend);
  }

  /** Counts one request (or `count`) sent to `backend`. Hot path: O(1). */
  recordRequest(backend: string, count = 1): void {
    this.#entry(backend).requests += count;
  }

  /** Counts a connection opened to `backend` and raises its active gauge. Hot path: O(1). */
  recordConnectionOpen(backend: string): void {
    this.#entry(backend).connection();
  }

  /**
   * Lowers `backend`'s active gauge. Hot path: O(1).
   *
   * @throws RangeError if it has no open connection: a close without an open is a bookkeeping bug.
   */
  recordConnectionClose(backend: string): void {
    const stats = this.#stats.get(backend);
    if (stats === undefined || stats.active === 0) {
      throw new RangeError(`connection to ${backend} closed, but none is open`);
    }
    stats.active--;
  }

  /** The stats of one backend (a live read-only view), or undefined if never seen. */
  get(backend: string): BackendStats | undefined {
    return this.#stats.get(backend);
  }

  /** Known backends, sorted (code-unit order: deterministic, locale-free). */
  backends(): string[] {
    return [...this.#stats.keys()].sort();
  }

  /**
   * One counter for each backend, in the order of `backends` (default: {@link BackendCounters.backends}).
   * A backend never seen counts as 0: pass the full endpoint list, or fairness checks would
   * silently skip backends that got nothing.
   */
  counts(kind: BackendCounterKind, backends: readonly string[] = this.backends()): number[] {
    return backends.map((backend) => this.#stats.get(backend)?.[kind] ?? 0);
  }

  /** Requests over all backends. */
  get totalRequests(): number {
    let total = 0;
    for (const stats of this.#stats.values()) total += stats.requests;
    return total;
  }

  /** Connections open now over all backends. */
  get totalActive(): number {
    let total = 0;
    for (const stats of this.#stats.values()) total += stats.active;
    return total;
  }

  /** `{ backend: stats }` with backends sorted. */
  toJSON(): Record<string, BackendStats> {
    return Object.fromEntries(
      this.backends().map((backend) => {
        const stats = this.#stats.get(backend) as BackendTally;
        const copy: BackendStats = {
          requests: stats.requests,
          connections: stats.connections,
          active: stats.active,
          peakActive: stats.peakActive,
        };
        return [backend, copy];
      }),
    );
  }
}
