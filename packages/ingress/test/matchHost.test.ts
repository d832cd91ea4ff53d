import { describe, expect, it } from 'vitest';
import { matchHost, normalizeHost, splitFirstLabel, wildcardSuffix } from '../src/index.js';

describe('normalizeHost', () => {
  it.each([
    ['Foo.COM', 'foo.com'],
    ['foo.com:8080', 'foo.com'],
    ['foo.com.', 'foo.com'],
    ['FOO.com.:443', 'foo.com'],
    ['[::1]:8080', '[::1]'],
    ['10.0.0.1:80', '10.0.0.1'],
    ['', undefined],
    [undefined, undefined],
  ])('given Host %j, then the server name is %j', (header, expected) => {
    expect(normalizeHost(header)).toBe(expected);
  });
});

describe('matchHost', () => {
  it.each([
    // [rule host, request Host, matches]
    ['foo.bar.com', 'foo.bar.com', true],
    ['foo.bar.com', 'FOO.Bar.com:80', true],
    ['foo.bar.com', 'foo.bar.com.', true],
    ['foo.bar.com', 'bar.com', false],
    ['foo.bar.com', 'x.foo.bar.com', false],
    ['*.foo.com', 'bar.foo.com', true],
    ['*.foo.com', 'BAR.foo.com:8443', true],
    ['*.foo.com', 'foo.com', false],
    ['*.foo.com', 'baz.bar.foo.com', false],
    ['*.foo.com', '.foo.com', false],
    ['*.foo.com', 'bar.foo.org', false],
    [undefined, 'anything.example', true],
    ['', 'anything.example', true],
    [undefined, undefined, true],
    ['foo.com', undefined, false],
  ] as const)('given rule host %j, when Host is %j, then match=%s', (ruleHost, requestHost, expected) => {
    expect(matchHost(ruleHost, requestHost)).toBe(expected);
  });

  it('splits off one wildcard-able label', () => {
    expect(wildcardSuffix('*.foo.com')).toBe('foo.com');
    expect(wildcardSuffix('foo.com')).toBeUndefined();
    expect(splitFirstLabel('a-b_1.foo.com')).toEqual({ label: 'a-b_1', suffix: 'foo.com' });
    expect(splitFirstLabel('localhost')).toBeUndefined();
    expect(splitFirstLabel('a*b.foo.com')).toBeUndefined();
  });
});
