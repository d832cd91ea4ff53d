import { Immer, type Draft } from 'immer';
import type { Instant } from './duration.js';
import type { EventShape, LoggedEvent } from './LoggedEvent.js';

/**
 * An evolve function in immer style: it mutates a draft of the state for one event. It must be
 * pure in the sense that matters for replay: the same state and event always give the same result.
 */
export type Evolve<S, E extends EventShape> = (draft: Draft<S>, event: LoggedEvent<E>) => void;

/** The projection half of a decider: how events build state. */
export interface Projection<S, E extends EventShape> {
  readonly initialState: S;
  readonly evolve: Evolve<S, E>;
}

// One instance per process is fine: it holds configuration only, never state. Auto-freeze stays
// on so that an evolve that keeps a reference to old state and mutates it fails loudly; large
// collections live in PersistentMaps, which immer neither drafts nor freezes.
const immer = new Immer({ autoFreeze: true });

const FOLD_BATCH = 4096;

/**
 * state = fold(evolve, initialState, events). Events are applied in batches inside one immer
 * `produce` each, so a long replay pays immer's copy-on-write once per batch, not per event.
 */
export function fold<S, E extends EventShape>(
  projection: Projection<S, E>,
  events: readonly LoggedEvent<E>[],
  from: S = projection.initialState,
): S {
  let state = from;
  for (let start = 0; start < events.length; start += FOLD_BATCH) {
    const end = Math.min(events.length, start + FOLD_BATCH);
    state = immer.produce(state, (draft: Draft<S>) => {
      for (let i = start; i < end; i++) projection.evolve(draft, events[i] as LoggedEvent<E>);
    });
  }
  return state;
}

interface Snapshot<S> {
  readonly index: number; // number of events folded into state
  readonly at: Instant;
  readonly state: S;
}

/**
 * The live state of a run. Events are folded lazily: `apply` queues an event and the queue is
 * folded in one immer `produce` when the state is next read (or when `maxBatch` events are
 * waiting), so a burst of events pays immer's copy-on-write once. A snapshot is kept every
 * `snapshotEvery` events so that {@link Store.stateAt} folds at most that many events; immer's
 * structural sharing makes a snapshot a pointer, not a copy.
 */
export class Store<S, E extends EventShape> {
  readonly projection: Projection<S, E>;
  readonly #snapshotEvery: number;
  readonly #maxBatch: number;
  readonly #snapshots: Snapshot<S>[];
  readonly #events: LoggedEvent<E>[] = [];
  #folded = 0; // events already folded into #state
  #state: S;

  constructor(projection: Projection<S, E>, options: { snapshotEvery?: number; maxBatch?: number } = {}) {
    this.projection = projection;
    this.#snapshotEvery = options.snapshotEvery ?? 1000;
    this.#maxBatch = options.maxBatch ?? 256;
    this.#state = projection.initialState;
    this.#snapshots = [{ index: 0, at: 0, state: this.#state }];
  }

  /** The state after every applied event. */
  get state(): S {
    this.#flush();
    return this.#state;
  }

  /** Number of events applied. */
  get length(): number {
    return this.#events.length;
  }

  /** Queues one event; it is folded before the state is next read. */
  apply(event: LoggedEvent<E>): void {
    this.#events.push(event);
    if (this.#events.length - this.#folded >= this.#maxBatch) this.#flush();
  }

  /** Applies several events (same result as applying them one by one). */
  applyAll(events: readonly LoggedEvent<E>[]): S {
    for (const event of events) this.#events.push(event);
    return this.state;
  }

  /** The state after every event with `at <= time`. */
  stateAt(time: Instant): S {
    this.#flush();
    const snapshots = this.#snapshots;
    let low = 0;
    let high = snapshots.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((snapshots[mid] as Snapshot<S>).at <= time) low = mid;
      else high = mid - 1;
    }
    const snapshot = snapshots[low] as Snapshot<S>;
    let end = snapshot.index;
    while (end < this.#events.length && (this.#events[end] as LoggedEvent<E>).at <= time) end++;
    return fold(this.projection, this.#events.slice(snapshot.index, end), snapshot.state);
  }

  // The check alone, so a read with nothing pending allocates nothing (the fold's closure would
  // make every call allocate its context).
  #flush(): void {
    if (this.#folded < this.#events.length) this.#fold();
  }

  #fold(): void {
    const events = this.#events;
    const evolve = this.projection.evolve;
    while (this.#folded < events.length) {
      // Stop each batch at the next snapshot boundary so snapshots land on exact counts.
      const boundary = (Math.floor(this.#folded / this.#snapshotEvery) + 1) * this.#snapshotEvery;
      const start = this.#folded;
      const end = Math.min(events.length, boundary);
      this.#state = immer.produce(this.#state, (draft: Draft<S>) => {
        for (let i = start; i < end; i++) evolve(draft, events[i] as LoggedEvent<E>);
      });
      this.#folded = end;
      if (end === boundary) {
        this.#snapshots.push({ index: end, at: (events[end - 1] as LoggedEvent<E>).at, state: this.#state });
      }
    }
  }
}
