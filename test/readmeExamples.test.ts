import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bufferIo, main } from '../packages/cli/src/index.js';

// The README's CLI examples on scenarios/shop, run as written (from the repository root).
const examples = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.startsWith('pnpm knsim ') && line.includes('scenarios/shop'))
  .map((line) => (line.split('#')[0] as string).trim().split(/\s+/).slice(2));

// The other examples (run, replay, trace, sweep, log verify, demo), in README order: replay and
// trace read the log the run line writes.
const workflow = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  .split('\n')
  .filter(
    (line) => line.startsWith('pnpm knsim ') && !line.includes('scenarios/shop') && !line.includes('--help'),
  )
  .map((line) => (line.split('#')[0] as string).trim().split(/\s+/).slice(2));

async function run(argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('README examples on scenarios/shop', () => {
  it('lists the commands', () => {
    expect(examples.map((argv) => argv[0])).toEqual([
      'validate',
      'cluster',
      'connect',
      'dns',
      'reach',
      'reach',
      'route',
    ]);
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

  it('reach shows the default-deny policies at work; route reaches a frontend pod through the Ingress', async () => {
    const reach = await run([...(examples[4] as string[]), '--json']);
    const { results } = JSON.parse(reach.out) as { results: { from: string; to: string; result: string }[] };
    const verdict = (from: RegExp, to: RegExp) =>
      new Set(results.filter((r) => from.test(r.from) && to.test(r.to)).map((r) => r.result));
    expect(verdict(/^shop\/frontend-/, /^shop\/cart-/)).toEqual(new Set(['allowed']));
    expect(verdict(/^shop\/toolbox$/, /^shop\/cart-/)).toEqual(new Set(['denied']));
    expect(verdict(/^shop\/toolbox$/, /^shop\/frontend-/)).toEqual(new Set(['allowed']));
    const route = await run([...(examples[6] as string[]), '--json']);
    const response = JSON.parse(route.out) as { status: number; ingress: string; pod: string };
    expect(response).toMatchObject({ status: 200, ingress: 'shop/shop' });
    expect(response.pod).toMatch(/^shop\/frontend-/);
  });
});

describe('README examples on the scenario library', () => {
  it('lists run, replay, trace, sweep, log verify and demo', () => {
    expect(workflow.map((argv) => argv[0])).toEqual(['run', 'replay', 'trace', 'sweep', 'log', 'demo']);
  });

  it('runs them in order, each as written', async () => {
    for (const argv of workflow) {
      const result = await run([...argv]);
      expect(result.code, `knsim ${argv.join(' ')}: ${result.err}`).toBe(0);
    }
  }, 120_000);
});
