import { readFileSync } from 'node:fs';
import { LOG_FORMAT_NAME, LOG_FORMAT_VERSION, type LogHeader } from './logCodec.js';
import type { AnyEvent, EventShape, LoggedEvent } from './LoggedEvent.js';

/** A log that cannot be read; `line` is 1-based (the header is line 1). */
export class LogFormatError extends Error {
  override readonly name = 'LogFormatError';
  constructor(
    readonly line: number,
    readonly reason: string,
    readonly source?: string,
  ) {
    super(`${source === undefined ? '' : `${source}:`}line ${line}: ${reason}`);
  }
}

export interface DecodedLog<E extends EventShape = AnyEvent> {
  readonly header: LogHeader;
  readonly events: readonly LoggedEvent<E>[];
}

/**
 * Reads a whole NDJSON log and checks it: header format and version, one JSON object per line,
 * `seq` counting up from 1 without gaps, `at` integer and never decreasing, `type` a non-empty
 * string, `cause` (when present) naming an earlier event. Any problem throws a
 * {@link LogFormatError} with the line number; nothing is returned half-loaded.
 */
export function decodeLog<E extends EventShape = AnyEvent>(text: string, source?: string): DecodedLog<E> {
  if (text.length === 0) throw new LogFormatError(1, 'empty log: no header line', source);
  const lines = text.split('\n');
  const last = lines.pop();
  if (last !== '') {
    throw new LogFormatError(lines.length + 1, 'truncated line: the log does not end with a newline', source);
  }
  const header = parseHeader(lines[0] ?? '', source);
  const events: LoggedEvent<E>[] = [];
  let previousAt = 0;
  for (let index = 1; index < lines.length; index++) {
    const lineNumber = index + 1;
    const line = lines[index] as string;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new LogFormatError(lineNumber, `not valid JSON (${(error as Error).message})`, source);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new LogFormatError(lineNumber, 'an event must be a JSON object', source);
    }
    const event = value as Record<string, unknown>;
    const expectedSeq = events.length + 1;
    if (event['seq'] !== expectedSeq) {
      throw new LogFormatError(
        lineNumber,
        `seq is ${JSON.stringify(event['seq'])}, expected ${expectedSeq}`,
        source,
      );
    }
    const at = event['at'];
    if (typeof at !== 'number' || !Number.isSafeInteger(at) || at < 0) {
      throw new LogFormatError(
        lineNumber,
        `at must be a non-negative integer, got ${JSON.stringify(at)}`,
        source,
      );
    }
    if (at < previousAt) {
      throw new LogFormatError(lineNumber, `at ${at} is before the previous event's ${previousAt}`, source);
    }
    if (typeof event['type'] !== 'string' || event['type'] === '') {
      throw new LogFormatError(lineNumber, 'type must be a non-empty string', source);
    }
    const cause = event['cause'];
    if (
      cause !== undefined &&
      (typeof cause !== 'number' || !Number.isInteger(cause) || cause < 1 || cause >= expectedSeq)
    ) {
      throw new LogFormatError(
        lineNumber,
        `cause ${JSON.stringify(cause)} does not name an earlier event`,
        source,
      );
    }
    previousAt = at;
    events.push(event as unknown as LoggedEvent<E>);
  }
  return { header, events };
}

/** Reads and checks a log file (see {@link decodeLog}). */
export function readLogFile<E extends EventShape = AnyEvent>(path: string): DecodedLog<E> {
  return decodeLog<E>(readFileSync(path, 'utf8'), path);
}

function parseHeader(line: string, source: string | undefined): LogHeader {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new LogFormatError(1, `header is not valid JSON (${(error as Error).message})`, source);
  }
  const header = value as Partial<LogHeader> | null;
  if (typeof header !== 'object' || header === null || header.format !== LOG_FORMAT_NAME) {
    throw new LogFormatError(1, `not a knsim event log (header format must be "${LOG_FORMAT_NAME}")`, source);
  }
  if (typeof header.version !== 'number' || header.version > LOG_FORMAT_VERSION || header.version < 1) {
    throw new LogFormatError(
      1,
      `unsupported log format version ${JSON.stringify(header.version)} (this knsim reads version ${LOG_FORMAT_VERSION})`,
      source,
    );
  }
  if (
    typeof header.seed !== 'string' ||
    typeof header.scenarioDigest !== 'string' ||
    header.timeUnit !== 'us'
  ) {
    throw new LogFormatError(1, 'header lacks seed, scenarioDigest or timeUnit "us"', source);
  }
  return header as LogHeader;
}
