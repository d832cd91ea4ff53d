import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dataPlaneWorkload, type DataPlaneWorkload, type KnsimBuild } from './dataPlaneWorkload.js';

/**
 * Compares this build's speed on the data-plane benchmark's workload with another checkout's
 * (built), both in one process: the simulated time is cut into chunks run alternately on the two
 * (the order swapped every round), so noise from other work on the machine falls on both, and
 * the median of the per-chunk CPU-time ratios says which is faster. On a shared machine two
 * separate `pnpm bench` runs of one build can differ by 30%; this tells 5% apart.
 *
 * Usage: `node packages/bench/dist/compare.js --against PATH [--chunks N] [--quick]`
 */
async function main(argv: readonly string[]): Promise<number> {
  const at = argv.indexOf('--against');
  const against = at >= 0 ? argv[at + 1] : undefined;
  const chunksAt = argv.indexOf('--chunks');
  const chunks = chunksAt >= 0 ? Number(argv[chunksAt + 1]) : 40;
  if (against === undefined || !Number.isInteger(chunks) || chunks < 2) {
    process.stderr.write(
      'usage: node packages/bench/dist/compare.js --against PATH [--chunks N] [--quick]\n' +
        'PATH: another knsim checkout, built (its packages/*/dist); N: chunks compared (default 40)\n',
    );
    return 2;
  }
  const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  const requests = argv.includes('--quick') ? 100_000 : 1_000_000;
  const runs: { label: string; workload: DataPlaneWorkload; second: number; chunks: number[] }[] = [];
  for (const [label, root] of [
    ['baseline', path.resolve(against)],
    ['this build', here],
  ] as const) {
    const build = await load(root);
    runs.push({ label, workload: dataPlaneWorkload(build, requests), second: build.core.SECOND, chunks: [] });
  }
  const [baseline, current] = runs as [(typeof runs)[number], (typeof runs)[number]];
  const chunkSeconds = current.workload.simulatedSeconds / (chunks + 1);
  for (let round = 0; round <= chunks; round++) {
    for (const run of round % 2 === 0 ? [baseline, current] : [current, baseline]) {
      const before = process.cpuUsage();
      run.workload.cluster.runFor(Math.round(chunkSeconds * run.second));
      const used = process.cpuUsage(before);
      // The first round warms both up (compilation, first routes) and is not counted.
      if (round > 0) run.chunks.push((used.user + used.system) / 1e6);
    }
  }
  const ratios = baseline.chunks.map((time, i) => time / (current.chunks[i] as number)).sort((a, b) => a - b);
  const quantile = (q: number): string => (ratios[Math.floor(q * (ratios.length - 1))] as number).toFixed(3);
  for (const run of runs) {
    const { sent } = run.workload.counts();
    const cpu = run.chunks.reduce((a, b) => a + b, 0);
    process.stdout.write(
      `${run.label.padEnd(11)} ${Math.round((sent * (chunks / (chunks + 1))) / cpu).toLocaleString('en-US')} requests per CPU second\n`,
    );
  }
  process.stdout.write(
    `this build is ${quantile(0.5)} times as fast (median of ${ratios.length} chunks; quartiles ${quantile(0.25)}, ${quantile(0.75)})\n`,
  );
  return 0;
}

async function load(root: string): Promise<KnsimBuild> {
  const module = async (file: string): Promise<Record<string, unknown>> =>
    (await import(pathToFileURL(path.join(root, file)).href)) as Record<string, unknown>;
  return {
    core: (await module('packages/core/dist/index.js')) as unknown as KnsimBuild['core'],
    controlPlane: (await module(
      'packages/control-plane/dist/index.js',
    )) as unknown as KnsimBuild['controlPlane'],
    kubeProxy: (await module('packages/kube-proxy/dist/index.js')) as unknown as KnsimBuild['kubeProxy'],
    traffic: (await module('packages/traffic/dist/index.js')) as unknown as KnsimBuild['traffic'],
    controlPlaneObjects: (await module('packages/bench/dist/controlPlane.js'))[
      'controlPlaneObjects'
    ] as KnsimBuild['controlPlaneObjects'],
  };
}

process.exitCode = await main(process.argv.slice(2));
