import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileLabelMap,
  compileLabelSelector,
  formatLabelSelector,
  LabelSelectorParseError,
  parseLabelSelector,
  type LabelSelector,
  type LabelSelectorRequirement,
  type StringMap,
} from '@knsim/api';

const SEED = 1337;

describe('compileLabelSelector', () => {
  const web = { app: 'web', tier: 'frontend' };
  const db = { app: 'db', tier: 'backend', legacy: 'true' };
  const bare = {};

  it.each<[string, LabelSelector | null | undefined, StringMap | undefined, boolean]>([
    ['empty selects all', {}, web, true],
    ['empty selects unlabelled', {}, undefined, true],
    ['null selects nothing', null, web, false],
    ['absent selects nothing', undefined, web, false],
    ['matchLabels hit', { matchLabels: { app: 'web' } }, web, true],
    ['matchLabels miss', { matchLabels: { app: 'web' } }, db, false],
    ['matchLabels all must hold', { matchLabels: { app: 'web', tier: 'backend' } }, web, false],
    ['In hit', { matchExpressions: [{ key: 'app', operator: 'In', values: ['db', 'web'] }] }, web, true],
    [
      'In needs the key',
      { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] },
      bare,
      false,
    ],
    ['NotIn miss', { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }, web, false],
    [
      'NotIn holds without the key',
      { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] },
      bare,
      true,
    ],
    ['Exists', { matchExpressions: [{ key: 'legacy', operator: 'Exists' }] }, db, true],
    ['Exists miss', { matchExpressions: [{ key: 'legacy', operator: 'Exists' }] }, web, false],
    ['DoesNotExist', { matchExpressions: [{ key: 'legacy', operator: 'DoesNotExist' }] }, web, true],
    [
      'labels and expressions AND together',
      {
        matchLabels: { tier: 'backend' },
        matchExpressions: [{ key: 'app', operator: 'In', values: ['db'] }],
      },
      db,
      true,
    ],
    [
      'inherited members are no labels',
      { matchExpressions: [{ key: 'constructor', operator: 'Exists' }] },
      bare,
      false,
    ],
  ])('%s', (_name, selector, labels, expected) => {
    expect(compileLabelSelector(selector)(labels)).toBe(expected);
  });

  it('compiles label maps (empty map selects all)', () => {
    expect(compileLabelMap({})(undefined)).toBe(true);
    expect(compileLabelMap({ app: 'web' })(web)).toBe(true);
    expect(compileLabelMap({ app: 'web', tier: 'x' })(web)).toBe(false);
    expect(compileLabelMap({ app: 'web', tier: 'frontend' })(undefined)).toBe(false);
  });
});

describe('parseLabelSelector', () => {
  it.each<[string, LabelSelector]>([
    ['', {}],
    ['  ', {}],
    ['app=web', { matchLabels: { app: 'web' } }],
    ['app==web', { matchLabels: { app: 'web' } }],
    ['app=', { matchLabels: { app: '' } }],
    ['tier!=db', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] }],
    ['env in (a,b)', { matchExpressions: [{ key: 'env', operator: 'In', values: ['a', 'b'] }] }],
    ['env notin ( a , b )', { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['a', 'b'] }] }],
    ['!legacy', { matchExpressions: [{ key: 'legacy', operator: 'DoesNotExist' }] }],
    ['key', { matchExpressions: [{ key: 'key', operator: 'Exists' }] }],
    ['app.kubernetes.io/name=web', { matchLabels: { 'app.kubernetes.io/name': 'web' } }],
    [
      'app=web,tier!=db,env in (a,b),!legacy,key',
      {
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'tier', operator: 'NotIn', values: ['db'] },
          { key: 'env', operator: 'In', values: ['a', 'b'] },
          { key: 'legacy', operator: 'DoesNotExist' },
          { key: 'key', operator: 'Exists' },
        ],
      },
    ],
    ['a=1,a=2', { matchLabels: { a: '1' }, matchExpressions: [{ key: 'a', operator: 'In', values: ['2'] }] }],
  ])('reads %j', (text, expected) => {
    expect(parseLabelSelector(text)).toEqual(expected);
  });

  it.each([
    ['app=web,', 9, 'expected a label key, found end of input'],
    ['app in a,b', 8, 'expected "(" after "in", found "a"'],
    ['env in ()', 9, 'expected a value in the "in" set, found ")"'],
    ['env in (a b)', 11, 'expected "," or ")", found "b"'],
    ['app=web tier=x', 9, 'expected "," between requirements, found "tier"'],
    ['replicas>3', 9, 'operator ">" is not supported by label selectors'],
    ['app=we b', 8, 'expected "," between requirements, found "b"'],
    ['-bad=x', 1, 'invalid label key "-bad"'],
    ['app=-x', 5, 'invalid label value "-x"'],
    [
      'app foo',
      5,
      'expected "=", "==", "!=", "in", "notin", "," or end of input after key "app", found "foo"',
    ],
  ])('rejects %j at position %i', (text, position, reason) => {
    let error: unknown;
    try {
      parseLabelSelector(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(LabelSelectorParseError);
    expect((error as LabelSelectorParseError).position + 1).toBe(position);
    expect((error as Error).message).toContain(
      `invalid label selector ${JSON.stringify(text)} at position ${position}: ${reason}`,
    );
  });

  it('formats what it parses', () => {
    const text = 'app=web,tier notin (db),env in (a,b),!legacy,key';
    expect(formatLabelSelector(parseLabelSelector(text))).toBe(text);
    expect(formatLabelSelector({})).toBe('');
  });
});

const keys = fc.constantFrom('app', 'tier', 'env', 'example.com/team');
const values = fc.constantFrom('a', 'b', 'c', 'web-1');
const requirement: fc.Arbitrary<LabelSelectorRequirement> = fc.oneof(
  fc.record({
    key: keys,
    operator: fc.constantFrom('In' as const, 'NotIn' as const),
    values: fc.uniqueArray(values, { minLength: 1, maxLength: 3 }),
  }),
  fc.record({ key: keys, operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const) }),
);
const selector: fc.Arbitrary<LabelSelector> = fc.record(
  {
    matchLabels: fc.dictionary(keys, values, { maxKeys: 2 }),
    matchExpressions: fc.array(requirement, { maxLength: 3 }),
  },
  { requiredKeys: [] },
);
const labels: fc.Arbitrary<StringMap> = fc.dictionary(keys, values, { maxKeys: 4 });

/** Renders a requirement the way a person might type it, with optional spaces and `==`. */
function renderLoosely(req: LabelSelectorRequirement, spaced: boolean, doubleEquals: boolean): string {
  const gap = spaced ? ' ' : '';
  const list = (req.values ?? []).join(`${gap},${gap}`);
  switch (req.operator) {
    case 'In':
      return req.values?.length === 1
        ? `${req.key}${gap}${doubleEquals ? '==' : '='}${gap}${req.values[0]}`
        : `${req.key} in (${list})`;
    case 'NotIn':
      return req.values?.length === 1
        ? `${req.key}${gap}!=${gap}${req.values[0]}`
        : `${req.key} notin (${list})`;
    case 'Exists':
      return req.key;
    case 'DoesNotExist':
      return `!${gap}${req.key}`;
  }
}

describe(`string and structured selectors agree (fast-check seed ${SEED})`, () => {
  it('formatLabelSelector then parseLabelSelector selects the same objects', () => {
    fc.assert(
      fc.property(selector, fc.array(labels, { minLength: 1, maxLength: 8 }), (structured, objects) => {
        const direct = compileLabelSelector(structured);
        const viaString = compileLabelSelector(parseLabelSelector(formatLabelSelector(structured)));
        return objects.every((object) => direct(object) === viaString(object));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('hand-typed strings select what their requirements describe', () => {
    fc.assert(
      fc.property(
        fc.array(requirement, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        fc.boolean(),
        labels,
        (reqs, spaced, doubleEquals, object) => {
          const text = reqs.map((req) => renderLoosely(req, spaced, doubleEquals)).join(spaced ? ' , ' : ',');
          const expected = compileLabelSelector({ matchExpressions: reqs })(object);
          return compileLabelSelector(parseLabelSelector(text))(object) === expected;
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });
});
