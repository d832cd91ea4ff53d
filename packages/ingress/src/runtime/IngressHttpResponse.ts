import type { ConnectOutcome } from '@knsim/kube-proxy';
import type { RouteDecision } from '../RouteDecision.js';

/** One try of the controller to connect to an upstream endpoint. */
export interface UpstreamAttempt {
  /** `ip:port` of the endpoint the balancer picked. */
  readonly endpoint: string;
  readonly pod: string | null;
  readonly result: ConnectOutcome;
  readonly reason: string;
}

/**
 * What became of an {@link IngressHttpRequest}. The first six fields are what `knsim route --json`
 * prints.
 *
 * @example
 * ```ts
 * const response: IngressHttpResponse = controller.request({ host: 'shop.example.com', path: '/' });
 * // { status: 200, ingress: 'shop/web', rule: 'host=shop.example.com path=Prefix:/', service: 'shop/web',
 * //   servicePort: 80, pod: 'shop/web-5f7c9-x2k4q', controllerPod: 'ingress-nginx/...', ... }
 * ```
 */
export interface IngressHttpResponse {
  /**
   * The HTTP status the client gets: 200 (a backend pod answered), 404 (nothing matched), 502/504
   * (every try to an endpoint was refused / timed out), 503 (no Service, port or ready endpoint);
   * null when the client's connection to the controller itself failed.
   */
  readonly status: number | null;
  /** `namespace/name` of the Ingress that decided, or null (404, no connection). */
  readonly ingress: string | null;
  /** The matched rule (`host=foo.com path=Prefix:/api`, or `defaultBackend`), or null. */
  readonly rule: string | null;
  /** `namespace/name` of the backend Service, or null. */
  readonly service: string | null;
  /**
   * The backend's Service port: its number when the Service has it; as the Ingress wrote it
   * (number or name) when the port or Service is missing; null without a backend.
   */
  readonly servicePort: number | string | null;
  /** `namespace/name` of the backend pod that answered, or null. */
  readonly pod: string | null;
  /** `namespace/name` of the controller pod that took the client's connection, or null. */
  readonly controllerPod: string | null;
  /** Why, in a few words (`ok`, `no ready endpoints`, the failed connection's reason...). */
  readonly reason: string;
  /** The path of the request, client to backend pod (empty when not traced). */
  readonly hops: readonly string[];
  /** The Host header the controller routed by. */
  readonly host: string;
  readonly path: string;
  readonly method: string;
  /** How the client's connection to the controller Service ended. */
  readonly connection: ConnectOutcome;
  /** The router's decision, or null when the connection to the controller failed. */
  readonly decision: RouteDecision | null;
  /** The ingress-nginx upstream name (`namespace-service-port`), or null. */
  readonly upstream: string | null;
  /** Every try to an upstream endpoint, in order (at most `proxy-next-upstream-tries`). */
  readonly attempts: readonly UpstreamAttempt[];
}
