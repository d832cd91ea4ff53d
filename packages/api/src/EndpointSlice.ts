import type { ObjectMeta, ObjectReference, Protocol } from './ObjectMeta.js';

/** The label that ties an EndpointSlice to its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** One backend in an EndpointSlice. */
export interface Endpoint {
  /** One address for IPv4/IPv6 slices (consumers use only the first). */
  readonly addresses: readonly string[];
  /**
   * `serving`: the pod is Ready; `terminating`: it is being deleted; `ready`: serving and not
   * terminating (or the Service publishes not-ready addresses). Absent means unknown and is
   * read as true, except `terminating`, read as false.
   */
  readonly conditions?: {
    readonly ready?: boolean;
    readonly serving?: boolean;
    readonly terminating?: boolean;
  };
  readonly hostname?: string;
  readonly nodeName?: string;
  readonly zone?: string;
  readonly hints?: {
    readonly forZones?: readonly { readonly name: string }[];
    readonly forNodes?: readonly { readonly name: string }[];
  };
  readonly targetRef?: ObjectReference;
}

/** A port of an EndpointSlice (the resolved target port of a Service port). */
export interface EndpointPort {
  /** The Service port's name; defaults to "". */
  readonly name?: string;
  /** Defaults to TCP. */
  readonly protocol?: Protocol;
  /** Absent: all ports. */
  readonly port?: number;
  readonly appProtocol?: string;
}

/** An EndpointSlice. */
export interface EndpointSlice {
  readonly apiVersion: 'discovery.k8s.io/v1';
  readonly kind: 'EndpointSlice';
  readonly metadata: ObjectMeta;
  readonly addressType: 'IPv4' | 'IPv6' | 'FQDN';
  readonly endpoints: readonly Endpoint[];
  readonly ports?: readonly EndpointPort[];
}

/** The most endpoints a slice may hold. */
export const MAX_ENDPOINTS_PER_SLICE = 1000;
