/**
 * @knsim/ingress: the routing core of an ingress-nginx-like Ingress controller, as pure code.
 * {@link IngressRouter.build} turns the Ingresses a controller claims (by IngressClass, the
 * deprecated class annotation, the default class or `--watch-ingress-without-class`) into a table
 * of servers and locations the way ingress-nginx builds its nginx configuration, and
 * {@link IngressRouter.route} answers, for a Host header and a path, which Service port takes the
 * request, or that the controller answers 404 or 503 itself. The matching functions are exported
 * on their own for the Ingress API's host and path rules.
 *
 * {@link IngressController} runs the controller in a simulated cluster: a request from outside
 * reaches a controller pod through the data plane, is routed by the table, and is proxied to a
 * ready endpoint of the backend Service (round robin, retried on connection errors).
 *
 * See docs/ingress.md for the semantics and the deviations from ingress-nginx.
 *
 * @packageDocumentation
 */
export {
  DEFAULT_CONTROLLER_IDENTITY,
  INGRESS_CLASS_ANNOTATION,
  resolveControllerIdentity,
  type IngressControllerIdentity,
} from './IngressControllerIdentity.js';
export { selectIngressClass, type IngressClassVerdict } from './selectIngressClass.js';
export { defaultIngressClass } from './defaultIngressClass.js';
export { sortIngresses } from './sortIngresses.js';
export { objectKey } from './objectKey.js';
export { normalizeHost } from './normalizeHost.js';
export { matchHost, splitFirstLabel, wildcardSuffix } from './matchHost.js';
export {
  effectivePathMatch,
  matchPath,
  prefixKey,
  requestPath,
  rulePath,
  type PathMatch,
} from './matchPath.js';
export {
  resolveServiceBackend,
  serviceBackendRef,
  type ServiceBackendResolution,
} from './resolveServiceBackend.js';
export type { RouteDecision, ServiceBackendRef } from './RouteDecision.js';
export {
  CATCH_ALL_SERVER,
  IngressRouter,
  type IngressClaim,
  type IngressLocationView,
  type IngressRequest,
  type IngressRouterWarning,
  type IngressServerView,
} from './IngressRouter.js';
export * from './runtime/index.js';
