import type { FieldPath, FieldReporter } from './FieldReporter.js';
import { labelValueProblems, qualifiedNameProblems } from './nameChecks.js';
import type { LabelSelector } from './ObjectMeta.js';

/** Checks a label map: keys are qualified names, values label values. Returns the map read. */
export function validateLabels(
  report: FieldReporter,
  value: unknown,
  path: FieldPath,
): Record<string, string> | undefined {
  const labels = report.stringMap(value, path);
  for (const [key, labelValue] of Object.entries(labels ?? {})) {
    report.problems(path, key, qualifiedNameProblems(key));
    report.problems([...path, key], labelValue, labelValueProblems(labelValue));
  }
  return labels;
}

const OPERATORS = ['DoesNotExist', 'Exists', 'In', 'NotIn'] as const;

/**
 * Checks a structured label selector as the API server does: valid keys and values, a known
 * operator, values for In/NotIn and none for Exists/DoesNotExist. Returns the selector when it
 * is usable.
 */
export function validateLabelSelector(
  report: FieldReporter,
  value: unknown,
  path: FieldPath,
): LabelSelector | undefined {
  const selector = report.map(value, path);
  if (selector === undefined) return undefined;
  const before = report.issues.length;
  validateLabels(report, selector.matchLabels, [...path, 'matchLabels']);
  const expressions = report.list(selector.matchExpressions, [...path, 'matchExpressions']);
  expressions?.forEach((raw, index) => {
    const at = [...path, 'matchExpressions', index];
    const expression = report.map(raw, at);
    if (expression === undefined) return;
    const key = report.string(expression.key, [...at, 'key']);
    if (key === undefined) report.required([...at, 'key']);
    else report.problems([...at, 'key'], key, qualifiedNameProblems(key));
    if (expression.operator === undefined) report.required([...at, 'operator']);
    const operator = report.oneOf(expression.operator, [...at, 'operator'], OPERATORS);
    const values = report.strings(expression.values, [...at, 'values']) ?? [];
    values.forEach((item, valueIndex) =>
      report.problems([...at, 'values', valueIndex], item, labelValueProblems(item)),
    );
    if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
      report.required([...at, 'values'], "must be specified when `operator` is 'In' or 'NotIn'");
    }
    if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) {
      report.forbidden(
        [...at, 'values'],
        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      );
    }
  });
  const clean = report.issues.slice(before).every((issue) => issue.severity !== 'error');
  return clean ? (selector as LabelSelector) : undefined;
}

/** True when the selector has no requirement at all (and so selects everything). */
export function isEmptySelector(selector: LabelSelector): boolean {
  return (
    Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions?.length ?? 0) === 0
  );
}
