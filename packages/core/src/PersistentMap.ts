/**
 * An immutable string-keyed map (a hash array mapped trie, 32-way, path copying) for the large
 * collections of simulation state. Inside an immer state a flat record of 150,000 pods makes
 * every `produce` that touches one pod copy all 150,000 keys; a `PersistentMap` is not drafted by
 * immer (it is a class instance) and `set` copies only the path to one entry: O(log32 n), about
 * four small arrays at 150,000 entries, with everything else shared with the previous version.
 *
 * The trie is canonical: a given set of keys always has the same shape whatever the order of
 * the operations that built it, so iteration order depends only on the contents (not on
 * history), and a log folded in batches or event by event yields identical maps.
 *
 * @example
 * ```ts
 * const empty = PersistentMap.empty<number>();
 * const one = empty.set('default/web-1', 1);
 * one.get('default/web-1'); // 1
 * empty.size; // 0: earlier versions never change
 * // In an immer evolve: draft.pods = draft.pods.set(key, pod);
 * ```
 */
export class PersistentMap<V> implements Iterable<[string, V]> {
  static empty<V>(): PersistentMap<V> {
    return new PersistentMap<V>(null, 0);
  }

  static from<V>(entries: Iterable<readonly [string, V]>): PersistentMap<V> {
    let map = PersistentMap.empty<V>();
    for (const [key, value] of entries) map = map.set(key, value);
    return map;
  }

  private constructor(
    private readonly root: Node<V> | null,
    readonly size: number,
  ) {}

  get(key: string): V | undefined {
    return this.#entry(key)?.value;
  }

  has(key: string): boolean {
    return this.#entry(key) !== undefined;
  }

  /** A new map with `key` set to `value` (this map itself when nothing changes). */
  set(key: string, value: V): PersistentMap<V> {
    const hash = hashKey(key);
    const added = { value: false };
    const root =
      this.root === null ? makeEntry(key, hash, value, added) : setIn(this.root, 0, hash, key, value, added);
    if (root === this.root) return this;
    return new PersistentMap(root, added.value ? this.size + 1 : this.size);
  }

  /** A new map without `key` (this map itself when it was absent). */
  delete(key: string): PersistentMap<V> {
    if (this.root === null) return this;
    const root = deleteIn(this.root, 0, hashKey(key), key);
    if (root === this.root) return this;
    return new PersistentMap(root, this.size - 1);
  }

  /** A new map with `key` set to `update(current)`; `update` gets undefined when absent. */
  update(key: string, update: (current: V | undefined) => V): PersistentMap<V> {
    return this.set(key, update(this.get(key)));
  }

  *entries(): IterableIterator<[string, V]> {
    if (this.root !== null) yield* walk(this.root);
  }

  *keys(): IterableIterator<string> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): IterableIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries();
  }

  /** Entries sorted by key: the order to use for anything a user sees. */
  sortedEntries(): [string, V][] {
    return [...this.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** A plain object with the entries sorted by key (for JSON and test comparisons). */
  toJSON(): Record<string, V> {
    return Object.fromEntries(this.sortedEntries());
  }

  #entry(key: string): Entry<V> | undefined {
    let node = this.root;
    const hash = hashKey(key);
    let shift = 0;
    while (node !== null) {
      if (node.kind === BRANCH) {
        const bit = 1 << ((hash >>> shift) & MASK);
        if ((node.bitmap & bit) === 0) return undefined;
        node = node.children[popcount(node.bitmap & (bit - 1))] as Node<V>;
        shift += BITS;
      } else if (node.kind === ENTRY) {
        return node.key === key ? node : undefined;
      } else {
        if (node.hash !== hash) return undefined;
        return node.entries.find((entry) => entry.key === key);
      }
    }
    return undefined;
  }
}

const BITS = 5;
const MASK = 31;
const ENTRY = 0;
const BRANCH = 1;
const COLLISION = 2;

interface Entry<V> {
  readonly kind: typeof ENTRY;
  readonly key: string;
  readonly hash: number;
  readonly value: V;
}
interface Branch<V> {
  readonly kind: typeof BRANCH;
  readonly bitmap: number;
  readonly children: readonly Node<V>[];
}
interface Collision<V> {
  readonly kind: typeof COLLISION;
  readonly hash: number;
  /** Sorted by key, so the shape stays canonical. */
  readonly entries: readonly Entry<V>[];
}
type Node<V> = Entry<V> | Branch<V> | Collision<V>;

/** FNV-1a over UTF-16 code units with a final avalanche: cheap and stable across platforms. */
function hashKey(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  return hash >>> 0;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

function makeEntry<V>(key: string, hash: number, value: V, added: { value: boolean }): Entry<V> {
  added.value = true;
  return { kind: ENTRY, key, hash, value };
}

function branchOf<V>(shift: number, a: Node<V> & { hash: number }, b: Node<V> & { hash: number }): Node<V> {
  // Two leaves whose hashes differ somewhere at or below `shift`.
  const ia = (a.hash >>> shift) & MASK;
  const ib = (b.hash >>> shift) & MASK;
  if (ia === ib) return { kind: BRANCH, bitmap: 1 << ia, children: [branchOf(shift + BITS, a, b)] };
  return { kind: BRANCH, bitmap: (1 << ia) | (1 << ib), children: ia < ib ? [a, b] : [b, a] };
}

function setIn<V>(
  node: Node<V>,
  shift: number,
  hash: number,
  key: string,
  value: V,
  added: { value: boolean },
): Node<V> {
  switch (node.kind) {
    case ENTRY: {
      if (node.key === key) return node.value === value ? node : { kind: ENTRY, key, hash, value };
      const entry = makeEntry(key, hash, value, added);
      if (node.hash === hash) {
        return { kind: COLLISION, hash, entries: node.key < key ? [node, entry] : [entry, node] };
      }
      return branchOf(shift, node, entry);
    }
    case COLLISION: {
      if (node.hash !== hash) return branchOf(shift, node, makeEntry(key, hash, value, added));
      const index = node.entries.findIndex((e) => e.key >= key);
      const existing = index >= 0 ? node.entries[index] : undefined;
      if (existing !== undefined && existing.key === key) {
        if (existing.value === value) return node;
        const entries = node.entries.slice();
        entries[index] = { kind: ENTRY, key, hash, value };
        return { kind: COLLISION, hash, entries };
      }
      const entries = node.entries.slice();
      entries.splice(index < 0 ? entries.length : index, 0, makeEntry(key, hash, value, added));
      return { kind: COLLISION, hash, entries };
    }
    default: {
      const bit = 1 << ((hash >>> shift) & MASK);
      const index = popcount(node.bitmap & (bit - 1));
      if ((node.bitmap & bit) === 0) {
        const children = node.children.slice();
        children.splice(index, 0, makeEntry(key, hash, value, added));
        return { kind: BRANCH, bitmap: node.bitmap | bit, children };
      }
      const child = node.children[index] as Node<V>;
      const updated = setIn(child, shift + BITS, hash, key, value, added);
      if (updated === child) return node;
      const children = node.children.slice();
      children[index] = updated;
      return { kind: BRANCH, bitmap: node.bitmap, children };
    }
  }
}

/** Returns the node without `key`: the same node if absent, null if it becomes empty. */
function deleteIn<V>(node: Node<V>, shift: number, hash: number, key: string): Node<V> | null {
  switch (node.kind) {
    case ENTRY:
      return node.key === key ? null : node;
    case COLLISION: {
      if (node.hash !== hash) return node;
      const entries = node.entries.filter((e) => e.key !== key);
      if (entries.length === node.entries.length) return node;
      return entries.length === 1 ? (entries[0] as Entry<V>) : { kind: COLLISION, hash, entries };
    }
    default: {
      const bit = 1 << ((hash >>> shift) & MASK);
      if ((node.bitmap & bit) === 0) return node;
      const index = popcount(node.bitmap & (bit - 1));
      const child = node.children[index] as Node<V>;
      const updated = deleteIn(child, shift + BITS, hash, key);
      if (updated === child) return node;
      if (updated === null) {
        if (node.children.length === 1) return null;
        const children = node.children.slice();
        children.splice(index, 1);
        // Keep the trie canonical: a branch left with one leaf is replaced by that leaf.
        if (children.length === 1 && (children[0] as Node<V>).kind !== BRANCH) return children[0] as Node<V>;
        return { kind: BRANCH, bitmap: node.bitmap & ~bit, children };
      }
      if (node.children.length === 1 && updated.kind !== BRANCH) return updated;
      const children = node.children.slice();
      children[index] = updated;
      return { kind: BRANCH, bitmap: node.bitmap, children };
    }
  }
}

function* walk<V>(node: Node<V>): IterableIterator<[string, V]> {
  if (node.kind === ENTRY) yield [node.key, node.value];
  else if (node.kind === COLLISION) for (const entry of node.entries) yield [entry.key, entry.value];
  else for (const child of node.children) yield* walk(child);
}
