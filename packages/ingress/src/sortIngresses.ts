import type { Ingress } from '@knsim/api';
import { objectKey } from './objectKey.js';

// Go's zero time (an absent timestamp) sorts before every real one.
function creationTime(ingress: Ingress): number {
  const stamp = ingress.metadata.creationTimestamp;
  const parsed = stamp === undefined ? Number.NaN : Date.parse(stamp);
  return Number.isNaN(parsed) ? Number.NEGATIVE_INFINITY : parsed;
}

/**
 * The Ingresses in the order ingress-nginx builds its configuration from, which decides every
 * conflict (first one wins): oldest `creationTimestamp` first and, for equal timestamps,
 * `namespace/name` in *descending* order (as ingress-nginx's store sorts them).
 */
export function sortIngresses(ingresses: readonly Ingress[]): Ingress[] {
  const keyed = ingresses.map((ingress) => ({
    ingress,
    time: creationTime(ingress),
    key: objectKey(ingress),
  }));
  keyed.sort((a, b) => {
    if (a.time !== b.time) return a.time < b.time ? -1 : 1;
    if (a.key === b.key) return 0;
    return a.key > b.key ? -1 : 1;
  });
  return keyed.map((entry) => entry.ingress);
}
