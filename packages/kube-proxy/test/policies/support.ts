import { RandomStream, RandomStreams } from '@knsim/core';
import type { Backend, LoadBalancingPolicy, PickContext } from '../../src/policies/index.js';

/** Backends `10.0.0.<i+1>:80` with the given weights (all 1 by default). */
export function backendsOf(count: number, weights?: readonly number[]): Backend[] {
  return Array.from({ length: count }, (_, i) => ({ id: `10.0.0.${i + 1}:80`, weight: weights?.[i] ?? 1 }));
}

/** Named backends (`a`, `b`, ...) for worked examples. */
export function named(...entries: (string | [string, number])[]): Backend[] {
  return entries.map((entry) =>
    typeof entry === 'string' ? { id: entry, weight: 1 } : { id: entry[0], weight: entry[1] },
  );
}

export function context(now = 0, sourceIp = '10.244.0.2', sourcePort?: number): PickContext {
  return sourcePort === undefined ? { sourceIp, now } : { sourceIp, sourcePort, now };
}

/** Ids of `count` successive picks (no onStart/onFinish). */
export function picks(
  policy: LoadBalancingPolicy,
  backends: readonly Backend[],
  count: number,
  now = 0,
): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(policy.pick(backends, context(now))?.id ?? '-');
  return out;
}

export function rng(seed: number | string, name = 'lb'): RandomStream {
  return new RandomStreams(seed).stream(name);
}

/** A RandomStream whose `next()` returns the scripted values in order (then throws). */
export function scripted(...values: number[]): RandomStream {
  const stream = new RandomStream('scripted', 'scripted');
  let index = 0;
  stream.next = () => {
    if (index >= values.length) throw new Error('scripted RandomStream exhausted');
    return values[index++] as number;
  };
  return stream;
}

/**
 * Exact binomial acceptance interval for Bin(trials, p): the smallest and largest counts whose
 * lower and upper tails each carry more than `tail` probability (reference section 10: split a
 * failure budget delta over k backends and two tails, tail = delta / (2k)).
 */
export function binomialBounds(trials: number, p: number, tail: number): [number, number] {
  const logPmf = (k: number) =>
    logFactorial(trials) -
    logFactorial(k) -
    logFactorial(trials - k) +
    k * Math.log(p) +
    (trials - k) * Math.log1p(-p);
  let low = 0;
  for (let k = 0, sum = 0; k <= trials; k++) {
    sum += Math.exp(logPmf(k));
    if (sum > tail) {
      low = k;
      break;
    }
  }
  let high = trials;
  for (let k = trials, sum = 0; k >= 0; k--) {
    sum += Math.exp(logPmf(k));
    if (sum > tail) {
      high = k;
      break;
    }
  }
  return [low, high];
}

const logFactorials: number[] = [0];
function logFactorial(n: number): number {
  for (let i = logFactorials.length; i <= n; i++)
    logFactorials.push((logFactorials[i - 1] as number) + Math.log(i));
  return logFactorials[n] as number;
}

/** Counts of each id in `ids`. */
export function tally(ids: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}
