import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bufferIo, main } from '../packages/cli/src/index.js';

// The README's CLI examples on scenarios/shop, run as written (from the repository root).
const examples = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.startsWith('pnpm knsim ') && line.includes('scenarios/shop'))
  .map((line) => (line.split('#')[0] as string).trim().split(/\s+/).slice(2));

async function run(argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('README examples on scenarios/shop', () => {
  it('lists the four commands', () => {
    expect(examples.map((argv) => argv[0])).toEqual(['validate', 'cluster', 'connect', 'dns']);
  });

  it.each(examples.map((argv) => [argv.join(' '), argv] as const))('knsim %s succeeds', async (_, argv) => {
    const result = await run([...argv]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
  });

  it('connect reaches a frontend pod through kube-proxy; dns answers the headless Service with both cart pods', async () => {
    const connect = await run([...(examples[2] as string[]), '--json']);
    const json = JSON.parse(connect.out) as {
      result: string;
      backend: { pod: string };
      candidates: string[];
    };
    expect(json.result).toBe('connected');
    expect(json.backend.pod).toMatch(/^shop\/frontend-/);
    expect(json.candidates).toHaveLength(3);
    const dns = await run([...(examples[3] as string[]), '--json']);
    const answer = JSON.parse(dns.out) as { rcode: string; answer: { type: string }[] };
    expect(answer.rcode).toBe('NOERROR');
    expect(answer.answer.filter((r) => r.type === 'A')).toHaveLength(2);
  });
});
