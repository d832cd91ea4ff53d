import type { ServicePort } from '@knsim/api';

/** A Service backend as an Ingress names it, in the Ingress's namespace. */
export interface ServiceBackendRef {
  readonly namespace: string;
  readonly name: string;
  /** The port as written in the Ingress: by number or by ServicePort name. */
  readonly port: { readonly number: number } | { readonly name: string };
}

/**
 * Where the controller sends a request.
 *
 * - `backend`: a rule's path matched; `servicePort` is the Service's port it named.
 * - `default-backend`: no path of the server matched and an Ingress's `spec.defaultBackend`
 *   stands in (see docs/ingress.md for which Ingress that is).
 * - `not-found`: no path matched and the controller's own default backend answers 404.
 * - `no-service`: the chosen backend names a Service, or a port of it, that does not exist;
 *   ingress-nginx's balancer then has no endpoints and answers 503.
 *
 * Every decision carries `server`: the nginx server that took the request (its host, or `_` for
 * the catch-all server). `rule` describes what matched: `host=foo.com path=Prefix:/api` (the host
 * part omitted for a host-less rule, the path type as written in the Ingress), or
 * `defaultBackend`. Whether the Service has ready endpoints is the runtime's concern, not the
 * router's: a `backend` decision may still end in 503 there.
 */
export type RouteDecision =
  | {
      readonly kind: 'backend';
      readonly server: string;
      /** `namespace/name` of the Ingress whose rule matched. */
      readonly ingress: string;
      readonly rule: string;
      readonly ruleIndex: number;
      readonly pathIndex: number;
      readonly service: ServiceBackendRef;
      readonly servicePort: ServicePort;
    }
  | {
      readonly kind: 'default-backend';
      readonly server: string;
      readonly ingress: string;
      readonly rule: 'defaultBackend';
      readonly service: ServiceBackendRef;
      readonly servicePort: ServicePort;
    }
  | { readonly kind: 'not-found'; readonly status: 404; readonly server: string }
  | {
      readonly kind: 'no-service';
      readonly status: 503;
      readonly server: string;
      readonly ingress: string;
      readonly rule: string;
      readonly service: ServiceBackendRef;
      readonly reason: 'service-not-found' | 'port-not-found';
    };
