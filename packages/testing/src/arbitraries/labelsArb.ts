import fc from 'fast-check';
import type { Labels } from './internal.js';

/** Label keys and the values each may take: the small world selectors and labels are drawn from. */
export type LabelVocabulary = Readonly<Record<string, readonly string[]>>;

/**
 * The default vocabulary of pod labels (besides `app`, which the workload arbitraries set to the
 * app's name): small, so that generated selectors often match generated pods. One key has a DNS
 * prefix, to cover the `prefix/name` label syntax.
 */
export const POD_LABEL_VOCABULARY: LabelVocabulary = {
  tier: ['front', 'back'],
  team: ['a', 'b'],
  track: ['stable', 'canary'],
  'knsim.dev/role': ['x', 'y'],
};

/** The default vocabulary of namespace labels. */
export const NAMESPACE_LABEL_VOCABULARY: LabelVocabulary = {
  team: ['a', 'b'],
  env: ['prod', 'dev'],
};

/**
 * Label maps over a fixed vocabulary: each key of the vocabulary present or not, with one of its
 * values. Keys and values are valid label syntax when the vocabulary's are (the defaults are).
 * Shrinks by removing keys, and each value toward the first of its list; `{}` is the simplest.
 *
 * @example
 * ```ts
 * fc.sample(labelsArb(), 3); // e.g. [{}, { tier: 'back', team: 'a' }, { 'knsim.dev/role': 'x' }]
 * fc.assert(fc.property(labelsArb(NAMESPACE_LABEL_VOCABULARY), (labels) => ...));
 * ```
 */
export function labelsArb(vocabulary: LabelVocabulary = POD_LABEL_VOCABULARY): fc.Arbitrary<Labels> {
  const model: Record<string, fc.Arbitrary<string>> = {};
  for (const [key, values] of Object.entries(vocabulary))
    if (values.length > 0) model[key] = fc.constantFrom(...values);
  return fc.record(model, { requiredKeys: [], noNullPrototype: true }).map((labels) => {
    // Fixed key order (the vocabulary's), whatever order the record was built in.
    const out: Record<string, string> = {};
    for (const key of Object.keys(vocabulary)) {
      const value = labels[key];
      if (value !== undefined) out[key] = value;
    }
    return out;
  });
}
