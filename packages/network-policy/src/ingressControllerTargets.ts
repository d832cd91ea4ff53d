import {
  compileLabelMap,
  DEFAULT_NAMESPACE,
  type Ingress,
  type IngressBackend,
  type IntOrString,
  type KubeObject,
  type Service,
} from '@knsim/api';
import { ConnectionSet } from './ConnectionSet.js';
import type { WorkloadPeer } from './deriveWorkloadPeers.js';

/** What Ingress objects ask an ingress controller to reach on one workload. */
export interface IngressControllerTarget {
  readonly peer: WorkloadPeer;
  /** TCP ports only: an Ingress forwards HTTP(S). */
  readonly connections: ConnectionSet;
  /** One line per (Ingress, Service, port) contributing, e.g. `Ingress ns/web -> Service web port 80 -> TCP 8080`. */
  readonly via: readonly string[];
}

/** Name of the pseudo-endpoint standing for the ingress controller, as netpol-analyzer prints it. */
export const INGRESS_CONTROLLER = '{ingress-controller}';
/** The namespace the ingress controller pseudo-pod lives in (no policy of the input selects it). */
export const INGRESS_CONTROLLER_NAMESPACE = 'ingress-controller-ns';

function backendServices(ingress: Ingress): IngressBackend['service'][] {
  const services: IngressBackend['service'][] = [];
  if (ingress.spec.defaultBackend?.service !== undefined) services.push(ingress.spec.defaultBackend.service);
  for (const rule of ingress.spec.rules ?? []) {
    for (const path of rule.http?.paths ?? []) {
      if (path.backend.service !== undefined) services.push(path.backend.service);
    }
  }
  return services;
}

function asPortNumber(value: IntOrString): number | string {
  return typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value;
}

/** The pod-side ports a backend reaches: the first matching Service port, or all when none is named. */
function accessPorts(service: Service, backend: NonNullable<IngressBackend['service']>): (number | string)[] {
  const ports = service.spec.ports ?? [];
  const name = backend.port.name ?? '';
  const number = backend.port.number ?? 0;
  const target = (port: (typeof ports)[number]): number | string =>
    asPortNumber(port.targetPort ?? port.port);
  if (name === '' && number === 0) return ports.map(target);
  for (const port of ports) {
    if (
      (name !== '' && port.name === name) ||
      port.port === number ||
      (number !== 0 && target(port) === number)
    ) {
      return [target(port)];
    }
  }
  return [];
}

/**
 * The TCP connections Ingress objects route to each workload, derived as netpol-analyzer does:
 * every Service backend of an Ingress (default backend and rule paths) in the Ingress's
 * namespace; the Service port the backend names (by name or number; all ports when it names
 * none); its target port, resolved by name against the workload's container ports (TCP only);
 * kept only when the workload declares that container port. Services without a selector have
 * no endpoints and are ignored. Sorted by workload key.
 */
export function ingressControllerTargets(
  objects: readonly KubeObject[],
  peers: readonly WorkloadPeer[],
): IngressControllerTarget[] {
  const services = new Map<string, Service>();
  for (const object of objects) {
    if (object.kind === 'Service') {
      services.set(`${object.metadata.namespace ?? DEFAULT_NAMESPACE}/${object.metadata.name ?? ''}`, object);
    }
  }
  const targets = new Map<string, { peer: WorkloadPeer; connections: ConnectionSet; via: string[] }>();
  for (const object of objects) {
    if (object.kind !== 'Ingress') continue;
    const namespace = object.metadata.namespace ?? DEFAULT_NAMESPACE;
    const ingressName = `${namespace}/${object.metadata.name ?? ''}`;
    for (const backend of backendServices(object)) {
      if (backend === undefined) continue;
      const service = services.get(`${namespace}/${backend.name}`);
      if (service?.spec.selector === undefined) continue;
      const selects = compileLabelMap(service.spec.selector);
      const wanted = accessPorts(service, backend);
      for (const peer of peers) {
        if (peer.namespace !== namespace || !selects(peer.pod.labels)) continue;
        let connections = ConnectionSet.EMPTY;
        const via: string[] = [];
        for (const port of wanted) {
          let number: number | undefined;
          if (typeof port === 'string') {
            const declared = peer.pod.containerPorts.find((entry) => entry.name === port);
            if (declared?.protocol === 'TCP') number = declared.containerPort;
          } else {
            number = port;
          }
          if (number === undefined) continue;
          const target = number;
          if (!peer.pod.containerPorts.some((entry) => entry.containerPort === target)) continue;
          connections = connections.union(ConnectionSet.ports('TCP', target));
          const servicePort = backend.port.name ?? String(backend.port.number ?? '(all ports)');
          via.push(`Ingress ${ingressName} -> Service ${backend.name} port ${servicePort} -> TCP ${target}`);
        }
        if (connections.isEmpty) continue;
        const existing = targets.get(peer.key);
        if (existing === undefined) targets.set(peer.key, { peer, connections, via });
        else {
          existing.connections = existing.connections.union(connections);
          existing.via.push(...via);
        }
      }
    }
  }
  return [...targets.values()].sort((a, b) =>
    a.peer.key < b.peer.key ? -1 : a.peer.key > b.peer.key ? 1 : 0,
  );
}
