import { formatTable, peakRssMiB, type Measurement } from './harness.js';
import { controlPlaneBenchmarks } from './controlPlane.js';
import { dataPlaneBenchmarks } from './dataPlane.js';
import { bareHeapEventsPerSecond, kernelBenchmarks } from './kernel.js';
import { reachBenchmarks } from './reach.js';
import { scenarioRunBenchmarks } from './scenarioRun.js';
import { storeBenchmarks } from './store.js';

/** Every suite `pnpm bench` knows; later issues add theirs here. */
type Suite = (options: { quick: boolean }) => Measurement[] | Promise<Measurement[]>;

const SUITES: Readonly<Record<string, Suite>> = {
  kernel: kernelBenchmarks,
  store: storeBenchmarks,
  'control-plane': controlPlaneBenchmarks,
  'data-plane': (options) => dataPlaneBenchmarks(options, bareHeapEventsPerSecond(options)),
  reach: reachBenchmarks,
  run: scenarioRunBenchmarks,
};

function usage(): string {
  return `usage: pnpm bench [--json] [--quick] [SUITE...]\nsuites: ${Object.keys(SUITES).join(', ')}\n`;
}

async function main(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  const quick = argv.includes('--quick');
  const unknownFlags = argv.filter((a) => a.startsWith('-') && !['--json', '--quick'].includes(a));
  const names = argv.filter((a) => !a.startsWith('-'));
  const unknownSuites = names.filter((n) => !(n in SUITES));
  if (unknownFlags.length > 0 || unknownSuites.length > 0 || argv.includes('--help')) {
    process.stderr.write(usage());
    return argv.includes('--help') ? 0 : 2;
  }
  const selected = names.length > 0 ? names : Object.keys(SUITES);
  const all: Measurement[] = [];
  for (const name of selected) {
    const results = await (SUITES[name] as Suite)({ quick });
    all.push(...results);
    if (json) for (const m of results) process.stdout.write(JSON.stringify(m) + '\n');
  }
  const rss: Measurement = { name: 'process/peak RSS', unit: 'MiB', value: peakRssMiB() };
  if (json) process.stdout.write(JSON.stringify(rss) + '\n');
  else process.stdout.write(formatTable([...all, rss]));
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
