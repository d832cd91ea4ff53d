import { Subscription, type SchedulerAction, type SchedulerLike } from 'rxjs';
import type { EventQueue, TimerHandle } from './EventQueue.js';

/**
 * An rxjs scheduler on the kernel's virtual clock: pass it to `delay`, `timer`, `throttleTime`,
 * `debounceTime`, `bufferTime`... and they run in simulated time, interleaved with every other
 * kernel event by (time, sequence). Its unit is the kernel's: microseconds.
 *
 * @example
 * ```ts
 * const sim = new Simulation({ seed: 1 });
 * of('synced').pipe(delay(parseDuration('1s'), sim.scheduler)).subscribe(console.log);
 * sim.run(); // prints "synced" with sim.now === 1_000_000
 * ```
 */
export class KernelScheduler implements SchedulerLike {
  readonly #queue: EventQueue;

  constructor(queue: EventQueue) {
    this.#queue = queue;
  }

  now(): number {
    return this.#queue.now;
  }

  schedule<T>(work: (this: SchedulerAction<T>, state: T) => void, delay = 0, state?: T): Subscription {
    return new KernelAction<T>(this.#queue, work).schedule(state, delay);
  }
}

class KernelAction<T> extends Subscription implements SchedulerAction<T> {
  readonly #queue: EventQueue;
  readonly #work: (this: SchedulerAction<T>, state: T) => void;
  #handle: TimerHandle | undefined;
  #state: T | undefined;

  constructor(queue: EventQueue, work: (this: SchedulerAction<T>, state: T) => void) {
    super();
    this.#queue = queue;
    this.#work = work;
  }

  schedule(state?: T, delay = 0): Subscription {
    if (this.closed) return this;
    this.#state = state;
    if (this.#handle !== undefined) this.#queue.cancel(this.#handle);
    // rxjs computes some delays from Date arithmetic and may pass negatives: run those now.
    this.#handle = this.#queue.after(Math.max(0, delay), () => this.#execute());
    return this;
  }

  #execute(): void {
    this.#handle = undefined;
    if (this.closed) return;
    try {
      this.#work.call(this, this.#state as T);
    } catch (error) {
      this.unsubscribe();
      throw error;
    }
  }

  override unsubscribe(): void {
    if (this.closed) return;
    if (this.#handle !== undefined) {
      this.#queue.cancel(this.#handle);
      this.#handle = undefined;
    }
    super.unsubscribe();
  }
}
