import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDuration } from '@knsim/core';
import { loadScenario, runScenario } from '@knsim/scenario';
import { timeSeconds, type Measurement } from './harness.js';

const SCENARIOS = fileURLToPath(new URL('../../../scenarios/', import.meta.url));

function size(path: string): number {
  if (!existsSync(path)) return 0;
  return statSync(path).isDirectory()
    ? readdirSync(path).reduce((total, entry) => total + size(join(path, entry)), 0)
    : statSync(path).size;
}

/**
 * `knsim run` on the largest scenario of the library (by its files' size): events per wall
 * second, simulated seconds per wall second, and what a progress bar redrawn on every progress
 * callback costs (the CLI draws at most ten times a second, so this is an upper bound).
 */
export async function scenarioRunBenchmarks(options: { quick: boolean }): Promise<Measurement[]> {
  const files = existsSync(SCENARIOS) ? readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml')) : [];
  const largest = files
    .map((file) => ({
      file,
      bytes: size(join(SCENARIOS, file)) + size(join(SCENARIOS, file.replace(/\.yaml$/, ''))),
    }))
    .sort((a, b) => b.bytes - a.bytes || (a.file < b.file ? -1 : 1))[0];
  if (largest === undefined) return [];
  const scenario = await loadScenario(join(SCENARIOS, largest.file));
  const repeats = options.quick ? 1 : 3;
  let events = 0;
  let steps = 0;
  let requests = 0;
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < repeats; i++) {
    best = Math.min(
      best,
      timeSeconds(() => {
        const run = runScenario(scenario);
        events = run.report.events;
        steps = run.cluster.sim.queue.executed;
        requests = run.report.workloads.reduce((sum, w) => sum + w.requests, 0);
      }),
    );
  }
  // The bar's cost measured directly: wall time spent inside the progress callback (drawing at
  // every callback, ten times what the CLI's 100 ms throttle allows) over the run's wall time.
  let drawn = 0;
  let inCallback = 0;
  const withBar = timeSeconds(() => {
    runScenario(scenario, {
      onProgress: ({ now, duration, events: count }) => {
        inCallback += timeSeconds(() => {
          const filled = Math.round((30 * now) / Math.max(1, duration));
          const line = `\r[${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${formatDuration(now)} / ${formatDuration(duration)} ${count} events`;
          drawn += line.length;
        });
      },
    });
  });
  const label = `run/${largest.file} (${formatDuration(scenario.duration)} simulated, ${steps.toLocaleString('en-US')} kernel events, ${events.toLocaleString('en-US')} logged, ${requests.toLocaleString('en-US')} requests)`;
  return [
    { name: `${label}: kernel events`, unit: 'events/s', value: steps / best },
    { name: `${label}: requests`, unit: 'requests/s', value: requests / best },
    { name: `${label}: simulated time`, unit: 'sim s/wall s', value: scenario.duration / 1e6 / best },
    { name: `${label}: wall time`, unit: 's', value: best },
    {
      name: `${label}: progress bar cost (time in the callback, drawn at every one: an upper bound${drawn > 0 ? '' : ', nothing drawn'})`,
      unit: '%',
      value: (inCallback / withBar) * 100,
      target: '< 1',
    },
  ];
}
