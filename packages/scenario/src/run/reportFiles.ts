import { formatDuration } from '@knsim/core';
import type { RunReport, WorkloadReport } from './RunReport.js';

/** `metrics.csv`: one row per workload and time window. */
export function metricsCsv(report: RunReport): string {
  const outcomes = [...new Set(report.workloads.flatMap((w) => Object.keys(w.outcomes)))].sort();
  const header = [
    'workload',
    'window_start_us',
    'window_end_us',
    'requests',
    'success_ratio',
    'p50_us',
    'p99_us',
    ...outcomes,
  ];
  const rows = [header.join(',')];
  for (const workload of report.workloads) {
    for (const point of workload.series) {
      rows.push(
        [
          csvField(workload.name),
          point.start,
          point.end,
          point.requests,
          point.successRatio ?? '',
          point.p50 ?? '',
          point.p99 ?? '',
          ...outcomes.map((outcome) => point.counts[outcome] ?? 0),
        ].join(','),
      );
    }
  }
  return rows.join('\n') + '\n';
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function xml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
      // XML 1.0 forbids most control characters even escaped.
      // eslint-disable-next-line no-control-regex -- removing them is the point
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
  );
}

/** `junit.xml`: one test case per expectation, for CI dashboards. */
export function junitXml(report: RunReport): string {
  const name = report.scenario.name ?? report.scenario.file;
  const failures = report.expectations.filter((e) => !e.passed).length;
  const cases = report.expectations.map((e) => {
    const open = `    <testcase classname="${xml(name)}" name="${xml(e.name)}" file="${xml(e.where)}">`;
    const body = e.passed
      ? `      <system-out>${xml(`${e.when}: expected ${e.expected}; observed ${e.observed}`)}</system-out>`
      : `      <failure message="${xml(`expected ${e.expected}; observed ${e.observed}`)}" type="ExpectationFailed">${xml(
          `${e.where}\n${e.when}\nexpected: ${e.expected}\nobserved: ${e.observed}`,
        )}</failure>`;
    return `${open}\n${body}\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="knsim" tests="${report.expectations.length}" failures="${failures}">`,
    `  <testsuite name="${xml(name)}" tests="${report.expectations.length}" failures="${failures}" errors="0" skipped="0">`,
    `    <properties><property name="seed" value="${xml(report.seed)}"/><property name="scenarioDigest" value="${xml(report.scenarioDigest)}"/><property name="logDigest" value="${xml(report.logDigest)}"/></properties>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** Text for HTML content and attributes. */
function html(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];

interface Line {
  readonly label: string;
  readonly points: readonly (readonly [number, number | null])[];
}

/** A line chart as inline SVG; the timeline's steps as vertical markers. */
function lineChart(options: {
  title: string;
  lines: readonly Line[];
  duration: number;
  yMax?: number;
  yLabel: (value: number) => string;
  markers: readonly { at: number; label: string }[];
}): string {
  const width = 760;
  const height = 220;
  const left = 56;
  const right = 12;
  const top = 24;
  const bottom = 28;
  const values = options.lines
    .flatMap((l) => l.points.map(([, y]) => y))
    .filter((y): y is number => y !== null);
  const yMax = options.yMax ?? Math.max(1, ...values) * 1.1;
  const x = (t: number) => left + ((width - left - right) * t) / Math.max(1, options.duration);
  const y = (v: number) => top + (height - top - bottom) * (1 - v / yMax);
  const parts: string[] = [
    `<svg class="chart" role="img" aria-label="${html(options.title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">`,
    `<text x="${left}" y="16" class="title">${html(options.title)}</text>`,
    `<line x1="${left}" y1="${height - bottom}" x2="${width - right}" y2="${height - bottom}" class="axis"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${height - bottom}" class="axis"/>`,
  ];
  for (const fraction of [0, 0.5, 1]) {
    const v = yMax * fraction;
    parts.push(
      `<text x="${left - 4}" y="${y(v) + 4}" class="tick" text-anchor="end">${html(options.yLabel(v))}</text>`,
    );
  }
  for (const fraction of [0, 0.25, 0.5, 0.75, 1]) {
    const t = options.duration * fraction;
    parts.push(
      `<text x="${x(t)}" y="${height - 10}" class="tick" text-anchor="middle">${html(formatDuration(Math.round(t)))}</text>`,
    );
  }
  for (const marker of options.markers) {
    parts.push(
      `<line x1="${x(marker.at)}" y1="${top}" x2="${x(marker.at)}" y2="${height - bottom}" class="marker"><title>${html(`${formatDuration(marker.at)}: ${marker.label}`)}</title></line>`,
    );
  }
  options.lines.forEach((line, i) => {
    const segments: string[][] = [[]];
    for (const [t, v] of line.points) {
      if (v === null) segments.push([]);
      else segments.at(-1)?.push(`${x(t).toFixed(1)},${y(Math.min(v, yMax)).toFixed(1)}`);
    }
    for (const segment of segments.filter((s) => s.length > 0))
      parts.push(
        `<polyline fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="1.5" points="${segment.join(' ')}"><title>${html(line.label)}</title></polyline>`,
      );
    parts.push(
      `<text x="${width - right - 4}" y="${top + 12 + 12 * i}" class="legend" text-anchor="end" fill="${COLORS[i % COLORS.length]}">${html(line.label)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

/** Horizontal bars (per-pod load, backend shares, outcome breakdown). */
function barChart(title: string, bars: readonly { label: string; value: number; text: string }[]): string {
  const width = 760;
  const row = 18;
  const labelWidth = 300;
  const height = 28 + row * Math.max(1, bars.length);
  const max = Math.max(1, ...bars.map((b) => b.value));
  const parts = [
    `<svg class="chart" role="img" aria-label="${html(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">`,
    `<text x="4" y="16" class="title">${html(title)}</text>`,
  ];
  bars.forEach((bar, i) => {
    const yPos = 24 + i * row;
    const barWidth = ((width - labelWidth - 90) * bar.value) / max;
    parts.push(
      `<text x="${labelWidth - 6}" y="${yPos + 12}" class="tick" text-anchor="end">${html(bar.label)}</text>`,
      `<rect x="${labelWidth}" y="${yPos + 2}" width="${barWidth.toFixed(1)}" height="${row - 5}" fill="${COLORS[0]}"><title>${html(`${bar.label}: ${bar.text}`)}</title></rect>`,
      `<text x="${labelWidth + barWidth + 6}" y="${yPos + 12}" class="tick">${html(bar.text)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

function workloadSection(workload: WorkloadReport, report: RunReport): string {
  const markers = report.timeline.map((step) => ({ at: step.at, label: `${step.name} (${step.result})` }));
  const mid = (p: { start: number; end: number }) => (p.start + p.end) / 2;
  const latency = workload.latency;
  const outcomes = Object.entries(workload.outcomes).filter(([, count]) => count > 0);
  const backends = Object.entries(workload.backends).sort(([a], [b]) => (a < b ? -1 : 1));
  return [
    `<section class="workload"><h2>Workload ${html(workload.name)}</h2>`,
    `<p>${html(workload.target)}${workload.service === null ? '' : ` (Service ${html(workload.service)})`}: ${workload.requests} requests, success ratio ${workload.successRatio}, p50 ${fmt(latency.p50)}, p90 ${fmt(latency.p90)}, p99 ${fmt(latency.p99)}, p99.9 ${fmt(latency.p999)}; ${workload.dnsQueries} DNS queries.</p>`,
    lineChart({
      title: 'success ratio over time',
      lines: [
        { label: 'success ratio', points: workload.series.map((p) => [mid(p), p.successRatio] as const) },
      ],
      duration: report.duration,
      yMax: 1,
      yLabel: (v) => v.toFixed(2),
      markers,
    }),
    lineChart({
      title: 'latency percentiles over time (ok requests)',
      lines: [
        { label: 'p50', points: workload.series.map((p) => [mid(p), p.p50] as const) },
        { label: 'p99', points: workload.series.map((p) => [mid(p), p.p99] as const) },
      ],
      duration: report.duration,
      yLabel: (v) => formatDuration(Math.round(v)),
      markers,
    }),
    barChart(
      'outcomes',
      outcomes.map(([outcome, count]) => ({ label: outcome, value: count, text: String(count) })),
    ),
    barChart(
      'load per pod (requests)',
      backends.map(([pod, b]) => ({
        label: pod,
        value: b.requests,
        text: `${b.requests} (${(b.share * 100).toFixed(1)}%), ${b.connections} conns`,
      })),
    ),
    `<p>fairness (requests): Jain ${workload.fairness.requests.jain.toFixed(4)}, max/mean ${workload.fairness.requests.maxOverMean.toFixed(3)}, CV ${workload.fairness.requests.cv.toFixed(3)}</p>`,
    failureTable(workload),
    '</section>',
  ].join('\n');
}

/** Why requests failed, most frequent first (nothing when none failed). */
function failureTable(workload: WorkloadReport): string {
  if (workload.failureReasons.length === 0) return '';
  const rows = workload.failureReasons.map(
    (r) => `<tr><td>${html(r.outcome)}</td><td>${r.count}</td><td>${html(r.reason)}</td></tr>`,
  );
  if (workload.otherFailures > 0)
    rows.push(`<tr><td>other</td><td>${workload.otherFailures}</td><td>less frequent reasons</td></tr>`);
  return [
    '<table class="failures"><caption>why requests failed</caption>',
    '<tr><th>outcome</th><th>requests</th><th>reason</th></tr>',
    ...rows,
    '</table>',
  ].join('\n');
}

function fmt(value: number | null): string {
  return value === null ? 'n/a' : formatDuration(Math.round(value));
}

/**
 * `report.html`: one self-contained page (no scripts, no network) with the verdicts, the
 * timeline, and per workload the success ratio and latency over time with the timeline's steps
 * marked, outcomes and per-pod load, and backend shares per Service. Every user-provided name is
 * escaped.
 */
export function reportHtml(report: RunReport): string {
  const title = `knsim run: ${report.scenario.name ?? report.scenario.file}`;
  const passed = report.expectations.filter((e) => e.passed).length;
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${html(title)}</title>`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<style>',
    'body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#111}table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}',
    '.pass{color:#15803d}.fail{color:#b91c1c;font-weight:600}.chart{display:block;margin:8px 0}.title{font-weight:600;font-size:12px}.tick,.legend{font-size:10px}',
    '.axis{stroke:#999}.marker{stroke:#d97706;stroke-dasharray:3 3}code{font-size:12px;word-break:break-all}',
    '</style></head><body>',
    `<h1>${html(title)}</h1>`,
    report.scenario.description === null ? '' : `<p>${html(report.scenario.description)}</p>`,
    `<p>seed <code>${html(report.seed)}</code>, ${formatDuration(report.duration)} simulated, ${report.events} events; scenario <code>${html(report.scenarioDigest)}</code>, log <code>${html(report.logDigest)}</code></p>`,
    `<h2 id="expectations">Expectations: <span class="${report.passed ? 'pass' : 'fail'}">${passed} of ${report.expectations.length} held</span></h2>`,
    '<table><tr><th></th><th>expectation</th><th>when</th><th>expected</th><th>observed</th><th>where</th></tr>',
    ...report.expectations.map(
      (e) =>
        `<tr><td class="${e.passed ? 'pass' : 'fail'}">${e.passed ? 'pass' : 'FAIL'}</td><td>${html(e.name)}</td><td>${html(e.when)}</td><td>${html(e.expected)}</td><td>${html(e.observed)}</td><td><code>${html(e.where)}</code></td></tr>`,
    ),
    '</table>',
    '<h2>Timeline</h2>',
    '<table><tr><th>at</th><th>step</th><th>result</th></tr>',
    ...report.timeline.map(
      (step) =>
        `<tr><td>${html(formatDuration(step.at))}</td><td>${html(step.name)}</td><td>${html(step.result)}</td></tr>`,
    ),
    '</table>',
    ...report.workloads.map((workload) => workloadSection(workload, report)),
    ...report.services.map((service) =>
      [
        `<section class="service"><h2>Service ${html(service.service)}</h2>`,
        barChart(
          'backend shares (requests of every workload targeting it)',
          Object.entries(service.backends).map(([pod, b]) => ({
            label: pod,
            value: b.requests,
            text: `${(b.share * 100).toFixed(1)}%`,
          })),
        ),
        `<p>fairness: Jain ${service.fairness.jain.toFixed(4)}, max/mean ${service.fairness.maxOverMean.toFixed(3)}</p></section>`,
      ].join('\n'),
    ),
    '</body></html>',
    '',
  ].join('\n');
}
