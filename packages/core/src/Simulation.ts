import { type Observable, Subject, type Subscription } from 'rxjs';
import type { Duration, Instant } from './duration.js';
import { EventLog } from './EventLog.js';
import { EventQueue, type TimerHandle } from './EventQueue.js';
import { KernelScheduler } from './KernelScheduler.js';
import { makeLogHeader } from './logCodec.js';
import type { AnyEvent, EventShape, LoggedEvent } from './LoggedEvent.js';
import { RandomStreams, type RandomStream } from './RandomStream.js';
import { Store, type Projection } from './Store.js';

export interface SimulationOptions<S, E extends EventShape> {
  readonly seed: number | string;
  /** `sha256:...` of the input that defines the run; recorded in the log header. */
  readonly scenarioDigest?: string;
  /** How events build state. Without one the state is `undefined` and only the log is kept. */
  readonly projection?: Projection<S, E>;
  /** Keep events in memory (needed for digest, replay and stateAt). Default true. */
  readonly retainEvents?: boolean;
  readonly snapshotEvery?: number;
  readonly meta?: Record<string, unknown>;
}

export type StopReason = 'time-limit' | 'drained' | 'stopped' | 'step-limit';

export interface RunOptions {
  /** Stop once the clock would pass this instant; the clock is left at `until`. */
  readonly until?: Instant;
  /** Checked after every step; the run stops when it returns true. */
  readonly stopWhen?: () => boolean;
  /** Stop after this many queue entries have run (a guard against runaway models). */
  readonly maxSteps?: number;
}

export interface RunResult {
  readonly reason: StopReason;
  readonly now: Instant;
  readonly steps: number;
}

/** What a component sees: the event stream, the current state, time, randomness and a scheduler. */
export interface ComponentContext<S, E extends EventShape> {
  readonly events$: Observable<LoggedEvent<E>>;
  readonly scheduler: KernelScheduler;
  readonly state: () => S;
  readonly now: () => Instant;
  readonly random: (name: string) => RandomStream;
}

/**
 * A reactive component: rxjs wiring from the event stream (and time) to new events. Its logic
 * belongs in pure `decide`/`evolve` functions; the observable only says when to call them.
 */
export type Component<S, E extends EventShape> = (context: ComponentContext<S, E>) => Observable<E>;

/**
 * One run: owns the clock and event queue, the named random streams, the event log and the state
 * store. Nothing is module-level, so any number of simulations can run side by side.
 *
 * Events are dispatched to subscribers breadth-first: an event emitted while another is being
 * dispatched is logged and folded at once, and delivered after every subscriber has seen the
 * earlier one. Log order is therefore delivery order.
 *
 * @example
 * ```ts
 * type Tick = { type: 'Ticked'; n: number };
 * const sim = new Simulation<number, Tick>({
 *   seed: 7,
 *   projection: { initialState: 0, evolve: (_draft, e) => e.n },
 * });
 * for (let n = 1; n <= 3; n++) sim.after(n * SECOND, () => sim.emit({ type: 'Ticked', n }));
 * sim.run(); // sim.state === 3, sim.log.length === 3, sim.now === 3_000_000
 * ```
 */
export class Simulation<S = undefined, E extends EventShape = AnyEvent> {
  readonly queue = new EventQueue();
  readonly scheduler = new KernelScheduler(this.queue);
  readonly random: RandomStreams;
  readonly log: EventLog<E>;
  readonly store: Store<S, E> | undefined;
  readonly #subject = new Subject<LoggedEvent<E>>();
  readonly #pending: LoggedEvent<E>[] = [];
  readonly #subscriptions: Subscription[] = [];
  #dispatching = false;
  #failure: { error: unknown } | undefined;
  #currentCause: number | undefined;

  /** Every logged event, in log order. Subscribing late does not replay earlier events. */
  readonly events$: Observable<LoggedEvent<E>> = this.#subject.asObservable();

  constructor(options: SimulationOptions<S, E>) {
    this.random = new RandomStreams(options.seed);
    this.log = new EventLog<E>(
      makeLogHeader({
        seed: options.seed,
        scenarioDigest: options.scenarioDigest ?? 'sha256:none',
        ...(options.meta === undefined ? {} : { meta: options.meta }),
      }),
      { retain: options.retainEvents ?? true },
    );
    this.store =
      options.projection === undefined
        ? undefined
        : new Store(
            options.projection,
            options.snapshotEvery === undefined ? {} : { snapshotEvery: options.snapshotEvery },
          );
  }

  get now(): Instant {
    return this.queue.now;
  }

  get state(): S {
    return this.store?.state as S;
  }

  /** The `seq` of the event being dispatched right now, if any (the default `cause` of emits). */
  get currentCause(): number | undefined {
    return this.#currentCause;
  }

  rng(name: string): RandomStream {
    return this.random.stream(name);
  }

  at(instant: Instant, callback: () => void): TimerHandle {
    return this.queue.schedule(instant, callback);
  }

  after(delay: Duration, callback: () => void): TimerHandle {
    return this.queue.after(delay, callback);
  }

  cancel(handle: TimerHandle): boolean {
    return this.queue.cancel(handle);
  }

  /**
   * Logs an event at the current time, folds it into the state and queues it for subscribers.
   * `cause` defaults to the event being dispatched when this is called from a subscriber.
   */
  emit(event: E, cause: number | undefined = this.#currentCause): LoggedEvent<E> {
    const logged = this.log.append(event, this.queue.now, cause);
    this.store?.apply(logged);
    this.#pending.push(logged);
    if (!this.#dispatching) this.#dispatch();
    return logged;
  }

  /** Wires a component: every event its observable yields is emitted; an error fails the run. */
  use(component: Component<S, E>): Subscription {
    const subscription = component({
      events$: this.events$,
      scheduler: this.scheduler,
      state: () => this.state,
      now: () => this.now,
      random: (name) => this.rng(name),
    }).subscribe({
      next: (event) => {
        try {
          this.emit(event);
        } catch (error) {
          this.fail(error);
        }
      },
      error: (error: unknown) => this.fail(error),
    });
    this.#subscriptions.push(subscription);
    return subscription;
  }

  /** Records a failure; the current `run` throws it after the step that caused it. */
  fail(error: unknown): void {
    this.#failure ??= { error };
  }

  /**
   * Runs until the time limit, an empty queue, the stop condition or the step limit. An exception
   * from a callback, or an error a component reported, propagates out of `run`.
   */
  run(options: RunOptions = {}): RunResult {
    const { until, stopWhen, maxSteps } = options;
    let steps = 0;
    const result = (reason: StopReason): RunResult => ({ reason, now: this.now, steps });
    for (;;) {
      if (stopWhen?.() === true) return result('stopped');
      if (maxSteps !== undefined && steps >= maxSteps) return result('step-limit');
      const next = this.queue.peekTime();
      if (next === undefined) {
        if (until !== undefined && until > this.now) this.queue.advanceTo(until);
        return result('drained');
      }
      if (until !== undefined && next > until) {
        this.queue.advanceTo(until);
        return result('time-limit');
      }
      this.queue.step();
      steps++;
      this.#throwFailure();
    }
  }

  /** Unsubscribes every component; pending timers stay in the queue but nothing reacts. */
  dispose(): void {
    for (const subscription of this.#subscriptions) subscription.unsubscribe();
    this.#subject.complete();
  }

  #dispatch(): void {
    this.#dispatching = true;
    try {
      for (let i = 0; i < this.#pending.length; i++) {
        const event = this.#pending[i] as LoggedEvent<E>;
        this.#currentCause = event.seq;
        this.#subject.next(event);
      }
    } finally {
      this.#pending.length = 0;
      this.#currentCause = undefined;
      this.#dispatching = false;
    }
  }

  #throwFailure(): void {
    if (this.#failure !== undefined) {
      const { error } = this.#failure;
      this.#failure = undefined;
      throw error;
    }
  }
}
