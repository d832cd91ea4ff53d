import { createHash, type Hash } from 'node:crypto';
import { canonicalJson } from './canonicalJson.js';
import type { EventShape, LoggedEvent } from './LoggedEvent.js';

/** The current NDJSON log format version; readers reject newer ones. */
export const LOG_FORMAT_VERSION = 1;
export const LOG_FORMAT_NAME = 'knsim-event-log';

/** The first line of every log. */
export interface LogHeader {
  readonly format: typeof LOG_FORMAT_NAME;
  readonly version: number;
  /** The run seed, as a string (seeds may be numbers or strings). */
  readonly seed: string;
  /** `sha256:<hex>` of the scenario (or other input) that produced the run. */
  readonly scenarioDigest: string;
  /** Unit of `at`: always `us` (microseconds) in version 1. */
  readonly timeUnit: 'us';
  /** Free-form producer metadata (tool version, command line...). */
  readonly meta?: Readonly<Record<string, unknown>>;
}

export function makeLogHeader(options: {
  seed: number | string;
  scenarioDigest: string;
  meta?: Record<string, unknown>;
}): LogHeader {
  return {
    format: LOG_FORMAT_NAME,
    version: LOG_FORMAT_VERSION,
    seed: String(options.seed),
    scenarioDigest: options.scenarioDigest,
    timeUnit: 'us',
    ...(options.meta === undefined ? {} : { meta: options.meta }),
  };
}

/** Encodes the header line (without the newline). */
export function encodeHeader(header: LogHeader): string {
  return canonicalJson(header);
}

/**
 * Encodes one event as a canonical NDJSON line (without the newline): `seq`, `at`, `type` first
 * for readability, then `cause`, then the payload with sorted keys.
 */
export function encodeEvent(event: LoggedEvent<EventShape>): string {
  const { seq, at, type, cause, ...payload } = event as LoggedEvent & Record<string, unknown>;
  const rest = canonicalJson(payload);
  const head = `{"seq":${seq},"at":${at},"type":${JSON.stringify(type)}${cause === undefined ? '' : `,"cause":${cause as number}`}`;
  return rest === '{}' ? `${head}}` : `${head},${rest.slice(1)}`;
}

/** Incremental sha256 over the canonical log text (header line, then one line per event). */
export class LogDigest {
  readonly #hash: Hash = createHash('sha256');

  update(line: string): void {
    this.#hash.update(line);
    this.#hash.update('\n');
  }

  /** `sha256:<hex>`; the digest can be read once. */
  finish(): string {
    return `sha256:${this.#hash.digest('hex')}`;
  }
}

/** The digest of a whole log held in memory. */
export function digestLog(header: LogHeader, events: Iterable<LoggedEvent<EventShape>>): string {
  const digest = new LogDigest();
  digest.update(encodeHeader(header));
  for (const event of events) digest.update(encodeEvent(event));
  return digest.finish();
}

/** The whole log as NDJSON text (every line newline-terminated). */
export function encodeLog(header: LogHeader, events: Iterable<LoggedEvent<EventShape>>): string {
  const lines = [encodeHeader(header)];
  for (const event of events) lines.push(encodeEvent(event));
  return lines.join('\n') + '\n';
}

/** `sha256:<hex>` of arbitrary text, e.g. a scenario file. */
export function sha256(text: string | Uint8Array): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}
