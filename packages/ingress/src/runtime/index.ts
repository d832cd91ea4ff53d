export {
  IngressController,
  INGRESS_BALANCER_POLICY,
  PROXY_NEXT_UPSTREAM_TRIES,
  UPSTREAM_KEEPALIVE_REQUESTS,
  UPSTREAM_KEEPALIVE_TIMEOUT,
  type IngressControllerOptions,
} from './IngressController.js';
export type { IngressHttpRequest } from './IngressHttpRequest.js';
export type { IngressHttpResponse, UpstreamAttempt } from './IngressHttpResponse.js';
export {
  findIngressController,
  isIngressControllerPod,
  type IngressControllerLocation,
} from './findIngressController.js';
export { controllerIdentityFromArgs } from './controllerIdentityFromArgs.js';
export { upstreamEndpoints, type UpstreamEndpoint } from './upstreamEndpoints.js';
