import type { Instant } from './duration.js';

/** What every event carries before the log stamps it: a past-tense `type` and its payload. */
export interface EventShape {
  readonly type: string;
}

/** Any event: a type plus arbitrary JSON fields (the default when no event union is given). */
export interface AnyEvent extends EventShape {
  readonly [field: string]: unknown;
}

/**
 * An event as recorded: `seq` (1-based position in the log), `at` (virtual time), the event's own
 * fields, and optionally `cause`, the `seq` of the event that led to it.
 */
export type LoggedEvent<E extends EventShape = AnyEvent> = E & {
  readonly seq: number;
  readonly at: Instant;
  readonly cause?: number;
};

/** Fields the log owns; a payload may not use them. */
export const RESERVED_EVENT_FIELDS: ReadonlySet<string> = new Set(['seq', 'at', 'cause']);
