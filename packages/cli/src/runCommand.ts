import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { formatDuration, UserError } from '@knsim/core';
import { junitXml, loadScenario, metricsCsv, reportHtml, runScenario, type RunReport } from '@knsim/scenario';
import { CommandExit, type CliIo } from './io.js';

interface RunFlags {
  readonly seed?: string;
  readonly duration?: string;
  readonly set?: string[];
  readonly out?: string;
  readonly json?: boolean;
  readonly quiet?: boolean;
}

function percent(value: number): string {
  return `${(value * 100).toFixed(2)}%`;
}

function latency(value: number | null): string {
  return value === null ? '-' : formatDuration(Math.round(value));
}

/** The human summary `knsim run` prints. */
export function formatRunSummary(report: RunReport, wallSeconds?: number): string {
  const lines: string[] = [];
  lines.push(
    `${report.scenario.name ?? report.scenario.file}: seed ${report.seed}, ${formatDuration(report.duration)} simulated, ${report.events} events${
      wallSeconds === undefined ? '' : ` in ${wallSeconds.toFixed(2)} s`
    }`,
  );
  lines.push(`log ${report.logDigest}`);
  if (report.timeline.length > 0) {
    lines.push('', 'TIMELINE');
    for (const step of report.timeline)
      lines.push(`  ${formatDuration(step.at).padStart(8)}  ${step.name}: ${step.result}`);
  }
  if (report.workloads.length > 0) {
    lines.push('', 'WORKLOADS');
    lines.push(
      '  NAME                 REQUESTS  SUCCESS    P50       P90       P99       P99.9     OUTCOMES',
    );
    for (const w of report.workloads) {
      const outcomes = Object.entries(w.outcomes)
        .filter(([, count]) => count > 0)
        .map(([outcome, count]) => `${outcome}=${count}`)
        .join(' ');
      lines.push(
        `  ${w.name.padEnd(20)} ${String(w.requests).padStart(8)}  ${percent(w.successRatio).padEnd(9)}  ${latency(w.latency.p50).padEnd(8)}  ${latency(w.latency.p90).padEnd(8)}  ${latency(w.latency.p99).padEnd(8)}  ${latency(w.latency.p999).padEnd(8)}  ${outcomes}`,
      );
      // Success ratio over time, compressed to at most 60 columns (one character per window group).
      const series = w.series;
      if (series.length > 0) {
        const group = Math.ceil(series.length / 60);
        let spark = '';
        for (let i = 0; i < series.length; i += group) {
          const slice = series.slice(i, i + group);
          const requests = slice.reduce((sum, p) => sum + p.requests, 0);
          const ok = slice.reduce((sum, p) => sum + (p.successRatio ?? 0) * p.requests, 0);
          spark +=
            requests === 0
              ? ' '
              : ok / requests >= 0.999
                ? '█'
                : ok / requests >= 0.99
                  ? '▇'
                  : ok / requests >= 0.9
                    ? '▅'
                    : ok / requests >= 0.5
                      ? '▃'
                      : '▁';
        }
        lines.push(`  ${''.padEnd(20)} success over time |${spark}|`);
      }
      // Why requests failed: the three most frequent reasons.
      for (const failure of w.failureReasons.slice(0, 3))
        lines.push(`  ${''.padEnd(20)} ${failure.outcome} x${failure.count}: ${failure.reason}`);
    }
  }
  if (report.services.length > 0) {
    lines.push('', 'SERVICES (backend shares of requests)');
    for (const s of report.services) {
      const shares = Object.entries(s.backends)
        .map(([pod, b]) => `${pod.slice(pod.indexOf('/') + 1)} ${(b.share * 100).toFixed(1)}%`)
        .join(', ');
      lines.push(
        `  ${s.service}: Jain ${s.fairness.jain.toFixed(4)}, max/mean ${s.fairness.maxOverMean.toFixed(3)}; ${shares}`,
      );
    }
  }
  if (report.expectations.length > 0) {
    const held = report.expectations.filter((e) => e.passed).length;
    lines.push('', `EXPECTATIONS (${held} of ${report.expectations.length} held)`);
    for (const e of report.expectations) {
      lines.push(`  ${e.passed ? 'pass' : 'FAIL'}  ${e.name} (${e.when})`);
      if (!e.passed) {
        lines.push(
          `        expected: ${e.expected}`,
          `        observed: ${e.observed}`,
          `        where:    ${e.where}`,
        );
      }
    }
  }
  return lines.join('\n') + '\n';
}

/** Writes every output file of a run into `dir`. */
export function writeRunOutputs(dir: string, report: RunReport, log: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'events.ndjson'), log);
    writeFileSync(join(dir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
    writeFileSync(join(dir, 'report.html'), reportHtml(report));
    writeFileSync(join(dir, 'metrics.csv'), metricsCsv(report));
    writeFileSync(join(dir, 'junit.xml'), junitXml(report));
  } catch (error) {
    throw new UserError(`cannot write to ${dir}: ${(error as Error).message}`);
  }
}

export function registerRunCommand(program: Command, io: CliIo): void {
  program
    .command('run <scenario>')
    .description(
      'run a scenario (cluster, manifests, traffic, timeline, expectations) and report; exit 0 when every expectation holds, 1 when one fails, 2 on bad input',
    )
    .option('--seed <n>', 'replace the scenario’s seed')
    .option('--duration <time>', 'replace the scenario’s duration (e.g. 5m)')
    .option(
      '--set <key=value>',
      'override a scenario field (repeatable), e.g. proxy.mode=ipvs',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--out <dir>', 'write events.ndjson, report.json, report.html, metrics.csv and junit.xml here')
    .option('--json', 'print report.json to stdout')
    .option('--quiet', 'print nothing but errors (the exit code tells)')
    .action(async (path: string, flags: RunFlags) => {
      const scenario = await loadScenario(path, {
        ...(flags.set === undefined ? {} : { set: flags.set }),
        ...(flags.seed === undefined ? {} : { seed: flags.seed }),
        ...(flags.duration === undefined ? {} : { duration: flags.duration }),
      });
      const started = performance.now();
      const progress = io.isTTY === true && flags.quiet !== true && flags.json !== true;
      let lastDraw = started;
      let drawn = false;
      const { report, cluster } = runScenario(scenario, {
        onProgress: ({ now, duration, steps }) => {
          if (!progress) return;
          const wall = performance.now();
          // Only runs longer than a second get a bar, redrawn at most ten times a second.
          if (wall - started < 1000 || wall - lastDraw < 100) return;
          lastDraw = wall;
          drawn = true;
          const fraction = duration === 0 ? 1 : now / duration;
          const width = 30;
          const filled = Math.round(width * fraction);
          const rate = steps / ((wall - started) / 1000);
          io.stderr(
            `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${formatDuration(now)} / ${formatDuration(duration)}  ${Math.round(rate).toLocaleString('en-US')} events/s `,
          );
        },
      });
      if (drawn) io.stderr('\n');
      const wallSeconds = (performance.now() - started) / 1000;
      if (flags.out !== undefined) writeRunOutputs(flags.out, report, cluster.sim.log.toNdjson());
      if (flags.json === true) io.stdout(JSON.stringify(report, null, 2) + '\n');
      else if (flags.quiet !== true) io.stdout(formatRunSummary(report, wallSeconds));
      // 1: an expectation failed (the report says which); the outputs are written either way.
      if (!report.passed) throw new CommandExit(1);
    });
}
