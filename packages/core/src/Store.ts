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

// One instance per process is fine: it holds configuration only, never state. Auto-freeze is off
// because deep-freezing every new object costs more than the whole evolve on large states; the
// tests check purity instead.
const immer = new Immer({ autoFreeze: false });

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
 * The live state of a run: applies each event as it is logged, and keeps a snapshot every
 * `snapshotEvery` events so that {@link Store.stateAt} on a long log folds at most that many
 * events. Immer's structural sharing makes a snapshot a pointer, not a copy.
 */
export class Store<S, E extends EventShape> {
  readonly projection: Projection<S, E>;
  readonly #snapshotEvery: number;
  readonly #snapshots: Snapshot<S>[];
  readonly #events: LoggedEvent<E>[] = [];
  #state: S;

  constructor(projection: Projection<S, E>, options: { snapshotEvery?: number } = {}) {
    this.projection = projection;
    this.#snapshotEvery = options.snapshotEvery ?? 1000;
    this.#state = projection.initialState;
    this.#snapshots = [{ index: 0, at: 0, state: this.#state }];
  }

  get state(): S {
    return this.#state;
  }

  /** Number of events applied. */
  get length(): number {
    return this.#events.length;
  }

  apply(event: LoggedEvent<E>): S {
    const evolve = this.projection.evolve;
    this.#state = immer.produce(this.#state, (draft: Draft<S>) => {
      evolve(draft, event);
    });
    this.#record(event);
    return this.#state;
  }

  /** Applies several events in one produce (same result as applying them one by one). */
  applyAll(events: readonly LoggedEvent<E>[]): S {
    for (let start = 0; start < events.length; start += this.#snapshotEvery) {
      const chunk = events.slice(start, start + this.#snapshotEvery);
      this.#state = fold(this.projection, chunk, this.#state);
      for (const event of chunk) this.#record(event);
    }
    return this.#state;
  }

  /** The state after every event with `at <= time`. */
  stateAt(time: Instant): S {
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

  #record(event: LoggedEvent<E>): void {
    this.#events.push(event);
    const count = this.#events.length;
    if (count % this.#snapshotEvery === 0) {
      this.#snapshots.push({ index: count, at: event.at, state: this.#state });
    }
  }
}
