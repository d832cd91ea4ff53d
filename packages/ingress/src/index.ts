/**
 * @knsim/ingress: an ingress-nginx-like controller's routing of HTTP requests by host and path.
 *
 * @packageDocumentation
 */
export {};
