import type { EndpointSlice, Service, ServicePort } from '@knsim/api';

/** One upstream server of an ingress-nginx backend: an endpoint address and its target port. */
export interface UpstreamEndpoint {
  /** `ip:port`, the key ingress-nginx's balancer knows the endpoint by. */
  readonly id: string;
  readonly ip: string;
  readonly port: number;
  /** `namespace/name` of the endpoint's pod (its `targetRef`), or null. */
  readonly pod: string | null;
}

/**
 * The upstream servers ingress-nginx proxies a Service port to, as its `getEndpointsFromSlices`
 * computes them: ready endpoints only; from each slice, the ports of the Service port's protocol
 * whose name matches the ServicePort's (any name when the ServicePort has none), else the
 * ServicePort's numeric `targetPort`; a slice without ports uses a numeric `targetPort`; every
 * `ip:port` once. Sorted by `ip:port` (ingress-nginx keeps slice order, which knsim does not
 * model; its round robin then walks a Lua table in hash order, so no order is more faithful).
 *
 * @example
 * ```ts
 * const slices = [...cluster.index.slicesOfService('shop/web')].map((key) => state.endpointSlices.get(key)!);
 * upstreamEndpoints(service, service.spec.ports![0]!, slices);
 * // [{ id: '10.244.1.3:8080', ip: '10.244.1.3', port: 8080, pod: 'shop/web-7d9f-abcde' }, ...]
 * ```
 */
export function upstreamEndpoints(
  service: Service,
  servicePort: ServicePort,
  slices: readonly EndpointSlice[],
): UpstreamEndpoint[] {
  const protocol = servicePort.protocol ?? 'TCP';
  const numericTarget =
    typeof servicePort.targetPort === 'number'
      ? servicePort.targetPort
      : servicePort.targetPort === undefined
        ? servicePort.port
        : undefined;
  const wantedName = servicePort.name ?? '';
  const seen = new Map<string, UpstreamEndpoint>();
  for (const slice of slices) {
    const ports: number[] = [];
    const slicePorts = slice.ports ?? [];
    if (slicePorts.length === 0) {
      if (numericTarget !== undefined) ports.push(numericTarget);
    } else {
      for (const port of slicePorts) {
        if ((port.protocol ?? 'TCP') !== protocol) continue;
        let target = 0;
        if (wantedName === '' || wantedName === (port.name ?? '')) target = port.port ?? 0;
        // ingress-nginx issue 7390: fall back to a numeric targetPort when no name matched.
        if (target === 0 && numericTarget !== undefined) target = numericTarget;
        if (target !== 0) ports.push(target);
      }
    }
    for (const endpoint of slice.endpoints ?? []) {
      if (endpoint.conditions?.ready !== true) continue;
      const ref = endpoint.targetRef;
      const pod =
        ref?.kind === 'Pod' && ref.name !== undefined
          ? `${ref.namespace ?? slice.metadata.namespace ?? service.metadata.namespace ?? 'default'}/${ref.name}`
          : null;
      for (const port of ports) {
        for (const ip of endpoint.addresses) {
          const id = `${ip}:${port}`;
          if (!seen.has(id)) seen.set(id, Object.freeze({ id, ip, port, pod }));
        }
      }
    }
  }
  return [...seen.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
