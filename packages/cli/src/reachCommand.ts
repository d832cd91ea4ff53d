import type { Command } from 'commander';
import { formatManifestIssue, loadManifests, PROTOCOLS, type Protocol } from '@knsim/api';
import { SECOND, UserError } from '@knsim/core';
import type { Cluster, PodRecord } from '@knsim/control-plane';
import { DataPlane, reachability, type ReachResult } from '@knsim/kube-proxy';
import { analyzeConnectivity, formatConnectionList } from '@knsim/network-policy';
import { addClusterOptions, buildCluster, type ClusterFlags } from './clusterOptions.js';
import { settleProxies } from './connectCommand.js';
import type { CliIo } from './io.js';

const CONVERGE_LIMIT = 3600 * SECOND;

interface ReachFlags extends ClusterFlags {
  readonly port?: string;
  readonly protocol?: string;
  readonly from?: string;
  readonly to?: string;
  readonly via: string;
  readonly explain?: boolean;
  readonly json?: boolean;
  readonly static?: boolean;
}

/** A pod filter: `NS/POD`, or `NS/*` for a whole namespace. */
function podFilter(flag: string, text: string | undefined, cluster: Cluster): (pod: PodRecord) => boolean {
  if (text === undefined) return (pod) => pod.namespace !== 'kube-system';
  const match = /^([a-z0-9-]+)\/([a-z0-9.*-]+)$/.exec(text);
  if (match === null)
    throw new UserError(`invalid ${flag} ${JSON.stringify(text)}: use NAMESPACE/POD or NAMESPACE/*`);
  const [, namespace, name] = match as unknown as [string, string, string];
  if (name === '*') {
    if (!cluster.state.namespaces.has(namespace))
      throw new UserError(`${flag} ${text}: no namespace ${namespace}`);
    return (pod) => pod.namespace === namespace;
  }
  if (!cluster.state.pods.has(text))
    throw new UserError(`${flag} ${text}: no such pod (pods are named as in 'knsim cluster')`);
  return (pod) => pod.key === text;
}

/** The matrix: rows are sources, columns destinations; `.` allowed, `X` denied. */
export function formatReachMatrix(results: readonly ReachResult[], pods: readonly string[]): string {
  const cells = new Map<string, Set<string>>();
  for (const result of results) {
    const key = `${result.from}\u0000${result.to}`;
    let set = cells.get(key);
    if (set === undefined) cells.set(key, (set = new Set()));
    set.add(result.result);
  }
  const symbol = (from: string, to: string): string => {
    if (from === to) return '-';
    const set = cells.get(`${from}\u0000${to}`);
    if (set === undefined || set.size === 0) return ' ';
    if (set.size > 1) return '~';
    const only = [...set][0];
    return only === 'allowed' ? '.' : only === 'denied' ? 'X' : 'o';
  };
  const width = String(pods.length).length;
  const nameWidth = Math.max(0, ...pods.map((pod) => pod.length));
  const header = `${' '.repeat(width + 1 + nameWidth)} ${pods.map((_, i) => String(i + 1).padStart(width)).join(' ')}`;
  const rows = pods.map(
    (from, i) =>
      `${String(i + 1).padStart(width)} ${from.padEnd(nameWidth)} ${pods.map((to) => symbol(from, to).padStart(width)).join(' ')}`,
  );
  const counts = new Map<string, number>();
  for (const result of results) counts.set(result.result, (counts.get(result.result) ?? 0) + 1);
  const summary = [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${v} ${k}`);
  return [
    header,
    ...rows,
    '',
    `. allowed   X denied   o other outcome (refused, timeout...)   ~ mixed over ports/Services   - self`,
    `${results.length} connections: ${summary.join(', ') || 'none'}`,
  ].join('\n');
}

export function registerReachCommand(program: Command, io: CliIo): void {
  addClusterOptions(
    program
      .command('reach')
      .description(
        'converge the cluster, then try a connection between every ordered pair of pods through the data plane (NetworkPolicy included); --static: what the policies allow, like netpol-analyzer',
      )
      .option(
        '--port <port>',
        'destination port (default: the destination pod’s declared ports, or the Service ports)',
      )
      .option('--protocol <protocol>', 'TCP, UDP or SCTP')
      .option('--from <pod>', 'only this source: NAMESPACE/POD or NAMESPACE/*')
      .option('--to <pod>', 'only this destination: NAMESPACE/POD or NAMESPACE/*')
      .option(
        '--via <how>',
        'pod: dial the pod IP; service: through each ClusterIP Service selecting it',
        'pod',
      )
      .option('--explain', 'say which rule of which policy decided each connection')
      .option(
        '--static',
        'analyse the policies alone (no cluster run): allowed connections between workloads',
      )
      .option('--json', 'print JSON'),
    { manifestsRequired: true },
  ).action(async (flags: ReachFlags) => {
    if (flags.static === true) return reachStatic(flags, io);
    const protocol = flags.protocol?.toUpperCase();
    if (protocol !== undefined && !(PROTOCOLS as readonly string[]).includes(protocol))
      throw new UserError(`invalid --protocol ${flags.protocol}: use TCP, UDP or SCTP`);
    const port = flags.port === undefined ? undefined : Number(flags.port);
    if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535))
      throw new UserError(`invalid --port ${flags.port}: use a port from 1 to 65535`);
    if (flags.via !== 'pod' && flags.via !== 'service')
      throw new UserError(`invalid --via ${flags.via}: use pod or service`);
    const { cluster } = await buildCluster(flags, io);
    const dataPlane = new DataPlane(cluster);
    cluster.converge({ until: CONVERGE_LIMIT });
    settleProxies(cluster);
    // Every NetworkPolicy agent has programmed the final state by now.
    cluster.runFor(5 * SECOND);
    const from = podFilter('--from', flags.from, cluster);
    const to = podFilter('--to', flags.to, cluster);
    const results = reachability(cluster, dataPlane, {
      from,
      to,
      via: flags.via,
      ...(port === undefined ? {} : { port }),
      ...(protocol === undefined ? {} : { protocol: protocol as Protocol }),
      ...(flags.explain === true ? { explain: true } : {}),
    });
    if (flags.json === true) {
      io.stdout(JSON.stringify({ results }, null, 2) + '\n');
      return;
    }
    const pods = [...new Set(results.flatMap((r) => [r.from, r.to]))].sort();
    io.stdout(formatReachMatrix(results, pods) + '\n');
    if (flags.explain === true) {
      for (const result of results) {
        io.stdout(
          `\n${result.from} -> ${result.to}${result.service === null ? '' : ` via ${result.service}`} ${result.protocol}/${result.port}: ${result.result}\n`,
        );
        for (const line of result.explanation ?? []) io.stdout(`  ${line}\n`);
      }
    }
  });
}

/** `reach --static`: read leniently, as netpol-analyzer does, and analyse the policies alone. */
async function reachStatic(flags: ReachFlags, io: CliIo): Promise<void> {
  for (const [flag, value] of [
    ['--port', flags.port],
    ['--from', flags.from],
    ['--to', flags.to],
  ] as const) {
    if (value !== undefined) throw new UserError(`${flag} does not apply to reach --static`);
  }
  const loaded = await loadManifests(flags.filename ?? [], { strict: false });
  for (const warning of loaded.warnings) io.stderr(`warning: ${formatManifestIssue(warning)}\n`);
  const entries = analyzeConnectivity(loaded.objects, { explain: flags.explain === true });
  if (flags.json === true) {
    io.stdout(
      JSON.stringify(
        entries.map((entry) => ({
          src: entry.src,
          dst: entry.dst,
          conn: entry.conn,
          ...(flags.explain === true && entry.explanation !== undefined
            ? { explanation: entry.explanation }
            : {}),
        })),
        null,
        2,
      ) + '\n',
    );
    return;
  }
  io.stdout(formatConnectionList(entries, { explain: flags.explain === true }));
}
