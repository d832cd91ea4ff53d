/** Greatest common divisor of two non-negative integers (Euclid), as IPVS uses for weights. */
export function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}
