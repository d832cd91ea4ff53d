/**
 * The two distributions knsim's fairness tests need, computed to near machine precision in the
 * far tails (failure budgets like 1e-9 live there): the chi-square distribution through the
 * regularized incomplete gamma function, and the binomial distribution through Loader's
 * saddle-point probability mass function summed in the tail. Normal approximations (Wilson–Hilferty,
 * de Moivre–Laplace) are off by whole counts or more at 1e-9, which is why none is used here.
 *
 * @module
 */

// Lanczos coefficients for g = 7, n = 9: relative error about 1e-15 for x >= 0.5.
const LANCZOS = [
  0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7,
] as const;
const LN_SQRT_2PI = 0.9189385332046728;
const LN_2PI = 1.8378770664093456;
const EPSILON = 1e-16;
const TINY = 1e-300;
const MAX_ITERATIONS = 10_000_000;

/**
 * The natural logarithm of the gamma function for x > 0 (Lanczos approximation).
 *
 * @example
 * ```ts
 * logGamma(5); // ln(4!) = ln 24 ≈ 3.178
 * ```
 */
export function logGamma(x: number): number {
  if (!(x > 0) || !Number.isFinite(x))
    throw new RangeError(`logGamma(${x}): x must be a positive finite number`);
  if (x < 0.5) {
    // Reflection keeps the approximation in its accurate range.
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] as number) / (z + i);
  const t = z + 7.5;
  return LN_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

function checkGammaArguments(name: string, a: number, x: number): void {
  if (!(a > 0) || !Number.isFinite(a))
    throw new RangeError(`${name}(${a}, ${x}): a must be positive and finite`);
  if (!(x >= 0)) throw new RangeError(`${name}(${a}, ${x}): x must be >= 0`);
}

// e^-x x^a / Γ(a): the factor both expansions share, in log space so it never overflows.
function gammaPrefactor(a: number, x: number): number {
  return Math.exp(-x + a * Math.log(x) - logGamma(a));
}

// P(a, x) by its power series; converges fast for x < a + 1.
function gammaSeries(a: number, x: number): number {
  let denominator = a;
  let term = 1 / a;
  let sum = term;
  for (let i = 0; i < MAX_ITERATIONS; i++) {
    denominator += 1;
    term *= x / denominator;
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPSILON) return sum * gammaPrefactor(a, x);
  }
  throw new RangeError(`regularized gamma series did not converge for a=${a}, x=${x}`);
}

// Q(a, x) by its continued fraction (modified Lentz); converges fast for x >= a + 1 and keeps
// full relative precision however small Q is, which the far tail needs.
function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) return gammaPrefactor(a, x) * h;
  }
  throw new RangeError(`regularized gamma continued fraction did not converge for a=${a}, x=${x}`);
}

/**
 * The regularized lower incomplete gamma function P(a, x) = γ(a, x) / Γ(a).
 *
 * @example
 * ```ts
 * regularizedGammaP(1, 1); // 1 - e^-1 ≈ 0.632
 * ```
 */
export function regularizedGammaP(a: number, x: number): number {
  checkGammaArguments('regularizedGammaP', a, x);
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/**
 * The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x), computed directly (not
 * as 1 - P) where it is small, so tail probabilities down to 1e-300 keep their relative precision.
 *
 * @example
 * ```ts
 * regularizedGammaQ(1, 30); // e^-30 ≈ 9.36e-14
 * ```
 */
export function regularizedGammaQ(a: number, x: number): number {
  checkGammaArguments('regularizedGammaQ', a, x);
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

/**
 * The chi-square survival function P(X² > x) for `dof` degrees of freedom: the p-value of a
 * Pearson statistic x.
 *
 * @example
 * ```ts
 * chiSquareSurvival(16.919, 9); // ≈ 0.05
 * ```
 */
export function chiSquareSurvival(x: number, dof: number): number {
  if (!(dof > 0) || !Number.isFinite(dof))
    throw new RangeError(`chiSquareSurvival: dof ${dof} must be positive`);
  if (Number.isNaN(x)) throw new RangeError('chiSquareSurvival: x is NaN');
  if (x <= 0) return 1;
  return regularizedGammaQ(dof / 2, x / 2);
}

// Stirling's series error term ln(n!) - [(n + 1/2) ln n - n + ln √(2π)] for n = 1..15, computed
// with 40-digit arithmetic (mpmath); above 15 the asymptotic series is exact to double precision.
const STIRLING_ERROR_SMALL = [
  0, 0.08106146679532726, 0.0413406959554093, 0.02767792568499834, 0.020790672103765093, 0.016644691189821193,
  0.013876128823070748, 0.01189670994589177, 0.010411265261972096, 0.009255462182712733, 0.00833056343336287,
  0.007573675487951841, 0.00694284010720953, 0.006408994188004207, 0.0059513701127588475,
  0.005554733551962801,
] as const;
const S0 = 1 / 12;
const S1 = 1 / 360;
const S2 = 1 / 1260;
const S3 = 1 / 1680;
const S4 = 1 / 1188;

function stirlingError(n: number): number {
  if (n <= 15) return STIRLING_ERROR_SMALL[n] as number;
  const nn = n * n;
  if (n > 500) return (S0 - S1 / nn) / n;
  if (n > 80) return (S0 - (S1 - S2 / nn) / nn) / n;
  if (n > 35) return (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n;
  return (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n;
}

// The deviance term x ln(x / np) + np - x, by a series when x is close to np, where the direct
// formula would cancel catastrophically.
function deviance(x: number, np: number): number {
  if (Math.abs(x - np) < 0.1 * (x + np)) {
    let v = (x - np) / (x + np);
    let sum = (x - np) * v;
    let ej = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      ej *= v;
      const next = sum + ej / (2 * j + 1);
      if (next === sum) return next;
      sum = next;
    }
    return sum;
  }
  return x * Math.log(x / np) + np - x;
}

function checkBinomial(name: string, n: number, p: number): void {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(`${name}: n=${n} must be a non-negative integer`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${name}: p=${p} must lie in [0, 1]`);
}

// Loader's saddle-point binomial pmf (the algorithm behind R's dbinom): relative error near
// 1e-15 for every x, where exp(log C(n, x) + ...) through lgamma loses digits to cancellation.
function pmf(x: number, n: number, p: number, q: number): number {
  if (p === 0) return x === 0 ? 1 : 0;
  if (q === 0) return x === n ? 1 : 0;
  if (x < 0 || x > n) return 0;
  if (x === 0) {
    if (n === 0) return 1;
    return Math.exp(p < 0.1 ? -deviance(n, n * q) - n * p : n * Math.log(q));
  }
  if (x === n) return Math.exp(q < 0.1 ? -deviance(n, n * p) - n * q : n * Math.log(p));
  const lc =
    stirlingError(n) - stirlingError(x) - stirlingError(n - x) - deviance(x, n * p) - deviance(n - x, n * q);
  const lf = LN_2PI + Math.log(x) + Math.log1p(-x / n);
  return Math.exp(lc - 0.5 * lf);
}

// P(X <= x) for x < np: below the mean each term is smaller than the one above it by the ratio
// rho, and rho only shrinks further down, so once term * rho / (1 - rho) (a bound on everything
// left) is negligible the sum is complete. Terms follow by that ratio, so each costs O(1).
function lowerTail(x: number, n: number, p: number, q: number): number {
  if (x < 0) return 0;
  let term = pmf(x, n, p, q);
  let sum = 0;
  for (let j = x; j >= 0; j--) {
    sum += term;
    if (j === 0) break;
    const rho = (j * q) / ((n - j + 1) * p);
    if (rho < 1 && (term * rho) / (1 - rho) <= sum * EPSILON * 0.1) break;
    term *= rho;
  }
  return sum;
}

// P(X >= y) for y > np: the mirror image of lowerTail.
function upperTail(y: number, n: number, p: number, q: number): number {
  if (y > n) return 0;
  let term = pmf(y, n, p, q);
  let sum = 0;
  for (let j = y; j <= n; j++) {
    sum += term;
    if (j === n) break;
    const rho = ((n - j) * p) / ((j + 1) * q);
    if (rho < 1 && (term * rho) / (1 - rho) <= sum * EPSILON * 0.1) break;
    term *= rho;
  }
  return sum;
}

/**
 * The binomial probability mass P(X = x) for X ~ Binomial(n, p).
 *
 * @example
 * ```ts
 * binomialPmf(5, 10, 0.5); // 252 / 1024 ≈ 0.246
 * ```
 */
export function binomialPmf(x: number, n: number, p: number): number {
  checkBinomial('binomialPmf', n, p);
  if (!Number.isInteger(x)) return 0;
  return pmf(x, n, p, 1 - p);
}

/**
 * The binomial cumulative distribution P(X <= x) for X ~ Binomial(n, p). The tail on the far side
 * of the mean is summed directly, so probabilities like 1e-11 keep full relative precision.
 *
 * @example
 * ```ts
 * binomialCdf(811, 10_000, 0.1); // ≈ 4.894e-11
 * ```
 */
export function binomialCdf(x: number, n: number, p: number): number {
  checkBinomial('binomialCdf', n, p);
  const k = Math.floor(x);
  if (k < 0) return 0;
  if (k >= n) return 1;
  const q = 1 - p;
  return k < n * p ? lowerTail(k, n, p, q) : 1 - upperTail(k + 1, n, p, q);
}

/**
 * The binomial survival function P(X > x) for X ~ Binomial(n, p) (scipy's `sf`), precise in the
 * upper tail.
 *
 * @example
 * ```ts
 * binomialSurvival(1199, 10_000, 0.1); // ≈ 4.803e-11
 * ```
 */
export function binomialSurvival(x: number, n: number, p: number): number {
  checkBinomial('binomialSurvival', n, p);
  const k = Math.floor(x);
  if (k < 0) return 1;
  if (k >= n) return 0;
  const q = 1 - p;
  return k + 1 > n * p ? upperTail(k + 1, n, p, q) : 1 - lowerTail(k, n, p, q);
}
