/**
 * Virtual time. knsim's clock counts integer **microseconds** from the start of a run: fine enough
 * for per-hop network latency, and 2^53 µs (about 285 years) stays exact in a JavaScript number.
 *
 * @module
 */

/** A point on the virtual clock, in integer microseconds since the run started. */
export type Instant = number;
/** A span of virtual time, in integer microseconds. */
export type Duration = number;

export const MICROSECOND: Duration = 1;
export const MILLISECOND: Duration = 1_000;
export const SECOND: Duration = 1_000_000;
export const MINUTE: Duration = 60 * SECOND;
export const HOUR: Duration = 60 * MINUTE;
export const DAY: Duration = 24 * HOUR;

const UNIT: Readonly<Record<string, Duration>> = {
  us: MICROSECOND,
  µs: MICROSECOND,
  ms: MILLISECOND,
  s: SECOND,
  m: MINUTE,
  h: HOUR,
  d: DAY,
};

/** Thrown for a duration string that cannot be read; the message says what was expected. */
export class DurationParseError extends Error {
  override readonly name = 'DurationParseError';
  constructor(
    readonly input: string,
    readonly reason: string,
  ) {
    super(`invalid duration ${JSON.stringify(input)}: ${reason}`);
  }
}

const TERM = /(\d+(?:\.\d+)?|\.\d+)(us|µs|ms|s|m|h|d)/y;

/**
 * Reads a Go-style duration (`250ms`, `1m30s`, `2h`, `1.5s`, `0`) into microseconds.
 * A bare number is rejected unless it is `0`, because `30` could mean seconds or milliseconds.
 *
 * @example
 * ```ts
 * parseDuration('1m30s'); // 90_000_000
 * ```
 */
export function parseDuration(input: string): Duration {
  const text = input.trim();
  if (text === '') throw new DurationParseError(input, 'empty string');
  if (text === '0') return 0;
  if (text.startsWith('-')) throw new DurationParseError(input, 'negative durations are not allowed');
  let total = 0;
  let position = 0;
  const seen = new Set<string>();
  while (position < text.length) {
    TERM.lastIndex = position;
    const match = TERM.exec(text);
    if (match === null) {
      const rest = text.slice(position);
      const reason = /^\d+(\.\d+)?$/.test(rest)
        ? `missing unit after ${rest} (use us, ms, s, m, h or d)`
        : `unexpected ${JSON.stringify(rest)} (expected a number followed by us, ms, s, m, h or d)`;
      throw new DurationParseError(input, reason);
    }
    const [, amount, unit] = match as unknown as [string, string, string];
    if (seen.has(unit)) throw new DurationParseError(input, `unit ${unit} appears twice`);
    seen.add(unit);
    total += Number(amount) * (UNIT[unit] ?? 0);
    position = TERM.lastIndex;
  }
  const rounded = Math.round(total);
  if (Math.abs(rounded - total) > 1e-6) {
    throw new DurationParseError(input, 'finer than one microsecond');
  }
  if (!Number.isSafeInteger(rounded)) throw new DurationParseError(input, 'too large');
  return rounded;
}

/**
 * Accepts a duration string or a number of microseconds; the form scenario and config files use.
 */
export function toDuration(value: string | number): Duration {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new DurationParseError(String(value), 'a number of microseconds must be a non-negative integer');
    }
    return value;
  }
  return parseDuration(value);
}

/**
 * Formats microseconds as the shortest exact Go-style string: `90_000_000` → `1m30s`,
 * `1_500` → `1.5ms`. `parseDuration(formatDuration(d)) === d` for every non-negative integer d.
 */
export function formatDuration(duration: Duration): string {
  if (!Number.isFinite(duration)) return String(duration);
  if (duration < 0) return `-${formatDuration(-duration)}`;
  if (duration === 0) return '0s';
  let rest = Math.round(duration);
  let out = '';
  for (const [unit, size] of [
    ['h', HOUR],
    ['m', MINUTE],
  ] as const) {
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  if (rest === 0) return out;
  if (rest >= SECOND || out !== '') return out + `${trimFraction(rest / SECOND, 6)}s`;
  if (rest >= MILLISECOND) return `${trimFraction(rest / MILLISECOND, 3)}ms`;
  return `${rest}us`;
}

function trimFraction(value: number, digits: number): string {
  return value.toFixed(digits).replace(/\.?0+$/, '');
}
