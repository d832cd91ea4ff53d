import type { Command } from 'commander';
import { PROTOCOLS, type Protocol } from '@knsim/api';
import { maxDuration, SECOND, UserError } from '@knsim/core';
import type { Cluster } from '@knsim/control-plane';
import { ClusterDns } from '@knsim/dns';
import { DataPlane, type ConnectResult, type ConnectSource } from '@knsim/kube-proxy';
import { addClusterOptions, buildCluster, type ClusterFlags } from './clusterOptions.js';
import type { CliIo } from './io.js';

const CONVERGE_LIMIT = 3600 * SECOND;

/** After the control plane settles, wait until every kube-proxy can have synced its rules. */
export function settleProxies(cluster: Cluster): void {
  const propagation = maxDuration(cluster.config.timings.proxyPropagation);
  const wait = Math.min(
    Number.isFinite(propagation) ? propagation : cluster.config.proxy.syncPeriod,
    cluster.config.proxy.syncPeriod,
  );
  cluster.runFor(wait + cluster.config.proxy.minSyncPeriod);
}

export function parseSource(text: string, cluster: Cluster): ConnectSource {
  if (text === 'external') return { kind: 'external' };
  if (text.startsWith('external:')) return { kind: 'external', ip: text.slice('external:'.length) };
  if (text.startsWith('node/')) {
    const node = text.slice('node/'.length);
    if (!cluster.state.nodes.has(node)) throw new UserError(`--from ${text}: no node named ${node}`);
    return { kind: 'node', node };
  }
  const match = /^([a-z0-9-]+)\/([a-z0-9.-]+)$/.exec(text);
  if (match === null)
    throw new UserError(
      `invalid --from ${JSON.stringify(text)}: use NAMESPACE/POD, node/NAME or external[:IP]`,
    );
  if (!cluster.state.pods.has(text))
    throw new UserError(`--from ${text}: no such pod (pods are named as in 'knsim cluster')`);
  return { kind: 'pod', pod: text };
}

/**
 * HOST:PORT where HOST is an IP, `service/NS/NAME`, or a DNS name resolved as the source would:
 * a pod through its own resolver (search path, ndots, through the data plane), a node or an
 * external client with one query to cluster DNS.
 */
export function parseTarget(
  text: string,
  cluster: Cluster,
  resolve?: (host: string) => { ip: string | undefined; detail: string; rcode?: string },
): { ip: string; port: number; described: string; failure?: { detail: string; rcode?: string } } {
  const colon = text.lastIndexOf(':');
  const host = colon < 0 ? '' : text.slice(0, colon);
  const port = Number(text.slice(colon + 1));
  if (colon < 0 || host === '' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UserError(
      `invalid --to ${JSON.stringify(text)}: use HOST:PORT (HOST an IP, a DNS name or service/NAMESPACE/NAME)`,
    );
  }
  if (host.startsWith('service/')) {
    const [namespace, name] = host.slice('service/'.length).split('/');
    const service = cluster.state.services.get(`${namespace}/${name}`)?.service;
    if (service === undefined) throw new UserError(`--to ${text}: no Service ${namespace}/${name}`);
    const ip = service.spec.clusterIP;
    if (ip === undefined || ip === '' || ip === 'None')
      throw new UserError(
        `--to ${text}: Service ${namespace}/${name} has no ClusterIP (headless or ExternalName)`,
      );
    return { ip, port, described: `${host} (${ip})` };
  }
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return { ip: host, port, described: host };
  if (resolve === undefined) throw new UserError(`--to ${text}: cannot resolve ${host} without cluster DNS`);
  const answer = resolve(host);
  if (answer.ip === undefined) return { ip: '', port, described: host, failure: answer };
  return { ip: answer.ip, port, described: `${host} (${answer.ip}; ${answer.detail})` };
}

export function registerConnectCommand(program: Command, io: CliIo): void {
  addClusterOptions(
    program
      .command('connect')
      .description(
        'build and converge the cluster, then make one connection through the data plane and show what happened',
      )
      .requiredOption('--from <source>', 'NAMESPACE/POD, node/NAME or external[:IP]')
      .requiredOption('--to <host:port>', 'an IP, or service/NAMESPACE/NAME, and a port')
      .option('--via <node>', 'for external clients: the node the packet enters (node/NAME)')
      .option('--protocol <protocol>', 'TCP, UDP or SCTP', 'TCP')
      .option('--json', 'print the result as JSON'),
    { manifestsRequired: false },
  ).action(
    async (
      flags: ClusterFlags & { from: string; to: string; via?: string; protocol: string; json?: boolean },
    ) => {
      const protocol = flags.protocol.toUpperCase();
      if (!(PROTOCOLS as readonly string[]).includes(protocol))
        throw new UserError(`invalid --protocol ${flags.protocol}: use TCP, UDP or SCTP`);
      const { cluster } = await buildCluster(flags, io);
      const dataPlane = new DataPlane(cluster);
      cluster.converge({ until: CONVERGE_LIMIT });
      settleProxies(cluster);
      let source = parseSource(flags.from, cluster);
      if (flags.via !== undefined) {
        if (source.kind !== 'external') throw new UserError('--via applies to external clients only');
        const via = flags.via.replace(/^node\//, '');
        if (!cluster.state.nodes.has(via)) throw new UserError(`--via ${flags.via}: no node named ${via}`);
        source = { ...source, via };
      }
      const dns = new ClusterDns(cluster, {
        reach: (pod, ip, port, protocol) =>
          dataPlane.connect({ kind: 'pod', pod }, { ip, port, protocol }, { trace: false }).result,
      });
      const resolveHost = (host: string): { ip: string | undefined; detail: string; rcode?: string } => {
        if (source.kind === 'pod') {
          const result = dns.resolve(source.pod, host, 'A');
          const ip = result.ok ? result.response?.answer.find((r) => r.type === 'A')?.data : undefined;
          const rcode = result.tries.at(-1)?.rcode ?? 'none';
          return {
            ip,
            rcode,
            detail: `${result.tries.length} DNS ${result.tries.length === 1 ? 'query' : 'queries'} from the pod, last ${rcode}`,
          };
        }
        const response = dns.query(host, 'A');
        return {
          ip: response.answer.find((r) => r.type === 'A')?.data,
          rcode: response.rcode,
          detail: `cluster DNS ${response.rcode}`,
        };
      };
      const target = parseTarget(flags.to, cluster, resolveHost);
      // A name that does not resolve never gets a connection: nxdomain (or the resolver's failure).
      const result: Omit<ConnectResult, 'result'> & {
        result: ConnectResult['result'] | 'nxdomain' | 'dns-failure';
      } =
        target.failure === undefined
          ? dataPlane.connect(source, { ip: target.ip, port: target.port, protocol: protocol as Protocol })
          : {
              result:
                target.failure.rcode === 'NXDOMAIN'
                  ? 'nxdomain'
                  : target.failure.rcode === 'TIMEOUT'
                    ? 'timeout'
                    : 'dns-failure',
              reason: target.failure.detail,
              backend: null,
              candidates: [],
              masqueraded: false,
              sourceIPSeenByBackend: null,
              node: null,
              service: null,
              hops: [],
              policies: [],
            };
      if (flags.json === true) {
        io.stdout(JSON.stringify(result, null, 2) + '\n');
        return;
      }
      const lines = [
        `${result.result}: ${flags.from} -> ${target.described}:${target.port}/${protocol}${result.result === 'connected' ? '' : ` (${result.reason})`}`,
      ];
      if (result.service !== null) {
        lines.push(
          `  service ${result.service}, decided by kube-proxy on ${result.node ?? '-'}; candidates: ${result.candidates.join(', ') || 'none'}`,
        );
      }
      if (result.backend !== null)
        lines.push(
          `  backend ${result.backend.ip}:${result.backend.port}${result.backend.pod === null ? '' : ` (pod ${result.backend.pod})`}`,
        );
      if (result.sourceIPSeenByBackend !== null) {
        lines.push(
          `  source IP seen by the backend: ${result.sourceIPSeenByBackend}${result.masqueraded ? ' (masqueraded)' : ''}`,
        );
      }
      lines.push(`  hops: ${result.hops.join(' -> ')}`);
      io.stdout(lines.join('\n') + '\n');
    },
  );
}
