import { describe, expect, it } from 'vitest';
import { ConnectionSet, formatConnectionList, type ConnectionListEntry } from '../src/index.js';

const entry = (src: string, dst: string, explanation?: string[]): ConnectionListEntry => ({
  src,
  dst,
  conn: 'TCP 80',
  connections: ConnectionSet.ports('TCP', 80),
  ...(explanation === undefined ? {} : { explanation }),
});

describe('formatConnectionList', () => {
  it('given entries, then one `SRC => DST : CONNS` line each, newline-terminated', () => {
    expect(formatConnectionList([entry('a/x[Pod]', 'a/y[Pod]')])).toBe('a/x[Pod] => a/y[Pod] : TCP 80\n');
    expect(formatConnectionList([])).toBe('');
  });

  it('given explain, then explanation lines follow their entry, indented', () => {
    const text = formatConnectionList([entry('a', 'b', ['egress:  why'])], { explain: true });
    expect(text).toBe('a => b : TCP 80\n    egress:  why\n');
    expect(formatConnectionList([entry('a', 'b', ['egress:  why'])])).toBe('a => b : TCP 80\n');
  });
});
