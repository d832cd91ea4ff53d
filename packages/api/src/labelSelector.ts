import { UserError } from '@knsim/core';
import { labelValueProblems, qualifiedNameProblems } from './nameChecks.js';
import type { LabelSelector, LabelSelectorRequirement, StringMap } from './ObjectMeta.js';

/** Decides whether an object with these labels is selected. */
export type LabelMatcher = (labels: StringMap | undefined) => boolean;

/** Selects every object. */
export const MATCH_EVERYTHING: LabelMatcher = () => true;
/** Selects no object. */
export const MATCH_NOTHING: LabelMatcher = () => false;

function labelOf(labels: StringMap | undefined, key: string): string | undefined {
  // typeof guards against inherited Object.prototype members such as "constructor".
  const value = labels?.[key];
  return typeof value === 'string' ? value : undefined;
}

function compileRequirement(requirement: LabelSelectorRequirement): LabelMatcher {
  const { key } = requirement;
  const values = requirement.values ?? [];
  switch (requirement.operator) {
    case 'Exists':
      return (labels) => labelOf(labels, key) !== undefined;
    case 'DoesNotExist':
      return (labels) => labelOf(labels, key) === undefined;
    case 'In': {
      if (values.length === 1) {
        const only = values[0];
        return (labels) => labelOf(labels, key) === only;
      }
      const set = new Set(values);
      return (labels) => {
        const value = labelOf(labels, key);
        return value !== undefined && set.has(value);
      };
    }
    case 'NotIn': {
      const set = new Set(values);
      return (labels) => {
        const value = labelOf(labels, key);
        return value === undefined || !set.has(value);
      };
    }
    default:
      throw new RangeError(`unknown label selector operator ${JSON.stringify(requirement.operator)}`);
  }
}

/**
 * Compiles a label map (`key: value` pairs that must all be present) into a matcher. An empty
 * map selects everything. A Service with no selector, however, gets no managed endpoints: see
 * `serviceSelectorMatcher`.
 */
export function compileLabelMap(map: StringMap | undefined): LabelMatcher {
  const entries = Object.entries(map ?? {});
  if (entries.length === 0) return MATCH_EVERYTHING;
  if (entries.length === 1) {
    const [key, value] = entries[0] as [string, string];
    return (labels) => labelOf(labels, key) === value;
  }
  const keys = entries.map(([key]) => key);
  const values = entries.map(([, value]) => value);
  return (labels) => {
    if (labels === undefined) return false;
    for (let index = 0; index < keys.length; index++) {
      if (labelOf(labels, keys[index] as string) !== values[index]) return false;
    }
    return true;
  };
}

/**
 * Compiles a structured selector into a matcher. `{}` selects everything (a NetworkPolicy
 * `podSelector: {}` applies to every pod of its namespace); an absent (`null`/`undefined`)
 * selector selects nothing, as Kubernetes' `LabelSelectorAsSelector` has it. Callers whose field
 * gives absence another meaning (a NetworkPolicy peer without `namespaceSelector` means "the
 * policy's own namespace") handle that before calling. The selector is assumed valid (loaded
 * objects are); an unknown operator throws a RangeError.
 */
export function compileLabelSelector(selector: LabelSelector | null | undefined): LabelMatcher {
  if (selector === null || selector === undefined) return MATCH_NOTHING;
  const parts: LabelMatcher[] = [];
  if (selector.matchLabels !== undefined && Object.keys(selector.matchLabels).length > 0) {
    parts.push(compileLabelMap(selector.matchLabels));
  }
  for (const requirement of selector.matchExpressions ?? []) parts.push(compileRequirement(requirement));
  if (parts.length === 0) return MATCH_EVERYTHING;
  if (parts.length === 1) return parts[0] as LabelMatcher;
  return (labels) => {
    for (const part of parts) if (!part(labels)) return false;
    return true;
  };
}

/** A `kubectl -l` style selector string that could not be parsed. */
export class LabelSelectorParseError extends UserError {
  override readonly name = 'LabelSelectorParseError';
  constructor(
    readonly input: string,
    /** 0-based offset in `input` where the problem was found. */
    readonly position: number,
    readonly reason: string,
  ) {
    super(`invalid label selector ${JSON.stringify(input)} at position ${position + 1}: ${reason}`);
  }
}

type Token =
  | { readonly kind: 'word'; readonly text: string; readonly at: number }
  | { readonly kind: 'symbol'; readonly text: string; readonly at: number }
  | { readonly kind: 'end'; readonly text: ''; readonly at: number };

const SYMBOLS = ['==', '!=', '=', '!', '(', ')', ',', '<', '>'];

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  while (position < input.length) {
    const char = input[position] as string;
    if (/\s/.test(char)) {
      position++;
      continue;
    }
    const symbol = SYMBOLS.find((candidate) => input.startsWith(candidate, position));
    if (symbol !== undefined) {
      tokens.push({ kind: 'symbol', text: symbol, at: position });
      position += symbol.length;
      continue;
    }
    const start = position;
    while (position < input.length) {
      const next = input[position] as string;
      if (/\s/.test(next) || SYMBOLS.some((candidate) => input.startsWith(candidate, position))) break;
      position++;
    }
    tokens.push({ kind: 'word', text: input.slice(start, position), at: start });
  }
  tokens.push({ kind: 'end', text: '', at: input.length });
  return tokens;
}

/**
 * Parses the string form of a selector (`kubectl -l`): comma-separated requirements, all of
 * which must hold: `key=value` (or `==`), `key!=value`, `key in (a,b)`, `key notin (a,b)`,
 * `key` (exists), `!key` (does not exist). An empty string selects everything. Equality
 * requirements become `matchLabels` (a repeated key goes to `matchExpressions` as In); the rest
 * become `matchExpressions` in order. Throws {@link LabelSelectorParseError} naming the position.
 */
export function parseLabelSelector(input: string): LabelSelector {
  const tokens = tokenize(input);
  let index = 0;
  const peek = (): Token => tokens[index] as Token;
  const take = (): Token => tokens[index++] as Token;
  const fail = (token: Token, reason: string): never => {
    throw new LabelSelectorParseError(input, token.at, reason);
  };
  const describe = (token: Token): string => (token.kind === 'end' ? 'end of input' : `"${token.text}"`);
  const readKey = (): string => {
    const token = take();
    if (token.kind !== 'word') return fail(token, `expected a label key, found ${describe(token)}`);
    const problems = qualifiedNameProblems(token.text);
    if (problems.length > 0) fail(token, `invalid label key "${token.text}": ${problems.join('; ')}`);
    return token.text;
  };
  const checkValue = (token: Token, value: string): string => {
    const problems = labelValueProblems(value);
    if (problems.length > 0) fail(token, `invalid label value "${value}": ${problems.join('; ')}`);
    return value;
  };
  const readValues = (operator: string): string[] => {
    const open = take();
    if (open.text !== '(') fail(open, `expected "(" after "${operator}", found ${describe(open)}`);
    const values: string[] = [];
    for (;;) {
      const token = take();
      if (token.kind !== 'word') {
        fail(token, `expected a value in the "${operator}" set, found ${describe(token)}`);
      }
      values.push(checkValue(token, token.text));
      const separator = take();
      if (separator.text === ')') return values;
      if (separator.text !== ',') fail(separator, `expected "," or ")", found ${describe(separator)}`);
    }
  };

  const matchLabels: Record<string, string> = {};
  const matchExpressions: LabelSelectorRequirement[] = [];
  if (peek().kind === 'end') return {};
  for (;;) {
    const first = peek();
    if (first.text === '!' && first.kind === 'symbol') {
      take();
      matchExpressions.push({ key: readKey(), operator: 'DoesNotExist' });
    } else {
      const key = readKey();
      const operator = peek();
      if (operator.kind === 'end' || operator.text === ',') {
        matchExpressions.push({ key, operator: 'Exists' });
      } else if (operator.text === '=' || operator.text === '==' || operator.text === '!=') {
        take();
        const valueToken = peek();
        const value = valueToken.kind === 'word' ? checkValue(take(), valueToken.text) : '';
        if (operator.text === '!=') matchExpressions.push({ key, operator: 'NotIn', values: [value] });
        else if (Object.hasOwn(matchLabels, key))
          matchExpressions.push({ key, operator: 'In', values: [value] });
        else matchLabels[key] = value;
      } else if (operator.kind === 'word' && (operator.text === 'in' || operator.text === 'notin')) {
        take();
        matchExpressions.push({
          key,
          operator: operator.text === 'in' ? 'In' : 'NotIn',
          values: readValues(operator.text),
        });
      } else if (operator.text === '<' || operator.text === '>') {
        fail(operator, `operator "${operator.text}" is not supported by label selectors`);
      } else {
        fail(
          operator,
          `expected "=", "==", "!=", "in", "notin", "," or end of input after key "${key}", found ${describe(operator)}`,
        );
      }
    }
    const separator = take();
    if (separator.kind === 'end') break;
    if (separator.text !== ',')
      fail(separator, `expected "," between requirements, found ${describe(separator)}`);
  }
  const selector: { matchLabels?: StringMap; matchExpressions?: LabelSelectorRequirement[] } = {};
  if (Object.keys(matchLabels).length > 0) selector.matchLabels = matchLabels;
  if (matchExpressions.length > 0) selector.matchExpressions = matchExpressions;
  return selector;
}

/**
 * Formats a structured selector in the string form {@link parseLabelSelector} reads (sorted
 * matchLabels first, then the expressions in order). `{}` formats as the empty string.
 */
export function formatLabelSelector(selector: LabelSelector): string {
  const parts: string[] = [];
  for (const key of Object.keys(selector.matchLabels ?? {}).sort()) {
    parts.push(`${key}=${selector.matchLabels?.[key] ?? ''}`);
  }
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    switch (operator) {
      case 'In':
        parts.push(`${key} in (${values.join(',')})`);
        break;
      case 'NotIn':
        parts.push(`${key} notin (${values.join(',')})`);
        break;
      case 'Exists':
        parts.push(key);
        break;
      case 'DoesNotExist':
        parts.push(`!${key}`);
        break;
    }
  }
  return parts.join(',');
}
