import { DurationParseError, formatDuration, parseDuration, type Duration } from './duration.js';
import type { RandomStream } from './RandomStream.js';

/**
 * A random duration, as users write it in configuration:
 * - `"250ms"` (a constant),
 * - `{ constant: "1s" }`,
 * - `{ uniform: { min: "100ms", max: "2s" } }`,
 * - `{ exponential: { mean: "500ms" } }`,
 * - `{ lognormal: { median: "300ms", sigma: 0.5 } }` (sigma of the underlying normal),
 * - `{ normal: { mean: "1s", stddev: "100ms" } }` (truncated at 0).
 * Any of them may add `min`/`max` bounds (except uniform, which has them already).
 */
export type DurationDistributionSpec =
  | string
  | { readonly constant: string }
  | { readonly uniform: { readonly min: string; readonly max: string } }
  | { readonly exponential: { readonly mean: string; readonly min?: string; readonly max?: string } }
  | {
      readonly lognormal: {
        readonly median: string;
        readonly sigma: number;
        readonly min?: string;
        readonly max?: string;
      };
    }
  | {
      readonly normal: {
        readonly mean: string;
        readonly stddev: string;
        readonly min?: string;
        readonly max?: string;
      };
    };

/** A parsed distribution (integer microseconds throughout). */
export type DurationDistribution =
  | { readonly kind: 'constant'; readonly value: Duration }
  | { readonly kind: 'uniform'; readonly min: Duration; readonly max: Duration }
  | { readonly kind: 'exponential'; readonly mean: Duration; readonly min: Duration; readonly max: Duration }
  | {
      readonly kind: 'lognormal';
      readonly median: Duration;
      readonly sigma: number;
      readonly min: Duration;
      readonly max: Duration;
    }
  | {
      readonly kind: 'normal';
      readonly mean: Duration;
      readonly stddev: Duration;
      readonly min: Duration;
      readonly max: Duration;
    };

/** A distribution that cannot be read; `path` names the field (e.g. `timings.sandbox.uniform.max`). */
export class DistributionError extends Error {
  override readonly name = 'DistributionError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

const KINDS = ['constant', 'uniform', 'exponential', 'lognormal', 'normal'] as const;

/**
 * Reads a {@link DurationDistributionSpec}. Errors name the field path and say what was expected.
 *
 * @example
 * ```ts
 * const d = parseDurationDistribution({ uniform: { min: '1s', max: '3s' } }, 'delays.sync');
 * sampleDuration(d, new RandomStreams(1).stream('x')); // an integer in [1_000_000, 3_000_000]
 * ```
 */
export function parseDurationDistribution(spec: unknown, path: string): DurationDistribution {
  if (typeof spec === 'string' || typeof spec === 'number') {
    return { kind: 'constant', value: durationAt(spec, path) };
  }
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new DistributionError(path, `expected a duration string or one of {${KINDS.join(', ')}}`);
  }
  const keys = Object.keys(spec);
  if (keys.length !== 1 || !KINDS.includes(keys[0] as (typeof KINDS)[number])) {
    throw new DistributionError(
      path,
      `expected exactly one of ${KINDS.join(', ')}, got {${keys.join(', ')}}`,
    );
  }
  const kind = keys[0] as (typeof KINDS)[number];
  const body = (spec as Record<string, unknown>)[kind];
  const at = `${path}.${kind}`;
  if (kind === 'constant') return { kind, value: durationAt(body, at) };
  if (typeof body !== 'object' || body === null) throw new DistributionError(at, 'expected an object');
  const fields = body as Record<string, unknown>;
  const allowed: Record<typeof kind, readonly string[]> = {
    uniform: ['min', 'max'],
    exponential: ['mean', 'min', 'max'],
    lognormal: ['median', 'sigma', 'min', 'max'],
    normal: ['mean', 'stddev', 'min', 'max'],
  };
  for (const key of Object.keys(fields)) {
    if (!allowed[kind].includes(key))
      throw new DistributionError(`${at}.${key}`, `unknown field (allowed: ${allowed[kind].join(', ')})`);
  }
  const min = fields['min'] === undefined ? 0 : durationAt(fields['min'], `${at}.min`);
  const max = fields['max'] === undefined ? Number.MAX_SAFE_INTEGER : durationAt(fields['max'], `${at}.max`);
  if (max < min)
    throw new DistributionError(
      `${at}.max`,
      `max ${formatDuration(max)} is below min ${formatDuration(min)}`,
    );
  switch (kind) {
    case 'uniform':
      if (fields['min'] === undefined || fields['max'] === undefined)
        throw new DistributionError(at, 'uniform needs min and max');
      return { kind, min, max };
    case 'exponential':
      return { kind, mean: required(fields, 'mean', at), min, max };
    case 'normal':
      return { kind, mean: required(fields, 'mean', at), stddev: required(fields, 'stddev', at), min, max };
    case 'lognormal': {
      const sigma = fields['sigma'];
      if (typeof sigma !== 'number' || !(sigma >= 0) || !Number.isFinite(sigma)) {
        throw new DistributionError(`${at}.sigma`, 'expected a number >= 0');
      }
      return { kind, median: required(fields, 'median', at), sigma, min, max };
    }
  }
}

/** Draws one integer duration (microseconds) from a distribution. */
export function sampleDuration(distribution: DurationDistribution, rng: RandomStream): Duration {
  let value: number;
  switch (distribution.kind) {
    case 'constant':
      return distribution.value;
    case 'uniform':
      return rng.int(distribution.min, distribution.max);
    case 'exponential':
      value = rng.exponential(distribution.mean);
      break;
    case 'lognormal':
      value = distribution.median * Math.exp(rng.normal(0, distribution.sigma));
      break;
    case 'normal':
      value = rng.normal(distribution.mean, distribution.stddev);
      break;
  }
  return Math.min(distribution.max, Math.max(distribution.min, Math.round(value)));
}

/** The distribution's mean, for reports and for bounds in tests (bounds ignored except for uniform). */
export function meanDuration(distribution: DurationDistribution): Duration {
  switch (distribution.kind) {
    case 'constant':
      return distribution.value;
    case 'uniform':
      return (distribution.min + distribution.max) / 2;
    case 'exponential':
    case 'normal':
      return distribution.mean;
    case 'lognormal':
      return distribution.median * Math.exp((distribution.sigma * distribution.sigma) / 2);
  }
}

/** The largest value a distribution can produce (Infinity when unbounded). */
export function maxDuration(distribution: DurationDistribution): Duration {
  if (distribution.kind === 'constant') return distribution.value;
  return distribution.max === Number.MAX_SAFE_INTEGER ? Number.POSITIVE_INFINITY : distribution.max;
}

function required(fields: Record<string, unknown>, key: string, at: string): Duration {
  if (fields[key] === undefined) throw new DistributionError(`${at}.${key}`, 'required');
  return durationAt(fields[key], `${at}.${key}`);
}

function durationAt(value: unknown, path: string): Duration {
  if (typeof value === 'number') {
    if (value === 0) return 0;
    throw new DistributionError(
      path,
      `bare number ${value}: write a duration with a unit, e.g. "${value}ms" or "${value}s"`,
    );
  }
  if (typeof value !== 'string')
    throw new DistributionError(path, 'expected a duration string such as "250ms"');
  try {
    return parseDuration(value);
  } catch (error) {
    if (error instanceof DurationParseError) throw new DistributionError(path, error.message);
    throw error;
  }
}
