import { performance } from 'node:perf_hooks';

/** One benchmark figure, printed as a table row or as one JSON line. */
export interface Measurement {
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  /** Name of the measurement this one is compared with, when there is one. */
  readonly baseline?: string;
  /** value / baseline value, measured in the same run. */
  readonly ratio?: number;
  /** The target the issue sets, for the table (e.g. ">= 0.5"). */
  readonly target?: string;
}

/** Wall-clock seconds of `work`; the benchmarks are the one place wall time is read. */
export function timeSeconds(work: () => void): number {
  const start = performance.now();
  work();
  return (performance.now() - start) / 1000;
}

/** Runs `work` `repeats` times and returns the best rate (operations per second). */
export function bestRate(operations: number, repeats: number, work: () => void): number {
  let best = 0;
  for (let i = 0; i < repeats; i++) best = Math.max(best, operations / timeSeconds(work));
  return best;
}

export function formatTable(measurements: readonly Measurement[]): string {
  const rows = measurements.map((m) => [
    m.name,
    formatNumber(m.value),
    m.unit,
    m.ratio === undefined ? '' : `${m.ratio.toFixed(3)} of ${m.baseline ?? ''}`,
    m.target ?? '',
  ]);
  const header = ['benchmark', 'value', 'unit', 'ratio', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 1 ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

function formatNumber(value: number): string {
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toPrecision(4);
}

/** Peak resident set size of this process so far, in MiB. */
/** The resident set size now, MiB. */
export function rssMiB(): number {
  return process.memoryUsage.rss() / (1024 * 1024);
}

export function peakRssMiB(): number {
  // maxRSS is reported in kilobytes.
  return process.resourceUsage().maxRSS / 1024;
}
