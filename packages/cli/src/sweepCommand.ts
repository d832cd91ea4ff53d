import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Command } from 'commander';
import { UserError } from '@knsim/core';
import { loadScenario } from '@knsim/scenario';
import type { CliIo } from './io.js';
import {
  formatSweepSummary,
  mergeSweeps,
  parseAxes,
  parseSeeds,
  parseShard,
  runSweepSpec,
  sweepCsv,
  sweepRuns,
  type SweepResult,
  type SweepRow,
  type SweepRunSpec,
} from './sweep.js';

interface SweepFlags {
  readonly seeds?: string;
  readonly set?: string[];
  readonly workers?: string;
  readonly shard?: string;
  readonly out?: string;
  readonly merge?: string[];
  readonly json?: boolean;
}

/** Runs specs on `workers` threads (or in this one when 1, or when no built worker exists). */
async function runAll(
  path: string,
  fixed: readonly string[],
  specs: readonly SweepRunSpec[],
  workers: number,
): Promise<SweepRow[]> {
  const workerFile = new URL('./sweepWorker.js', import.meta.url);
  if (workers <= 1 || specs.length <= 1 || !existsSync(fileURLToPath(workerFile))) {
    const rows: SweepRow[] = [];
    for (const spec of specs) rows.push(await runSweepSpec(path, fixed, spec));
    return rows;
  }
  const queue = [...specs];
  const rows: SweepRow[] = [];
  const pool = Array.from(
    { length: Math.min(workers, specs.length) },
    () => new Worker(workerFile, { workerData: { path, fixed } }),
  );
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((done, fail) => {
            const next = () => {
              const spec = queue.shift();
              if (spec === undefined) return done();
              worker.postMessage(spec);
            };
            worker.on('message', (message: { row?: SweepRow; error?: string; index?: number }) => {
              if (message.error !== undefined)
                return fail(new UserError(`run ${message.index}: ${message.error}`));
              rows.push(message.row as SweepRow);
              next();
            });
            worker.on('error', fail);
            next();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((worker) => worker.terminate()));
  }
  return rows.sort((a, b) => a.index - b.index);
}

function write(dir: string, result: SweepResult): void {
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'runs.json'), JSON.stringify(result, null, 2) + '\n');
    writeFileSync(join(dir, 'runs.csv'), sweepCsv(result));
    writeFileSync(join(dir, 'summary.txt'), formatSweepSummary(result));
  } catch (error) {
    throw new UserError(`cannot write to ${dir}: ${(error as Error).message}`);
  }
}

function readShard(dir: string): SweepResult {
  const file = join(dir, 'runs.json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UserError(`cannot read ${file}: ${(error as Error).message}`);
  }
  if ((parsed as Partial<SweepResult> | null)?.format !== 'knsim.sweep/v1')
    throw new UserError(`${file} is not a knsim sweep result`);
  return parsed as SweepResult;
}

export function registerSweepCommand(program: Command, io: CliIo): void {
  program
    .command('sweep [scenario]')
    .description(
      'run a scenario over seeds and settings (the cross product), in worker threads; --shard I/N runs a deterministic slice, --merge joins shards',
    )
    .option('--seeds <seeds>', 'seeds: 1..100, a list 1,2,3, or both', '1')
    .option(
      '--set <key=values>',
      'a setting (repeatable); comma-separated values are swept: proxy.policy=random,maglev,p2c',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--workers <n>', 'worker threads (default: the cores available)')
    .option('--shard <I/N>', 'run only shard I of N (0 <= I < N), e.g. $JOB_COMPLETION_INDEX/10')
    .option('--merge <dirs...>', 'merge the runs.json of these sweep or shard output folders')
    .option('--out <dir>', 'write runs.json, runs.csv and summary.txt here')
    .option('--json', 'print the result (runs.json) to stdout')
    .action(async (path: string | undefined, flags: SweepFlags) => {
      let result: SweepResult;
      if (flags.merge !== undefined) {
        if (path !== undefined) throw new UserError('--merge takes folders, not a scenario');
        result = mergeSweeps(flags.merge.map(readShard));
      } else {
        if (path === undefined) throw new UserError('missing SCENARIO (or --merge DIR...)');
        const seeds = parseSeeds(flags.seeds ?? '1');
        const { axes, fixed } = parseAxes(flags.set ?? []);
        // Validates the scenario and every swept value once before any run starts.
        await loadScenario(path, { set: fixed });
        for (const axis of axes)
          for (const value of axis.values)
            await loadScenario(path, { set: [...fixed, `${axis.key}=${value}`] });
        const all = sweepRuns(seeds, axes);
        const shard = flags.shard === undefined ? null : parseShard(flags.shard);
        const mine = shard === null ? all : all.filter((run) => run.index % shard.count === shard.index);
        const workers = flags.workers === undefined ? availableParallelism() : Number(flags.workers);
        if (!Number.isInteger(workers) || workers < 1)
          throw new UserError(`invalid --workers ${flags.workers}: a positive integer`);
        const rows = await runAll(resolve(path), fixed, mine, workers);
        result = {
          format: 'knsim.sweep/v1',
          scenario: path,
          seeds,
          axes,
          fixed,
          total: all.length,
          shard,
          rows,
        };
      }
      if (flags.out !== undefined) write(flags.out, result);
      if (flags.json === true) io.stdout(JSON.stringify(result, null, 2) + '\n');
      else io.stdout(formatSweepSummary(result));
    });
}
