/**
 * One HTTP request sent from outside the cluster to the Ingress controller.
 *
 * @example
 * ```ts
 * const request: IngressHttpRequest = { host: 'shop.example.com', path: '/api/cart', from: '198.51.100.7' };
 * ```
 */
export interface IngressHttpRequest {
  /**
   * The Host header. Absent: the address the client dialled (the load balancer's IP, or the
   * node's IP and NodePort), as curl sends it, so only the catch-all server's rules match.
   */
  readonly host?: string | undefined;
  /** The request target: starts with `/`; a query string or fragment is ignored for routing. */
  readonly path: string;
  /** Recorded in the result. Connection failures are retried whatever the method (see docs). */
  readonly method?: string | undefined;
  /** The client's address, outside the cluster. Default: `DEFAULT_EXTERNAL_CLIENT`. */
  readonly from?: string | undefined;
  /** The node the load balancer hands the connection to (default: its own choice). */
  readonly via?: string | undefined;
  /** The controller Service's port the client dials. Default 80. */
  readonly port?: number | undefined;
  /** Build the hop descriptions (default true; a traffic engine turns them off). */
  readonly trace?: boolean | undefined;
}
