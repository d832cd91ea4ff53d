import { PersistentMap } from '@knsim/core';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value instanceof PersistentMap) return `PersistentMap(${value.size})`;
  try {
    const text = JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  } catch {
    return String(value);
  }
}

/**
 * The first place two values differ structurally (`path: a vs b`), or undefined when they are
 * equal. PersistentMaps compare by sorted entries, Maps and Sets by contents, typed arrays by
 * elements; a missing key equals an undefined one (the log's JSON cannot tell them apart).
 *
 * @example
 * ```ts
 * firstDifference({ a: [1, 2] }, { a: [1, 3] }); // 'a[1]: 2 vs 3'
 * ```
 */
export function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (Object.is(a, b)) return undefined;
  const here = path === '' ? '(root)' : path;
  if (a instanceof PersistentMap || b instanceof PersistentMap) {
    if (!(a instanceof PersistentMap) || !(b instanceof PersistentMap))
      return `${here}: ${show(a)} vs ${show(b)}`;
    const left = a.sortedEntries();
    const right = b.sortedEntries();
    for (let i = 0; i < Math.max(left.length, right.length); i++) {
      const l = left[i];
      const r = right[i];
      if (l === undefined || r === undefined || l[0] !== r[0]) {
        const key = l === undefined ? r?.[0] : r === undefined ? l[0] : l[0] < r[0] ? l[0] : r[0];
        const inLeft = key !== undefined && a.has(key);
        return `${here}[${JSON.stringify(key)}]: ${inLeft ? 'present' : 'missing'} vs ${inLeft ? 'missing' : 'present'}`;
      }
      const difference = firstDifference(l[1], r[1], `${path}[${JSON.stringify(l[0])}]`);
      if (difference !== undefined) return difference;
    }
    return undefined;
  }
  if (Array.isArray(a) || Array.isArray(b) || ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    const left = (ArrayBuffer.isView(a) ? Array.from(a as unknown as ArrayLike<unknown>) : a) as unknown;
    const right = (ArrayBuffer.isView(b) ? Array.from(b as unknown as ArrayLike<unknown>) : b) as unknown;
    if (!Array.isArray(left) || !Array.isArray(right)) return `${here}: ${show(a)} vs ${show(b)}`;
    if (left.length !== right.length) return `${here}: length ${left.length} vs ${right.length}`;
    for (let i = 0; i < left.length; i++) {
      const difference = firstDifference(left[i], right[i], `${path}[${i}]`);
      if (difference !== undefined) return difference;
    }
    return undefined;
  }
  if (a instanceof Map && b instanceof Map) {
    return firstDifference(
      [...a.entries()].sort(([x], [y]) => (String(x) < String(y) ? -1 : 1)),
      [...b.entries()].sort(([x], [y]) => (String(x) < String(y) ? -1 : 1)),
      path,
    );
  }
  if (a instanceof Set && b instanceof Set) return firstDifference([...a].sort(), [...b].sort(), path);
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const key of keys) {
      const difference = firstDifference(a[key], b[key], path === '' ? key : `${path}.${key}`);
      if (difference !== undefined) return difference;
    }
    return undefined;
  }
  return `${here}: ${show(a)} vs ${show(b)}`;
}
