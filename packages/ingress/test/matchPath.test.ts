import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PathType } from '@knsim/api';
import { matchPath, prefixKey, requestPath, rulePath } from '../src/index.js';

// The "Examples" table of the Kubernetes Ingress concept page, one row per (rule, request) pair.
const EXAMPLES: readonly (readonly [PathType, string, string, boolean])[] = [
  ['Prefix', '/', '/', true],
  ['Prefix', '/', '/anything/at/all', true],
  ['Exact', '/foo', '/foo', true],
  ['Exact', '/foo', '/bar', false],
  ['Exact', '/foo', '/foo/', false],
  ['Exact', '/foo/', '/foo', false],
  ['Prefix', '/foo', '/foo', true],
  ['Prefix', '/foo', '/foo/', true],
  ['Prefix', '/foo/', '/foo', true],
  ['Prefix', '/foo/', '/foo/', true],
  ['Prefix', '/aaa/bb', '/aaa/bbb', false],
  ['Prefix', '/aaa/bbb', '/aaa/bbb', true],
  ['Prefix', '/aaa/bbb/', '/aaa/bbb', true],
  ['Prefix', '/aaa/bbb', '/aaa/bbb/', true],
  ['Prefix', '/aaa/bbb', '/aaa/bbb/ccc', true],
  ['Prefix', '/aaa/bbb', '/aaa/bbbxyz', false],
  ['Prefix', '/aaa', '/ccc', false],
];

describe('matchPath', () => {
  it.each(EXAMPLES)(
    'given a %s path %s, when %s is requested, then match=%s',
    (pathType, at, request, expected) => {
      expect(matchPath(pathType, at, request)).toBe(expected);
    },
  );

  it('matches Exact case-sensitively and ignores the query string and fragment', () => {
    expect(matchPath('Exact', '/Foo', '/foo')).toBe(false);
    expect(matchPath('Prefix', '/Foo', '/foo/x')).toBe(false);
    expect(matchPath('Exact', '/foo', '/foo?x=/bar')).toBe(true);
    expect(matchPath('Prefix', '/foo', '/foobar?q=/foo/')).toBe(false);
    expect(matchPath('Exact', '/foo', '/foo#top')).toBe(true);
  });

  it('treats ImplementationSpecific as Prefix, and an empty path as /', () => {
    expect(matchPath('ImplementationSpecific', '/aaa/bbb', '/aaa/bbb/ccc')).toBe(true);
    expect(matchPath('ImplementationSpecific', '/aaa/bbb', '/aaa/bbbxyz')).toBe(false);
    expect(matchPath('ImplementationSpecific', undefined, '/any')).toBe(true);
    expect(matchPath('ImplementationSpecific', '', '/any')).toBe(true);
  });

  it('normalizes request paths and rule paths', () => {
    expect(requestPath('')).toBe('/');
    expect(requestPath('?a=b')).toBe('/');
    expect(requestPath('x/y')).toBe('/x/y');
    expect(rulePath(undefined)).toBe('/');
    expect(prefixKey('/')).toBe('');
    expect(prefixKey('/a/b/')).toBe('/a/b');
  });

  it('matches Prefix /a/b exactly when the path elements start with a, b (seed 5101)', () => {
    const element = fc.oneof(fc.constantFrom('a', 'b', 'ab', 'bx', ''), fc.stringMatching(/^[ab.x-]{0,3}$/));
    fc.assert(
      fc.property(fc.array(element, { maxLength: 5 }), fc.boolean(), (elements, trailing) => {
        const request = `/${elements.join('/')}${trailing ? '/' : ''}`;
        // Independent reference: split on every '/' after the leading one, compare element-wise.
        const segments = request.slice(1).split('/');
        const expected = segments.length >= 2 && segments[0] === 'a' && segments[1] === 'b';
        expect(matchPath('Prefix', '/a/b', request)).toBe(expected);
        expect(matchPath('Prefix', '/a/b/', request)).toBe(expected);
      }),
      { seed: 5101, numRuns: 1000 },
    );
  });
});
