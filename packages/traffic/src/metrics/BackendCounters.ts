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

interface MutableStats {
  requests: number;
  connections: number;
  active: number;
  peakActive: number;
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
  readonly #stats = new Map<string, MutableStats>();

  /** Optionally pre-registers backends, so ones that never receive anything still count as 0. */
  constructor(backends: Iterable<string> = []) {
    for (const backend of backends) this.register(backend);
  }

  /** Makes `backend` known (with zero counts) if it is not already. */
  register(backend: string): void {
    this.#entry(backend);
  }

  #entry(backend: string): MutableStats {
    let stats = this.#stats.get(backend);
    if (stats === undefined) {
      stats = { requests: 0, connections: 0, active: 0, peakActive: 0 };
      this.#stats.set(backend, stats);
    }
    return stats;
  }

  /**
   * Recording functions bound to one backend (registered now), for hot paths that record to it
   * many times without a lookup each.
   */
  bind(backend: string): { readonly request: () => void; readonly connectionOpen: () => void } {
    const stats = this.#entry(backend);
    return {
      request: () => {
        stats.requests++;
      },
      connectionOpen: () => {
        stats.connections++;
        stats.active++;
        if (stats.active > stats.peakActive) stats.peakActive = stats.active;
      },
    };
  }

  /** Counts one request (or `count`) sent to `backend`. Hot path: O(1). */
  recordRequest(backend: string, count = 1): void {
    this.#entry(backend).requests += count;
  }

  /** Counts a connection opened to `backend` and raises its active gauge. Hot path: O(1). */
  recordConnectionOpen(backend: string): void {
    const stats = this.#entry(backend);
    stats.connections++;
    stats.active++;
    if (stats.active > stats.peakActive) stats.peakActive = stats.active;
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
      this.backends().map((backend) => [backend, { ...this.#stats.get(backend) } as BackendStats]),
    );
  }
}
