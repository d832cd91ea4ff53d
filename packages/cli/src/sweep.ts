import { UserError } from '@knsim/core';
import { loadScenario, runScenario, type RunReport } from '@knsim/scenario';

/** One run of a sweep: its position in the full cross product, its seed and its settings. */
export interface SweepRunSpec {
  readonly index: number;
  readonly seed: string;
  /** `key=value` overrides for this run (the swept ones). */
  readonly set: readonly string[];
}

/** One run's row: identity, verdict and the key metrics, flattened for CSV. */
export interface SweepRow {
  readonly index: number;
  readonly seed: string;
  /** The swept settings, `key -> value`. */
  readonly settings: Readonly<Record<string, string>>;
  readonly passed: boolean;
  readonly expectationsFailed: number;
  readonly logDigest: string;
  /** `<workload>.<metric>` -> value (requests, successRatio, p50/p90/p99/p999 µs, jain). */
  readonly metrics: Readonly<Record<string, number | null>>;
}

/** What a sweep (or one shard of it) produced; shards of one sweep merge into the whole. */
export interface SweepResult {
  readonly format: 'knsim.sweep/v1';
  readonly scenario: string;
  readonly seeds: readonly string[];
  /** The swept keys and their values, in command-line order. */
  readonly axes: readonly { readonly key: string; readonly values: readonly string[] }[];
  /** Overrides applied to every run. */
  readonly fixed: readonly string[];
  readonly total: number;
  readonly shard: { readonly index: number; readonly count: number } | null;
  readonly rows: readonly SweepRow[];
}

/** `1..100`, `1,5,9`, `3` or a mix (`1..10,42`). */
export function parseSeeds(text: string): string[] {
  const seeds: string[] = [];
  for (const part of text.split(',')) {
    const range = /^(\d+)\.\.(\d+)$/.exec(part.trim());
    if (range !== null) {
      const from = Number(range[1]);
      const to = Number(range[2]);
      if (to < from || to - from > 100_000)
        throw new UserError(`invalid --seeds range ${part}: from <= to, at most 100,000 seeds`);
      for (let seed = from; seed <= to; seed++) seeds.push(String(seed));
    } else if (/^[A-Za-z0-9_.:-]{1,128}$/.test(part.trim())) {
      seeds.push(part.trim());
    } else {
      throw new UserError(`invalid --seeds ${JSON.stringify(text)}: use 1..100, a list 1,2,3, or both`);
    }
  }
  if (new Set(seeds).size !== seeds.length) throw new UserError(`--seeds ${text} lists a seed twice`);
  return seeds;
}

/** `--set key=a,b,c` sweeps the key over the values; `--set key=a` fixes it. */
export function parseAxes(sets: readonly string[]): { axes: SweepResult['axes']; fixed: string[] } {
  const axes: { key: string; values: string[] }[] = [];
  const fixed: string[] = [];
  for (const set of sets) {
    const eq = set.indexOf('=');
    if (eq <= 0) throw new UserError(`invalid --set ${JSON.stringify(set)}: use key=value or key=v1,v2,...`);
    const key = set.slice(0, eq);
    const values = set.slice(eq + 1).split(',');
    if (values.some((v) => v === ''))
      throw new UserError(`invalid --set ${JSON.stringify(set)}: an empty value`);
    if (values.length === 1) fixed.push(set);
    else axes.push({ key, values });
  }
  return { axes, fixed };
}

/** The cross product, settings outer (in flag order) and seeds inner: a stable run order. */
export function sweepRuns(seeds: readonly string[], axes: SweepResult['axes']): SweepRunSpec[] {
  let combinations: string[][] = [[]];
  for (const axis of axes)
    combinations = combinations.flatMap((combo) =>
      axis.values.map((value) => [...combo, `${axis.key}=${value}`]),
    );
  const runs: SweepRunSpec[] = [];
  for (const set of combinations) for (const seed of seeds) runs.push({ index: runs.length, seed, set });
  return runs;
}

/** `I/N` with 0 <= I < N (as a Kubernetes Indexed Job's JOB_COMPLETION_INDEX). */
export function parseShard(text: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || !(count >= 1) || !(index >= 0 && index < count))
    throw new UserError(
      `invalid --shard ${JSON.stringify(text)}: use I/N with 0 <= I < N (e.g. $JOB_COMPLETION_INDEX/10)`,
    );
  return { index, count };
}

/** The flattened key metrics of a report. */
export function rowOf(spec: SweepRunSpec, report: RunReport): SweepRow {
  const metrics: Record<string, number | null> = {};
  for (const workload of report.workloads) {
    metrics[`${workload.name}.requests`] = workload.requests;
    metrics[`${workload.name}.successRatio`] = workload.successRatio;
    metrics[`${workload.name}.p50`] = workload.latency.p50;
    metrics[`${workload.name}.p90`] = workload.latency.p90;
    metrics[`${workload.name}.p99`] = workload.latency.p99;
    metrics[`${workload.name}.p999`] = workload.latency.p999;
    metrics[`${workload.name}.jain`] = Math.round(workload.fairness.requests.jain * 1e6) / 1e6;
  }
  return {
    index: spec.index,
    seed: spec.seed,
    settings: Object.fromEntries(
      spec.set.map((s) => [s.slice(0, s.indexOf('=')), s.slice(s.indexOf('=') + 1)]),
    ),
    passed: report.passed,
    expectationsFailed: report.expectations.filter((e) => !e.passed).length,
    logDigest: report.logDigest,
    metrics,
  };
}

/** Runs one spec of a sweep (in this thread). */
export async function runSweepSpec(
  path: string,
  fixed: readonly string[],
  spec: SweepRunSpec,
): Promise<SweepRow> {
  const scenario = await loadScenario(path, { seed: spec.seed, set: [...fixed, ...spec.set] });
  return rowOf(spec, runScenario(scenario).report);
}

/** Mean and a 95% confidence half-width (Student's t) of the values that are numbers. */
export function meanWithCi(
  values: readonly (number | null)[],
): { n: number; mean: number; ci: number } | undefined {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return undefined;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { n, mean, ci: Number.NaN };
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { n, mean, ci: studentT975(n - 1) * Math.sqrt(variance / n) };
}

// Two-sided 95% quantiles of Student's t; beyond 30 degrees of freedom the normal 1.96 is within 2%.
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];
function studentT975(dof: number): number {
  return T975[dof - 1] ?? 1.96;
}

/** Shards (or one whole sweep) into one result; every run exactly once. */
export function mergeSweeps(parts: readonly SweepResult[]): SweepResult {
  const first = parts[0];
  if (first === undefined) throw new UserError('nothing to merge');
  for (const part of parts) {
    if (
      part.scenario !== first.scenario ||
      JSON.stringify([part.seeds, part.axes, part.fixed]) !==
        JSON.stringify([first.seeds, first.axes, first.fixed])
    )
      throw new UserError(
        `cannot merge sweeps of different scenarios or settings (${part.scenario} vs ${first.scenario})`,
      );
  }
  const byIndex = new Map<number, SweepRow>();
  for (const row of parts.flatMap((p) => p.rows)) {
    const seen = byIndex.get(row.index);
    if (seen !== undefined && seen.logDigest !== row.logDigest)
      throw new UserError(`run ${row.index} appears twice with different results`);
    byIndex.set(row.index, row);
  }
  const missing = [];
  for (let i = 0; i < first.total; i++) if (!byIndex.has(i)) missing.push(i);
  if (missing.length > 0)
    throw new UserError(
      `the shards miss ${missing.length} of ${first.total} runs (e.g. run ${missing[0]}): merge every shard`,
    );
  return { ...first, shard: null, rows: [...byIndex.values()].sort((a, b) => a.index - b.index) };
}

/** `runs.csv`: one row per run. */
export function sweepCsv(result: SweepResult): string {
  const metricKeys = [...new Set(result.rows.flatMap((row) => Object.keys(row.metrics)))].sort();
  const axisKeys = result.axes.map((a) => a.key);
  const header = ['index', 'seed', ...axisKeys, 'passed', 'expectations_failed', ...metricKeys, 'log_digest'];
  const lines = [header.join(',')];
  for (const row of result.rows)
    lines.push(
      [
        row.index,
        row.seed,
        ...axisKeys.map((k) => row.settings[k] ?? ''),
        row.passed,
        row.expectationsFailed,
        ...metricKeys.map((k) => row.metrics[k] ?? ''),
        row.logDigest,
      ].join(','),
    );
  return lines.join('\n') + '\n';
}

/** The summary table: per combination of settings, pass rate and mean ± 95% CI of each metric. */
export function formatSweepSummary(result: SweepResult): string {
  const groups = new Map<string, SweepRow[]>();
  for (const row of result.rows) {
    const label = result.axes.map((a) => `${a.key}=${row.settings[a.key] ?? '?'}`).join(' ') || '(all runs)';
    const list = groups.get(label) ?? [];
    list.push(row);
    groups.set(label, list);
  }
  const metricKeys = [...new Set(result.rows.flatMap((row) => Object.keys(row.metrics)))]
    .filter((k) => /\.(successRatio|p50|p99|jain)$/.test(k))
    .sort();
  const lines = [
    `sweep of ${result.scenario}: ${result.rows.length} of ${result.total} runs${result.shard === null ? '' : ` (shard ${result.shard.index}/${result.shard.count})`}, ${result.seeds.length} seeds`,
  ];
  for (const [label, rows] of groups) {
    const passed = rows.filter((r) => r.passed).length;
    lines.push('', `${label}: ${passed}/${rows.length} passed`);
    for (const key of metricKeys) {
      const stats = meanWithCi(rows.map((r) => r.metrics[key] ?? null));
      if (stats === undefined) continue;
      const unit = /\.p\d+$/.test(key) ? ' µs' : '';
      const digits = /successRatio|jain/.test(key) ? 5 : 0;
      lines.push(
        `  ${key.padEnd(32)} ${stats.mean.toFixed(digits)}${Number.isNaN(stats.ci) ? '' : ` ± ${stats.ci.toFixed(digits)}`}${unit} (95% CI, n=${stats.n})`,
      );
    }
  }
  return lines.join('\n') + '\n';
}
