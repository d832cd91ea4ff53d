import fc from 'fast-check';
import type { LabelSelector, LabelSelectorOperator, LabelSelectorRequirement } from '@knsim/api';
import { POD_LABEL_VOCABULARY, type LabelVocabulary } from './labelsArb.js';
import { pick, pickDistinct, record } from './internal.js';

/** Options of {@link labelSelectorArb}. */
export interface LabelSelectorArbOptions {
  /** Most `matchExpressions` requirements. Default 2. */
  readonly maxExpressions?: number;
}

const OPERATORS: readonly LabelSelectorOperator[] = ['Exists', 'In', 'NotIn', 'DoesNotExist'];

/**
 * Structured label selectors over a vocabulary: `matchLabels` (any subset of the keys) and
 * `matchExpressions` with In / NotIn (one or more values of the key) / Exists / DoesNotExist.
 * Always valid. Shrinks toward `{}` (matches everything): labels and requirements are removed,
 * operators shrink toward Exists.
 *
 * @example
 * ```ts
 * labelSelectorArb({ app: ['web', 'db'], tier: ['front'] });
 * // e.g. { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }
 * ```
 */
export function labelSelectorArb(
  vocabulary: LabelVocabulary = POD_LABEL_VOCABULARY,
  options: LabelSelectorArbOptions = {},
): fc.Arbitrary<LabelSelector> {
  const keys = Object.keys(vocabulary).filter((key) => (vocabulary[key] ?? []).length > 0);
  if (keys.length === 0) return fc.constant({});
  const valuesOf = (key: string): readonly string[] => vocabulary[key] ?? [];
  const requirement = record({
    key: fc.nat({ max: keys.length - 1 }),
    operator: fc.constantFrom(...OPERATORS),
    values: fc.uniqueArray(fc.nat({ max: 7 }), { minLength: 1, maxLength: 2 }),
  }).map(({ key: keyIndex, operator, values }): LabelSelectorRequirement => {
    const key = pick(keys, keyIndex);
    return operator === 'In' || operator === 'NotIn'
      ? { key, operator, values: pickDistinct(valuesOf(key), values) }
      : { key, operator };
  });
  const matchLabels = fc.uniqueArray(
    record({ key: fc.nat({ max: keys.length - 1 }), value: fc.nat({ max: 7 }) }),
    { maxLength: 2, selector: (entry) => entry.key },
  );
  return record({
    matchLabels,
    matchExpressions: fc.array(requirement, { maxLength: options.maxExpressions ?? 2 }),
  }).map(({ matchLabels: pairs, matchExpressions }) => {
    const labels: Record<string, string> = {};
    for (const { key, value } of pairs) {
      const name = pick(keys, key);
      labels[name] = pick(valuesOf(name), value);
    }
    return {
      ...(pairs.length === 0 ? {} : { matchLabels: labels }),
      ...(matchExpressions.length === 0 ? {} : { matchExpressions }),
    };
  });
}
