import type { EndpointSlice, Service, ServicePort } from '@knsim/api';
import { formatDuration, type Duration } from '@knsim/core';
import type { NodeRecord } from '@knsim/control-plane';
import {
  categorizeEndpoints,
  endpointsFromSlices,
  servicePortInfo,
  type DataPlane,
  type ProxyEndpoint,
} from '@knsim/kube-proxy';
import { propagationBound } from './propagationBound.js';
import { slicesOfService } from './serviceSlices.js';
import type { Violation } from './Violation.js';

function describeList(endpoints: readonly ProxyEndpoint[]): string {
  return (
    endpoints
      .map(
        (e) =>
          `${e.endpoint}${e.ready ? '' : e.serving && e.terminating ? ' (terminating)' : ' (not ready)'}`,
      )
      .join(', ') || 'none'
  );
}

function eligible(service: Service, port: ServicePort, slices: readonly EndpointSlice[], node: NodeRecord) {
  const info = servicePortInfo(service, port);
  const categorized = categorizeEndpoints(endpointsFromSlices(service, port, slices, node.name), {
    nodeName: node.name,
    zone: node.zone,
    internalTrafficPolicy: info.internalTrafficPolicy,
    externalTrafficPolicy: info.externalTrafficPolicy,
    externallyAccessible: info.externallyAccessible,
  });
  return {
    cluster: describeList(categorized.clusterEndpoints),
    local: describeList(categorized.localEndpoints),
  };
}

/**
 * The `proxyConvergence` invariant, judged `settle` after the cluster's current time without
 * running the simulation further (default: {@link propagationBound}): every node's kube-proxy has
 * programmed the latest version of every Service (asked through `ProxyViews.syncs`, which replays
 * the node's seeded delays on a copy and so changes nothing), and the endpoints that version makes
 * eligible on the node (Cluster and Local lists, `categorizeEndpoints`) equal those computed from
 * the Service and EndpointSlices in the state. Meaningful once the run has stopped changing
 * Services and endpoints (quiescence): later changes are not known yet.
 *
 * @example
 * ```ts
 * checkProxyConvergence(run.dataPlane); // [] when every node caught up
 * ```
 */
export function checkProxyConvergence(
  dataPlane: DataPlane,
  options: { readonly settle?: Duration } = {},
): Violation[] {
  const cluster = dataPlane.cluster;
  const state = cluster.state;
  const settle = options.settle ?? propagationBound(cluster.config);
  const now = cluster.now;
  const until = now + settle;
  const violations: Violation[] = [];
  const nodes = state.nodes.sortedEntries();
  for (const [key, record] of state.services.sortedEntries()) {
    const latest = dataPlane.views.latest(key);
    if (latest === undefined || latest.service === undefined) {
      violations.push({
        invariant: 'proxyConvergence',
        at: now,
        message: `the data plane has ${latest === undefined ? 'no version' : 'only a deletion'} of Service ${key}, which exists`,
      });
      continue;
    }
    const service = record.service;
    const proxied = service.spec.type !== 'ExternalName' && service.spec.clusterIP !== 'None';
    const slices = proxied ? slicesOfService(state, key) : [];
    for (const [name, node] of nodes) {
      const syncs = dataPlane.views.syncs(name, key, until);
      const programmed = syncs.at(-1);
      if (programmed?.version !== latest.index) {
        violations.push({
          invariant: 'proxyConvergence',
          at: now,
          message:
            `node ${name} has programmed ${programmed === undefined ? 'no version' : `version ${programmed.version} (at ${formatDuration(programmed.at)})`} ` +
            `of ${key} ${formatDuration(settle)} after the end, not the latest, version ${latest.index} (changed at ${formatDuration(latest.changedAt)})`,
        });
        continue;
      }
      if (!proxied) continue;
      for (const port of service.spec.ports ?? []) {
        const programmedPort = (latest.service.spec.ports ?? []).find(
          (p) => p.port === port.port && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP'),
        );
        const expected = eligible(service, port, slices, node);
        const actual =
          programmedPort === undefined
            ? { cluster: 'no such port', local: 'no such port' }
            : eligible(latest.service, programmedPort, latest.slices, node);
        for (const list of ['cluster', 'local'] as const) {
          if (actual[list] === expected[list]) continue;
          violations.push({
            invariant: 'proxyConvergence',
            at: now,
            message: `node ${name}'s ${list === 'cluster' ? 'Cluster' : 'Local'}-policy endpoints for ${key}:${port.port}/${port.protocol ?? 'TCP'} are ${actual[list]}, but the state's slices make ${expected[list]} eligible`,
          });
        }
      }
    }
  }
  return violations;
}
