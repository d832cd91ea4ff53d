import type { Duration, Instant } from './duration.js';

/** A handle that cancels a scheduled callback; an opaque non-negative integer. */
export type TimerHandle = number;

// A handle packs the entry's slot (low bits) and the slot's generation (high bits), so a
// stale handle for a recycled slot can never cancel the entry that now lives there.
const SLOT_BITS = 23;
const SLOT_LIMIT = 2 ** SLOT_BITS;
const INITIAL_CAPACITY = 1024;

/**
 * The kernel's pending-event set: a binary min-heap ordered by (time, insertion sequence), so
 * events due at the same instant run in the order they were scheduled (FIFO). Push and pop are
 * O(log n); cancellation is O(1) and lazy (the dead entry is dropped when it reaches the top, and
 * the heap is compacted if dead entries ever outnumber live ones).
 *
 * Keys live in typed arrays laid out in heap order so sifting touches contiguous memory; callbacks
 * live in slots addressed by the handle. This is the structure the rxjs `VirtualTimeScheduler`
 * lacks (it re-sorts its whole queue on every schedule).
 *
 * @example
 * ```ts
 * const queue = new EventQueue();
 * const order: string[] = [];
 * queue.schedule(20, () => order.push('late'));
 * queue.schedule(10, () => order.push('first'));
 * queue.schedule(10, () => order.push('second'));
 * while (queue.step());
 * // order: ['first', 'second', 'late'], queue.now === 20
 * ```
 */
export class EventQueue {
  #now: Instant = 0;
  #sequence = 0;
  #size = 0; // heap entries, dead ones included
  #live = 0;
  #heapTime = new Float64Array(INITIAL_CAPACITY);
  #heapSeq = new Float64Array(INITIAL_CAPACITY);
  #heapSlot = new Int32Array(INITIAL_CAPACITY);
  #callbacks: (((argument: unknown) => void) | undefined)[] = [];
  // The argument each slot's callback is called with (see `scheduleWith`).
  #arguments: unknown[] = [];
  #generation = new Uint32Array(INITIAL_CAPACITY);
  #free: number[] = [];
  #executed = 0;

  /** The current virtual time: the time of the entry being run, or of the last one run. */
  get now(): Instant {
    return this.#now;
  }

  /** Number of live (not cancelled, not yet run) entries. */
  get size(): number {
    return this.#live;
  }

  /** Number of entries run so far. */
  get executed(): number {
    return this.#executed;
  }

  /** Schedules `callback` at absolute instant `at` (an integer, not before `now`). */
  schedule(at: Instant, callback: () => void): TimerHandle {
    return this.scheduleWith(at, callback, undefined);
  }

  /**
   * Schedules `callback(argument)` at absolute instant `at`: a hot path that schedules many
   * entries can pass one long-lived function and its data instead of making a closure each time.
   */
  scheduleWith<T>(at: Instant, callback: (argument: T) => void, argument: T): TimerHandle {
    if (!(at >= this.#now) || !Number.isSafeInteger(at)) {
      throw new RangeError(
        `cannot schedule at ${at}: instants are integer microseconds not before now (${this.#now})`,
      );
    }
    let slot = this.#free.pop();
    if (slot === undefined) {
      slot = this.#callbacks.length;
      if (slot >= SLOT_LIMIT) throw new RangeError(`more than ${SLOT_LIMIT} pending events`);
      this.#callbacks.push(callback as (argument: unknown) => void);
      this.#arguments.push(argument);
      if (slot >= this.#generation.length) this.#generation = grow(this.#generation, slot + 1);
    } else {
      this.#callbacks[slot] = callback as (argument: unknown) => void;
      this.#arguments[slot] = argument;
    }
    this.#push(at, this.#sequence++, slot);
    this.#live++;
    return (this.#generation[slot] as number) * SLOT_LIMIT + slot;
  }

  /** Schedules `callback` after `delay` microseconds (rounded to an integer, at least 0). */
  after(delay: Duration, callback: () => void): TimerHandle {
    return this.schedule(this.#now + (delay > 0 ? Math.round(delay) : 0), callback);
  }

  /** Cancels a pending entry. Returns false when it already ran or was cancelled. */
  cancel(handle: TimerHandle): boolean {
    const slot = handle % SLOT_LIMIT;
    const generation = Math.floor(handle / SLOT_LIMIT);
    if (this.#generation[slot] !== generation || this.#callbacks[slot] === undefined) return false;
    this.#callbacks[slot] = undefined;
    this.#arguments[slot] = undefined;
    this.#live--;
    if (this.#size > 64 && this.#size > 2 * this.#live) this.#compact();
    return true;
  }

  /** The time of the earliest live entry, or undefined when none is pending. */
  peekTime(): Instant | undefined {
    this.#dropDeadTop();
    return this.#size === 0 ? undefined : this.#heapTime[0];
  }

  /**
   * Runs the earliest live entry, advancing `now` to its time. Returns false when nothing is
   * pending.
   */
  step(): boolean {
    for (;;) {
      if (this.#size === 0) return false;
      const time = this.#heapTime[0] as number;
      const slot = this.#heapSlot[0] as number;
      this.#popTop();
      const callback = this.#callbacks[slot];
      const argument = this.#arguments[slot];
      this.#release(slot);
      if (callback === undefined) continue;
      this.#live--;
      this.#now = time;
      this.#executed++;
      callback(argument);
      return true;
    }
  }

  /** Moves the clock forward to `at` without running anything (used at a run's time limit). */
  advanceTo(at: Instant): void {
    if (at < this.#now) throw new RangeError(`cannot move the clock back from ${this.#now} to ${at}`);
    const next = this.peekTime();
    if (next !== undefined && next < at) {
      throw new RangeError(`cannot skip past a pending event at ${next}`);
    }
    this.#now = at;
  }

  #release(slot: number): void {
    this.#callbacks[slot] = undefined;
    this.#arguments[slot] = undefined;
    this.#generation[slot] = ((this.#generation[slot] as number) + 1) % 0x4000_0000; // keeps handles below 2^53
    this.#free.push(slot);
  }

  #dropDeadTop(): void {
    while (this.#size > 0 && this.#callbacks[this.#heapSlot[0] as number] === undefined) {
      const slot = this.#heapSlot[0] as number;
      this.#popTop();
      this.#release(slot);
    }
  }

  #push(time: number, seq: number, slot: number): void {
    if (this.#size === this.#heapTime.length) {
      const capacity = this.#size * 2;
      this.#heapTime = grow(this.#heapTime, capacity);
      this.#heapSeq = grow(this.#heapSeq, capacity);
      this.#heapSlot = grow(this.#heapSlot, capacity);
    }
    const times = this.#heapTime;
    const seqs = this.#heapSeq;
    const slots = this.#heapSlot;
    let index = this.#size++;
    // Sift up by moving parents into the hole: one write per level instead of a swap.
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const parentTime = times[parent] as number;
      if (parentTime < time || (parentTime === time && (seqs[parent] as number) < seq)) break;
      times[index] = parentTime;
      seqs[index] = seqs[parent] as number;
      slots[index] = slots[parent] as number;
      index = parent;
    }
    times[index] = time;
    seqs[index] = seq;
    slots[index] = slot;
  }

  #popTop(): void {
    const last = --this.#size;
    if (last === 0) return;
    const times = this.#heapTime;
    const seqs = this.#heapSeq;
    const slots = this.#heapSlot;
    const time = times[last] as number;
    const seq = seqs[last] as number;
    const slot = slots[last] as number;
    let index = 0;
    const half = last >> 1;
    while (index < half) {
      let child = 2 * index + 1;
      let childTime = times[child] as number;
      const right = child + 1;
      if (right < last) {
        const rightTime = times[right] as number;
        if (
          rightTime < childTime ||
          (rightTime === childTime && (seqs[right] as number) < (seqs[child] as number))
        ) {
          child = right;
          childTime = rightTime;
        }
      }
      if (time < childTime || (time === childTime && seq < (seqs[child] as number))) break;
      times[index] = childTime;
      seqs[index] = seqs[child] as number;
      slots[index] = slots[child] as number;
      index = child;
    }
    times[index] = time;
    seqs[index] = seq;
    slots[index] = slot;
  }

  #compact(): void {
    const entries: [number, number, number][] = [];
    for (let i = 0; i < this.#size; i++) {
      const slot = this.#heapSlot[i] as number;
      if (this.#callbacks[slot] === undefined) this.#release(slot);
      else entries.push([this.#heapTime[i] as number, this.#heapSeq[i] as number, slot]);
    }
    this.#size = 0;
    for (const [time, seq, slot] of entries) this.#push(time, seq, slot);
  }
}

function grow<T extends Float64Array | Int32Array | Uint32Array>(array: T, minimum: number): T {
  let capacity = array.length;
  while (capacity < minimum) capacity *= 2;
  const bigger = new (array.constructor as new (length: number) => T)(capacity);
  bigger.set(array);
  return bigger;
}
