import fc from 'fast-check';

/** The namespace names {@link namespaceNameArb} draws from by default (none is a system namespace). */
export const NAMESPACE_NAMES: readonly string[] = ['apps', 'shop', 'data', 'edge', 'tools', 'ops'];

/**
 * A namespace name (a DNS-1123 label) from a small fixed list, so that policies and selectors
 * generated elsewhere can name it. Shrinks toward the first name.
 *
 * @example
 * ```ts
 * fc.uniqueArray(namespaceNameArb(), { minLength: 1, maxLength: 2 }); // e.g. ['shop', 'data']
 * namespaceNameArb(['team-a', 'team-b']);
 * ```
 */
export function namespaceNameArb(names: readonly string[] = NAMESPACE_NAMES): fc.Arbitrary<string> {
  if (names.length === 0) throw new Error('namespaceNameArb: no names to choose from');
  return fc.constantFrom(...names);
}
