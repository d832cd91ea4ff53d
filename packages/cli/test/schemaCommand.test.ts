import { describe, expect, it } from 'vitest';
import { bufferIo, main } from '@knsim/cli';
import { SCENARIO_SCHEMA } from '@knsim/scenario';

describe('knsim schema', () => {
  it('prints the scenario JSON Schema and exits 0', async () => {
    const io = bufferIo();
    const code = await main(['schema'], io);
    expect(code).toBe(0);
    expect(io.err()).toBe('');
    expect(io.out().endsWith('}\n')).toBe(true);
    expect(JSON.parse(io.out())).toEqual(SCENARIO_SCHEMA);
  });

  it('is listed in the help', async () => {
    const io = bufferIo();
    await main(['--help'], io);
    expect(io.out()).toMatch(/schema\s+print the JSON Schema of scenario files/);
  });
});
