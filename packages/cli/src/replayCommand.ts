import type { Command } from 'commander';
import { digestLog, formatDuration, parseDuration, readLogFile, UserError, type Instant } from '@knsim/core';
import { Cluster, clusterSnapshot, formatClusterSnapshot, type ClusterSnapshot } from '@knsim/control-plane';
import { ClusterDns, type DnsQueryType } from '@knsim/dns';
import { DataPlane } from '@knsim/kube-proxy';
import type { CliIo } from './io.js';

/** One Service as one node's kube-proxy has programmed it. */
export interface ProxyViewEntry {
  readonly service: string;
  /** The Service version the node programmed (0, 1, ...), or null before the first. */
  readonly version: number | null;
  /** The newest version the API server had. */
  readonly latest: number;
  /** Ready endpoints in the programmed version, `ip:port`... per port name. */
  readonly endpoints: readonly string[];
}

/** What `knsim replay` shows at one instant. */
export interface ReplayView extends ClusterSnapshot {
  /** Per node: every Service it has rules for, and whether they are the latest. */
  readonly proxy: Readonly<Record<string, readonly ProxyViewEntry[]>>;
  /** Cluster DNS: each Service name's records (and SRV for named ports), as `name ttl type data`. */
  readonly dns: readonly string[];
}

const MAX_PROXY_ENTRIES = 100_000;

/** The cluster of a recorded run as it was at `at`: state, proxy views, DNS records. */
export function replayView(
  path: string,
  at: Instant | undefined,
): { view: ReplayView; digest: string; events: number } {
  const { header, events } = readLogFile(path);
  const until = at ?? events.at(-1)?.at ?? 0;
  const cluster = Cluster.replay(header, events, until);
  const dataPlane = new DataPlane(cluster);
  const state = cluster.state;
  const services = state.services.sortedEntries().map(([key]) => key);
  const nodes = state.nodes.sortedEntries().map(([name]) => name);
  const proxy: Record<string, ProxyViewEntry[]> = {};
  const full = nodes.length * services.length <= MAX_PROXY_ENTRIES;
  for (const node of nodes) {
    const entries: ProxyViewEntry[] = [];
    for (const service of services) {
      const latest = dataPlane.views.latest(service);
      if (latest === undefined) continue;
      const seen = dataPlane.views.seenBy(node, service, until);
      if (!full && seen?.index === latest.index) continue; // large clusters: only stale views
      const endpoints: string[] = [];
      for (const slice of seen?.slices ?? []) {
        for (const endpoint of slice.endpoints ?? []) {
          if (endpoint.conditions?.ready !== true) continue;
          for (const port of slice.ports ?? [])
            for (const address of endpoint.addresses)
              endpoints.push(`${address}:${port.port ?? '*'}${port.name ? ` (${port.name})` : ''}`);
        }
      }
      entries.push({
        service,
        version: seen?.index ?? null,
        latest: latest.index,
        endpoints: endpoints.sort(),
      });
    }
    proxy[node] = entries;
  }
  return {
    view: { ...clusterSnapshot(state, until), proxy, dns: dnsRecords(cluster) },
    digest: digestLog(header, events),
    events: events.length,
  };
}

function dnsRecords(cluster: Cluster): string[] {
  if (!cluster.config.dns.enabled) return [];
  const dns = new ClusterDns(cluster);
  const zone = cluster.config.clusterDomain;
  const lines: string[] = [];
  const ask = (name: string, type: DnsQueryType) => {
    for (const record of dns.query(name, type).answer)
      lines.push(`${record.name} ${record.ttl} ${record.type} ${record.data}`);
  };
  for (const [, record] of cluster.state.services.sortedEntries()) {
    const service = record.service;
    const name = `${service.metadata.name}.${service.metadata.namespace ?? 'default'}.svc.${zone}.`;
    if (service.spec.type === 'ExternalName') {
      ask(name, 'CNAME');
      continue;
    }
    ask(name, 'A');
    ask(name, 'AAAA');
    for (const port of service.spec.ports ?? [])
      if (port.name !== undefined && port.name !== '')
        ask(`_${port.name}._${(port.protocol ?? 'TCP').toLowerCase()}.${name}`, 'SRV');
  }
  return [...new Set(lines)];
}

function parseInstant(flag: string, text: string): Instant {
  try {
    return parseDuration(text);
  } catch (error) {
    throw new UserError(`invalid ${flag} ${JSON.stringify(text)}: ${(error as Error).message}`);
  }
}

/** Keyed differences between two views: `+` added, `-` removed, `~` changed (with fields). */
export function diffViews(before: ReplayView, after: ReplayView): string[] {
  const lines: string[] = [];
  const section = <T>(title: string, a: readonly T[], b: readonly T[], key: (item: T) => string) => {
    const left = new Map(a.map((item) => [key(item), item]));
    const right = new Map(b.map((item) => [key(item), item]));
    for (const [k, item] of right) {
      const old = left.get(k);
      if (old === undefined) lines.push(`+ ${title} ${k}`);
      else {
        const changed = Object.keys(item as object).filter(
          (field) =>
            JSON.stringify((old as Record<string, unknown>)[field]) !==
            JSON.stringify((item as Record<string, unknown>)[field]),
        );
        if (changed.length > 0)
          lines.push(
            `~ ${title} ${k}: ${changed
              .map(
                (field) =>
                  `${field} ${JSON.stringify((old as Record<string, unknown>)[field])} -> ${JSON.stringify((item as Record<string, unknown>)[field])}`,
              )
              .join(', ')}`,
          );
      }
    }
    for (const k of left.keys()) if (!right.has(k)) lines.push(`- ${title} ${k}`);
  };
  section('node', before.nodes, after.nodes, (n) => n.name);
  section('pod', before.pods, after.pods, (p) => `${p.namespace}/${p.name}`);
  section('service', before.services, after.services, (s) => `${s.namespace}/${s.name}`);
  section('endpointslice', before.endpointSlices, after.endpointSlices, (s) => `${s.namespace}/${s.name}`);
  const proxyEntries = (view: ReplayView) =>
    Object.entries(view.proxy).flatMap(([node, entries]) => entries.map((entry) => ({ node, ...entry })));
  section('proxy', proxyEntries(before), proxyEntries(after), (e) => `${e.node} ${e.service}`);
  section(
    'dns',
    before.dns.map((line) => ({ record: line })),
    after.dns.map((line) => ({ record: line })),
    (r) => r.record,
  );
  return lines;
}

function formatView(view: ReplayView, title: string): string {
  const out = [formatClusterSnapshot(view, title).trimEnd(), '', 'PROXY VIEWS'];
  for (const [node, entries] of Object.entries(view.proxy)) {
    const stale = entries.filter((entry) => entry.version !== entry.latest);
    out.push(
      `${node}: ${entries.length - stale.length} Services up to date${stale.length === 0 ? '' : `, ${stale.length} behind`}`,
    );
    for (const entry of stale)
      out.push(
        `  ${entry.service}: version ${entry.version ?? 'none'} of ${entry.latest} (${entry.endpoints.length} ready endpoints: ${entry.endpoints.join(', ') || 'none'})`,
      );
  }
  out.push('', 'DNS RECORDS', ...(view.dns.length === 0 ? ['(cluster DNS disabled)'] : view.dns));
  return out.join('\n') + '\n';
}

export function registerReplayCommand(program: Command, io: CliIo): void {
  program
    .command('replay <log>')
    .description(
      'verify an event log and print the cluster it records at --at T (default: the end): nodes, pods, Services, endpoints, each node’s proxy view, DNS records; or --diff T1 T2',
    )
    .option('--at <time>', 'the virtual time to show (e.g. 90s)')
    .option('--diff <times...>', 'two virtual times: print what changed between them')
    .option('--json', 'print JSON')
    .action((path: string, flags: { at?: string; diff?: string[]; json?: boolean }) => {
      if (flags.diff !== undefined) {
        if (flags.diff.length !== 2 || flags.at !== undefined)
          throw new UserError('--diff takes exactly two times (and no --at), e.g. --diff 30s 90s');
        const [t1, t2] = flags.diff.map((text) => parseInstant('--diff', text)) as [number, number];
        const before = replayView(path, t1);
        const after = replayView(path, t2);
        const changes = diffViews(before.view, after.view);
        if (flags.json === true) {
          io.stdout(JSON.stringify({ from: t1, to: t2, digest: after.digest, changes }, null, 2) + '\n');
          return;
        }
        io.stdout(
          `log ${path}: ${after.events} events, digest ${after.digest}\nchanges from ${formatDuration(t1)} to ${formatDuration(t2)}: ${changes.length}\n` +
            changes.map((line) => `${line}\n`).join(''),
        );
        return;
      }
      const at = flags.at === undefined ? undefined : parseInstant('--at', flags.at);
      const { view, digest, events } = replayView(path, at);
      if (flags.json === true) {
        io.stdout(JSON.stringify({ digest, events, ...view }, null, 2) + '\n');
        return;
      }
      io.stdout(
        formatView(
          view,
          `log ${path}: ${events} events, digest ${digest}\ncluster at ${formatDuration(view.at)}`,
        ),
      );
    });
}
