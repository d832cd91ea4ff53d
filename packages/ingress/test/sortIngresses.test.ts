import { describe, expect, it } from 'vitest';
import { objectKey, sortIngresses } from '../src/index.js';
import { ingress } from './fixtures.js';

describe('sortIngresses', () => {
  it('orders by creationTimestamp, then namespace/name descending, with no timestamp first', () => {
    const given = [
      ingress('b', [], { created: '2025-01-01T00:00:02Z' }),
      ingress('a', [], { created: '2025-01-01T00:00:01Z' }),
      ingress('x', [], { created: '2025-01-01T00:00:02Z', namespace: 'ns' }),
      ingress('c', [], { created: '2025-01-01T00:00:02Z' }),
      ingress('none', []),
    ];
    expect(sortIngresses(given).map(objectKey)).toEqual([
      'default/none',
      'default/a',
      'ns/x',
      'default/c',
      'default/b',
    ]);
  });
});
