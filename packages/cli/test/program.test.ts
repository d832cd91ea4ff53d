import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERSION } from '@knsim/cli';
import { run } from './support.js';

describe('knsim CLI', () => {
  it('prints help and version', async () => {
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/Usage: knsim/);
    expect(help.out).toMatch(/demo/);
    const version = await run('--version');
    expect(version).toMatchObject({ code: 0, out: `${VERSION}\n` });
  });

  it('runs the kernel demo deterministically', async () => {
    const first = await run('demo', '--seed', '42', '--duration', '10s', '--json');
    const second = await run('demo', '--seed', '42', '--duration', '10s', '--json');
    const other = await run('demo', '--seed', '43', '--duration', '10s', '--json');
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.out) as { digest: string; events: number; simulated: number };
    expect(summary.simulated).toBe(10_000_000);
    expect(summary.events).toBeGreaterThan(1000);
    expect(second.out).toBe(first.out);
    expect((JSON.parse(other.out) as { digest: string }).digest).not.toBe(summary.digest);
  });

  it('writes the demo log and verifies it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-cli-'));
    const demo = await run('demo', '--seed', '5', '--duration', '3s', '--out', dir, '--json');
    const digest = (JSON.parse(demo.out) as { digest: string }).digest;
    const verified = await run('log', 'verify', join(dir, 'events.ndjson'), '--json');
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.out)).toMatchObject({ digest, seed: '5' });
    const lines = readFileSync(join(dir, 'events.ndjson'), 'utf8').split('\n');
    lines[3] = '{"seq":3,"at":"soon"}';
    writeFileSync(join(dir, 'broken.ndjson'), lines.join('\n'));
    const broken = await run('log', 'verify', join(dir, 'broken.ndjson'));
    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(/broken\.ndjson:line 4: at must be a non-negative integer/);
    expect(broken.err).not.toMatch(/\n\s+at /);
  });

  it('reports user errors in one line with exit code 2', async () => {
    const badDuration = await run('demo', '--duration', '5 parsecs');
    expect(badDuration.code).toBe(2);
    expect(badDuration.err).toMatch(/^knsim: invalid --duration: invalid duration "5 parsecs"/);
    const badSeed = await run('demo', '--seed', 'a b');
    expect(badSeed.code).toBe(2);
    const unknown = await run('teleport');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/unknown command 'teleport'/);
    const missing = await run('log', 'verify', '/nonexistent/events.ndjson');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(
      /^knsim: cannot read \/nonexistent\/events\.ndjson: no such file or directory/,
    );
  });
});
