import { toDuration, UserError, type Duration } from '@knsim/core';
import type { PolicyOptions } from './LoadBalancingPolicy.js';

/**
 * A policy option that cannot be used (unknown key, wrong type, out of range); a user error, so
 * the CLI prints the message alone.
 *
 * @example
 * ```ts
 * createPolicy('maglev', rng, { tableSize: 100 });
 * // PolicyOptionError: maglev: option tableSize: must be a prime number, got 100
 * ```
 */
export class PolicyOptionError extends UserError {
  override readonly name = 'PolicyOptionError';
  constructor(
    readonly policy: string,
    readonly option: string,
    readonly reason: string,
  ) {
    super(`${policy}: option ${option}: ${reason}`);
  }
}

/**
 * Reads a policy's options with validation: each getter names the option and the policy in its
 * error. `done()` rejects keys nobody asked for.
 *
 * @example
 * ```ts
 * const reader = new OptionReader('ring_hash', options);
 * const minRingSize = reader.integer('minRingSize', 1024, 1);
 * reader.done();
 * ```
 */
export class OptionReader {
  readonly #seen = new Set<string>();

  constructor(
    readonly policy: string,
    readonly options: PolicyOptions = {},
  ) {}

  #value(key: string): unknown {
    this.#seen.add(key);
    return this.options[key];
  }

  /** A finite number in [min, max]. */
  number(key: string, fallback: number, min = -Infinity, max = Infinity): number {
    const value = this.#value(key);
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new PolicyOptionError(this.policy, key, `must be a number, got ${JSON.stringify(value)}`);
    }
    if (value < min || value > max) {
      throw new PolicyOptionError(this.policy, key, `must be in [${min}, ${max}], got ${value}`);
    }
    return value;
  }

  /** An integer in [min, max]. */
  integer(key: string, fallback: number, min = -Infinity, max = Infinity): number {
    const value = this.number(key, fallback, min, max);
    if (!Number.isInteger(value)) {
      throw new PolicyOptionError(this.policy, key, `must be an integer, got ${value}`);
    }
    return value;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.#value(key);
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') {
      throw new PolicyOptionError(this.policy, key, `must be true or false, got ${JSON.stringify(value)}`);
    }
    return value;
  }

  /** A duration: a string such as `"10s"` or a number of µs; positive unless `allowZero`. */
  duration(key: string, fallback: Duration, allowZero = false): Duration {
    const value = this.#value(key);
    if (value === undefined) return fallback;
    let duration: Duration;
    try {
      if (typeof value !== 'string' && typeof value !== 'number') throw new Error('not a duration');
      duration = toDuration(value);
    } catch {
      throw new PolicyOptionError(
        this.policy,
        key,
        `must be a duration such as "10s", got ${JSON.stringify(value)}`,
      );
    }
    if (duration < 0 || (duration === 0 && !allowZero)) {
      throw new PolicyOptionError(
        this.policy,
        key,
        `must be ${allowZero ? '>= 0' : '> 0'}, got ${JSON.stringify(value)}`,
      );
    }
    return duration;
  }

  /** One of `values`. */
  choice<T extends string>(key: string, values: readonly T[], fallback: T): T {
    const value = this.#value(key);
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
      throw new PolicyOptionError(
        this.policy,
        key,
        `must be one of ${values.join(', ')}, got ${JSON.stringify(value)}`,
      );
    }
    return value as T;
  }

  /** Rejects options that were not read (typos, options of another policy). */
  done(): void {
    for (const key of Object.keys(this.options)) {
      if (!this.#seen.has(key)) {
        const known = [...this.#seen].sort().join(', ') || 'none';
        throw new PolicyOptionError(this.policy, key, `unknown option (known: ${known})`);
      }
    }
  }
}

/**
 * True when `n` is a prime (trial division; table sizes are at most a few million).
 *
 * @example
 * ```ts
 * isPrime(65537); // true
 * isPrime(4096); // false
 * ```
 */
export function isPrime(n: number): boolean {
  if (!Number.isInteger(n) || n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
  return true;
}
