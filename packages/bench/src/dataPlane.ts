import { HOUR, SECOND } from '@knsim/core';
import { Cluster, resolveClusterConfig } from '@knsim/control-plane';
import { DataPlane, ProxyViews } from '@knsim/kube-proxy';
import * as traffic from '@knsim/traffic';
import { controlPlaneObjects } from './controlPlane.js';
import { dataPlaneWorkload } from './dataPlaneWorkload.js';
import { rssMiB, timeSeconds, type Measurement } from './harness.js';

/** One run of the data-plane workload on a new cluster. */
interface DataPlaneRun {
  readonly sent: number;
  readonly seconds: number;
  /** Wall time of the first 10 simulated seconds, and what was sent in them. */
  readonly first: number;
  readonly sentFirst: number;
  readonly rssGrowth: number;
}

function runDataPlaneWorkload(requests: number): DataPlaneRun {
  const { cluster, simulatedSeconds, counts } = dataPlaneWorkload(
    {
      core: { HOUR, SECOND },
      controlPlane: { Cluster },
      kubeProxy: { DataPlane },
      traffic,
      controlPlaneObjects,
    },
    requests,
  );
  // The RSS high-water mark of the traffic phase, read every 10 simulated seconds: the process's
  // peak would hide it behind an earlier suite's (`pnpm bench kernel data-plane`).
  const rssBefore = rssMiB();
  let rssHigh = rssBefore;
  const chunk = (): void => {
    cluster.runFor(10 * SECOND);
    rssHigh = Math.max(rssHigh, rssMiB());
  };
  // The first 10 simulated seconds apart (each client's first route decision and first result
  // per backend), so the steady rate after them can be reported beside the total.
  const first = timeSeconds(chunk);
  const sentFirst = counts().sent;
  const rest = timeSeconds(() => {
    for (let i = 1; i < simulatedSeconds / 10; i++) chunk();
  });
  const { sent, ok } = counts();
  if (ok < sent * 0.99) throw new Error(`data-plane benchmark: only ${ok} of ${sent} requests succeeded`);
  return { sent, seconds: first + rest, first, sentFirst, rssGrowth: rssHigh - rssBefore };
}

/**
 * 100 nodes, 2,000 pods and 200 Services; every Deployment's pods call the next Service by its
 * ClusterIP with a new connection per request (keep-alive off), open loop, until 10^6 requests
 * (10^5 with --quick) have been sent. Reports simulated requests per wall second and compares it
 * with the kernel's bare-heap limit measured in the same process.
 *
 * Like the kernel suite's rates, the figure is the best of a few runs (3; 1 with --quick): each
 * run builds a new cluster, so every run pays its own first use (route decisions, first results,
 * proxy views); only the first run of the process also pays for compiling the code, and its rate
 * is reported on a row of its own.
 */
export function dataPlaneBenchmarks(
  options: { quick: boolean },
  bareHeapEventsPerSecond: number | undefined,
): Measurement[] {
  const requests = options.quick ? 100_000 : 1_000_000;
  const runs: DataPlaneRun[] = [];
  for (let i = 0; i < (options.quick ? 1 : 3); i++) runs.push(runDataPlaneWorkload(requests));
  const rate = (run: DataPlaneRun): number => run.sent / run.seconds;
  const best = runs.reduce((a, b) => (rate(b) > rate(a) ? b : a));
  const coldest = runs[0] as DataPlaneRun;
  const perSecond = rate(best);
  const label = `data-plane/100 nodes, 2000 pods, 200 Services, ${best.sent.toLocaleString('en-US')} requests, keep-alive off`;
  // The rows keep the names they had when the suite made one run (scripts read them); they are
  // the best run's figures, and the largest RSS growth of the runs.
  return [
    {
      name: `${label}: simulated requests`,
      unit: 'requests/s',
      value: perSecond,
      ...(bareHeapEventsPerSecond === undefined
        ? {}
        : { baseline: 'kernel bare-heap limit (events/s)', ratio: perSecond / bareHeapEventsPerSecond }),
      ...(options.quick ? {} : { target: '>= 500,000' }),
    },
    ...(runs.length === 1
      ? []
      : [
          {
            name: `${label}: simulated requests, the process's first run (compiling too; the row above is the best of ${runs.length} runs, each on a new cluster)`,
            unit: 'requests/s',
            value: rate(coldest),
          },
          {
            name: `${label}: simulated requests, mean of the runs`,
            unit: 'requests/s',
            value: runs.reduce((sum, run) => sum + rate(run), 0) / runs.length,
          },
        ]),
    { name: `${label}: wall time`, unit: 's', value: best.seconds },
    {
      name: `${label}: wall time of the first 10 simulated seconds (first use)`,
      unit: 's',
      value: best.first,
    },
    {
      name: `${label}: steady rate after the first 10 simulated seconds`,
      unit: 'requests/s',
      value: (best.sent - best.sentFirst) / (best.seconds - best.first),
    },
    {
      name: `${label}: peak RSS growth during traffic`,
      unit: 'MiB',
      value: Math.max(...runs.map((run) => run.rssGrowth)),
    },
    ...proxyViewsAtScale(options),
  ];
}

/**
 * The scale envelope of the per-node proxy views: 10,000 Services change once each, then every
 * one of 5,000 nodes is asked once (each walks the change log for the first time), then one more
 * change and every node asked again (each reads only what is new). Default timings.
 */
function proxyViewsAtScale(options: { quick: boolean }): Measurement[] {
  const nodes = options.quick ? 500 : 5_000;
  const services = 10_000;
  const config = resolveClusterConfig({});
  const views = new ProxyViews({
    seed: '1',
    propagation: config.timings.proxyPropagation,
    minSyncPeriod: config.proxy.minSyncPeriod,
  });
  for (let i = 0; i < services; i++) views.recordChange(`ns/svc-${i}`, i * 10, undefined, []);
  const end = services * 10 + HOUR;
  const first = timeSeconds(() => {
    for (let n = 0; n < nodes; n++) views.seenBy(`node-${n}`, `ns/svc-${n % services}`, end);
  });
  views.recordChange('ns/svc-0', end, undefined, []);
  const again = timeSeconds(() => {
    for (let n = 0; n < nodes; n++) views.seenBy(`node-${n}`, 'ns/svc-0', end + HOUR);
  });
  const label = `data-plane/proxy views, ${nodes.toLocaleString('en-US')} nodes x ${services.toLocaleString('en-US')} Service changes`;
  return [
    { name: `${label}: first query of every node (walks the log)`, unit: 's', value: first },
    { name: `${label}: every node again after one more change`, unit: 's', value: again },
  ];
}
