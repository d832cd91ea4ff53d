import type { IngressBackend, Service, ServicePort } from '@knsim/api';
import type { ServiceBackendRef } from './RouteDecision.js';

/** The outcome of looking a Service backend up. */
export type ServiceBackendResolution =
  | { readonly found: true; readonly servicePort: ServicePort }
  | { readonly found: false; readonly reason: 'service-not-found' | 'port-not-found' };

/** The backend's Service reference in `namespace`, or undefined for a `resource` backend. */
export function serviceBackendRef(namespace: string, backend: IngressBackend): ServiceBackendRef | undefined {
  const service = backend.service;
  if (service === undefined) return undefined;
  const { number, name } = service.port;
  const port = number !== undefined && number !== 0 ? { number } : { name: name ?? '' };
  return { namespace, name: service.name, port };
}

/**
 * Finds the Service and ServicePort a backend names. A port by number is a ServicePort's `port`,
 * a port by name a ServicePort's `name` (the Ingress API's meaning; ingress-nginx's looser match,
 * which also accepts a `targetPort` equal to the number or name, is not reproduced).
 */
export function resolveServiceBackend(
  ref: ServiceBackendRef,
  services: ReadonlyMap<string, Service>,
): ServiceBackendResolution {
  const service = services.get(`${ref.namespace}/${ref.name}`);
  if (service === undefined) return { found: false, reason: 'service-not-found' };
  const wanted = ref.port;
  const servicePort = (service.spec.ports ?? []).find((candidate) =>
    'number' in wanted
      ? candidate.port === wanted.number
      : (candidate.name ?? '') === wanted.name && wanted.name !== '',
  );
  return servicePort === undefined
    ? { found: false, reason: 'port-not-found' }
    : { found: true, servicePort };
}
