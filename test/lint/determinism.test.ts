import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

const offenders: readonly [string, RegExp][] = [
  ['export const x = Math.random();', /RandomStream/],
  ['export const x = Date.now();', /virtual clock/],
  ['export const x = new Date();', /new Date\(\)/],
  ['export const x = performance.now();', /virtual clock/],
  ['setTimeout(() => undefined, 1);', /sim\.after/],
  ['setInterval(() => undefined, 1);', /kernel/],
  ['setImmediate(() => undefined);', /kernel/],
  ['export const x = process.hrtime();', /virtual clock/],
  ["import { asyncScheduler } from 'rxjs';\nexport const s = asyncScheduler;", /sim\.scheduler/],
  ["import { setTimeout as wait } from 'node:timers';\nexport const w = wait;", /kernel/],
];

describe('the determinism lint rule', () => {
  for (const [code, message] of offenders) {
    it(`rejects ${JSON.stringify(code.split('\n').at(-1))} in simulation code`, async () => {
      const messages = await ruleIds(code, 'packages/core/src/fixture.ts');
      expect(messages.some((m) => message.test(m))).toBe(true);
    });
  }

  it('allows wall time in the CLI and the benchmarks', async () => {
    expect(await ruleIds('export const x = Date.now();\n', 'packages/cli/src/fixture.ts')).toEqual([]);
    expect(await ruleIds('export const x = performance.now();\n', 'packages/bench/src/fixture.ts')).toEqual(
      [],
    );
  });
});
