import { compileLabelMap, type Protocol } from '@knsim/api';
import type { Cluster, PodRecord } from '@knsim/control-plane';
import type { ConnectResult, DataPlane } from './DataPlane.js';

/** One tried connection, as `reach --json` prints it. */
export interface ReachResult {
  readonly from: string;
  readonly to: string;
  readonly service: string | null;
  readonly port: number;
  readonly protocol: Protocol;
  /** `allowed` (connected), `denied`, `refused` or another data-plane outcome. */
  readonly result: string;
  readonly reason: string;
  readonly policies: readonly string[];
  /** With `--explain`: how each isolating policy's rules judged the connection. */
  readonly explanation?: readonly string[];
}

/** The ports to try on a destination pod: `--port`, else its declared container ports, else 80/TCP. */
function podPorts(pod: PodRecord, port: number | undefined, protocol: Protocol | undefined) {
  if (port !== undefined) return [{ port, protocol: protocol ?? 'TCP' }];
  const declared = pod.spec.containers
    .flatMap((container) => container.ports ?? [])
    .map((p) => ({ port: p.containerPort, protocol: (p.protocol ?? 'TCP') as Protocol }))
    .filter((p) => protocol === undefined || p.protocol === protocol);
  const unique = [...new Map(declared.map((p) => [`${p.port}/${p.protocol}`, p])).values()];
  return unique.length > 0 ? unique : [{ port: 80, protocol: protocol ?? 'TCP' }];
}

function outcome(result: ConnectResult): string {
  return result.result === 'connected' ? 'allowed' : result.result;
}

/**
 * Tries a connection for every ordered pair of distinct pods (with an IP, not host-network)
 * through the data plane, to the destination pod's IP or through each ClusterIP Service
 * selecting it (sent to that pod as if kube-proxy had picked it). Results are in (source,
 * destination) order; what `knsim reach` prints.
 *
 * @example
 * ```ts
 * const all = () => true;
 * reachability(cluster, dataPlane, { from: all, to: all, via: 'pod' })
 *   .filter((r) => r.result === 'denied');
 * ```
 */
export function reachability(
  cluster: Cluster,
  dataPlane: DataPlane,
  options: {
    readonly from: (pod: PodRecord) => boolean;
    readonly to: (pod: PodRecord) => boolean;
    readonly via: 'pod' | 'service';
    readonly port?: number;
    readonly protocol?: Protocol;
    readonly explain?: boolean;
  },
): ReachResult[] {
  const state = cluster.state;
  const pods = [...state.pods.values()]
    .filter((pod) => pod.podIP !== undefined && pod.spec.hostNetwork !== true)
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const sources = pods.filter(options.from);
  const destinations = pods.filter(options.to);
  // ClusterIP Services by the pods they select (headless and ExternalName have no ClusterIP).
  const services = [...state.services.values()]
    .map((record) => record.service)
    .filter(
      (service) =>
        service.spec.selector !== undefined &&
        service.spec.clusterIP !== undefined &&
        service.spec.clusterIP !== 'None' &&
        service.spec.clusterIP !== '',
    )
    .map((service) => ({ service, selects: compileLabelMap(service.spec.selector) }));
  const results: ReachResult[] = [];
  for (const source of sources) {
    for (const destination of destinations) {
      if (source.key === destination.key) continue;
      const targets: { ip: string; port: number; protocol: Protocol; service: string | null }[] = [];
      if (options.via === 'pod') {
        for (const p of podPorts(destination, options.port, options.protocol))
          targets.push({ ip: destination.podIP as string, ...p, service: null });
      } else {
        for (const { service, selects } of services) {
          if (service.metadata.namespace !== destination.namespace || !selects(destination.labels)) continue;
          for (const port of service.spec.ports ?? []) {
            const protocol = port.protocol ?? 'TCP';
            if (options.port !== undefined && port.port !== options.port) continue;
            if (options.protocol !== undefined && protocol !== options.protocol) continue;
            targets.push({
              ip: service.spec.clusterIP as string,
              port: port.port,
              protocol,
              service: `${service.metadata.namespace}/${service.metadata.name}`,
            });
          }
        }
      }
      for (const target of targets) {
        const result = dataPlane.connect(
          { kind: 'pod', pod: source.key },
          { ip: target.ip, port: target.port, protocol: target.protocol },
          { trace: false, ...(target.service === null ? {} : { endpoint: destination.podIP as string }) },
        );
        const notEligible = target.service !== null && result.backend === null && result.result === 'refused';
        const explanation =
          options.explain === true
            ? dataPlane.policies.explain(
                cluster.now,
                { kind: 'pod', pod: source.key, ip: source.podIP as string, node: source.nodeName as string },
                {
                  kind: 'pod',
                  pod: destination.key,
                  ip: destination.podIP as string,
                  node: destination.nodeName as string,
                },
                result.backend?.port ?? target.port,
                target.protocol,
              )
            : undefined;
        results.push({
          from: source.key,
          to: destination.key,
          service: target.service,
          port: target.port,
          protocol: target.protocol,
          result: notEligible ? 'not-eligible' : outcome(result),
          reason: result.reason,
          policies: result.policies,
          ...(options.explain === true
            ? {
                explanation:
                  explanation === undefined
                    ? ['no NetworkPolicy applies']
                    : [explanation.egress.text, explanation.ingress.text],
              }
            : {}),
        });
      }
    }
  }
  return results;
}
