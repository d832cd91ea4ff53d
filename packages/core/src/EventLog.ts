import type { Instant } from './duration.js';
import { digestLog, encodeLog, type LogHeader } from './logCodec.js';
import { RESERVED_EVENT_FIELDS, type AnyEvent, type EventShape, type LoggedEvent } from './LoggedEvent.js';

/** Receives each event as it is appended (e.g. a {@link LogWriter}). */
export interface LogSink {
  append(event: LoggedEvent<EventShape>): void;
}

/**
 * The append-only log of one run. It stamps events with `seq` and `at`, keeps them in memory
 * (unless `retain` is false, for runs that only stream to a sink) and forwards them to sinks.
 */
export class EventLog<E extends EventShape = AnyEvent> {
  readonly header: LogHeader;
  readonly #events: LoggedEvent<E>[] = [];
  readonly #sinks: LogSink[] = [];
  readonly #retain: boolean;
  #count = 0;

  constructor(header: LogHeader, options: { retain?: boolean } = {}) {
    this.header = header;
    this.#retain = options.retain ?? true;
  }

  /** Events appended so far (empty when not retained). */
  get events(): readonly LoggedEvent<E>[] {
    return this.#events;
  }

  /** Number of events appended (whether retained or not). */
  get length(): number {
    return this.#count;
  }

  addSink(sink: LogSink): void {
    this.#sinks.push(sink);
  }

  /** Stamps and appends one event; returns the stamped event. */
  append(event: E, at: Instant, cause?: number): LoggedEvent<E> {
    for (const key in event) {
      if (RESERVED_EVENT_FIELDS.has(key))
        throw new TypeError(`event ${event.type} may not carry a "${key}" field`);
    }
    const seq = ++this.#count;
    const logged = (
      cause === undefined ? { seq, at, ...event } : { seq, at, cause, ...event }
    ) as LoggedEvent<E>;
    if (this.#retain) this.#events.push(logged);
    for (const sink of this.#sinks) sink.append(logged);
    return logged;
  }

  /** sha256 of the canonical log (requires retained events). */
  digest(): string {
    this.#requireRetained('digest');
    return digestLog(this.header, this.#events);
  }

  /** The log as NDJSON text (requires retained events). */
  toNdjson(): string {
    this.#requireRetained('toNdjson');
    return encodeLog(this.header, this.#events);
  }

  #requireRetained(what: string): void {
    if (!this.#retain && this.#count > 0) throw new Error(`${what}() needs a log that retains its events`);
  }
}
