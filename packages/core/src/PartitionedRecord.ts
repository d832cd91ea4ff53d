/**
 * A keyed collection shaped for immer. A flat record of 150,000 entries makes every `produce`
 * that touches one entry copy all 150,000 keys; here entries sit in a two-level tree of 64 x 64
 * buckets chosen by a hash of the key, so one change copies about 64 + 64 + n/4096 keys.
 * It is plain data (JSON-serialisable, draftable); use the functions of {@link Partitioned} on it,
 * on the state or on an immer draft alike.
 */
export interface PartitionedRecord<T> {
  readonly size: number;
  readonly buckets: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, T>>>>>>;
}

type MutableRecord<T> = {
  size: number;
  buckets: Record<string, Record<string, Record<string, T>>>;
};

const FANOUT_BITS = 6;
const FANOUT_MASK = (1 << FANOUT_BITS) - 1;

/** FNV-1a over UTF-16 code units: cheap, stable across runs and platforms. */
function hashKey(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function location(key: string): [string, string] {
  const hash = hashKey(key);
  return [`b${hash & FANOUT_MASK}`, `b${(hash >>> FANOUT_BITS) & FANOUT_MASK}`];
}

/** Operations on {@link PartitionedRecord}. */
export const Partitioned = {
  empty<T>(): PartitionedRecord<T> {
    return { size: 0, buckets: {} };
  },

  get<T>(record: PartitionedRecord<T>, key: string): T | undefined {
    const [outer, inner] = location(key);
    const leaf = record.buckets[outer]?.[inner];
    return leaf !== undefined && Object.hasOwn(leaf, key) ? leaf[key] : undefined;
  },

  has<T>(record: PartitionedRecord<T>, key: string): boolean {
    const [outer, inner] = location(key);
    const leaf = record.buckets[outer]?.[inner];
    return leaf !== undefined && Object.hasOwn(leaf, key);
  },

  /** Sets an entry; call it on an immer draft (or on a record you own). */
  set<T>(record: PartitionedRecord<T>, key: string, value: T): void {
    const target = record as MutableRecord<T>;
    const [outer, inner] = location(key);
    const middle = (target.buckets[outer] ??= {});
    const leaf = (middle[inner] ??= {});
    if (!Object.hasOwn(leaf, key)) target.size++;
    leaf[key] = value;
  },

  /** Removes an entry; returns whether it existed. Call it on an immer draft. */
  remove<T>(record: PartitionedRecord<T>, key: string): boolean {
    const target = record as MutableRecord<T>;
    const [outer, inner] = location(key);
    const middle = target.buckets[outer];
    const leaf = middle?.[inner];
    if (middle === undefined || leaf === undefined || !Object.hasOwn(leaf, key)) return false;
    delete leaf[key];
    target.size--;
    return true;
  },

  /** All entries in a stable order (bucket order, then insertion order within a bucket). */
  *entries<T>(record: PartitionedRecord<T>): IterableIterator<[string, T]> {
    for (const outer of Object.keys(record.buckets).sort(compareBucket)) {
      const middle = record.buckets[outer] as Record<string, Record<string, T>>;
      for (const inner of Object.keys(middle).sort(compareBucket)) {
        const leaf = middle[inner] as Record<string, T>;
        for (const key of Object.keys(leaf)) yield [key, leaf[key] as T];
      }
    }
  },

  *values<T>(record: PartitionedRecord<T>): IterableIterator<T> {
    for (const [, value] of Partitioned.entries(record)) yield value;
  },

  /** Entries sorted by key: the order to use for anything a user sees. */
  sortedEntries<T>(record: PartitionedRecord<T>): [string, T][] {
    return [...Partitioned.entries(record)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  },
};

function compareBucket(a: string, b: string): number {
  return Number(a.slice(1)) - Number(b.slice(1));
}
