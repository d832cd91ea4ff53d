import type { ObjectMeta } from './ObjectMeta.js';
import type { LoadBalancerIngress } from './Service.js';

/** Where matching requests go: a Service port (by number or by name) or another resource. */
export interface IngressBackend {
  readonly service?: {
    readonly name: string;
    readonly port: { readonly number?: number; readonly name?: string };
  };
  readonly resource?: { readonly apiGroup?: string; readonly kind: string; readonly name: string };
}

/** How a path matches: see the reference, section 6. */
export type PathType = 'Exact' | 'Prefix' | 'ImplementationSpecific';

/** One path of an HTTP rule. */
export interface HttpIngressPath {
  /** Absolute (starts with `/`); may be empty only with ImplementationSpecific. */
  readonly path?: string;
  /** Required in networking.k8s.io/v1. */
  readonly pathType: PathType;
  readonly backend: IngressBackend;
}

/** A host rule; without `host` it applies to every host. */
export interface IngressRule {
  /** A DNS name, not an IP; `*` only as the whole first label. */
  readonly host?: string;
  readonly http?: { readonly paths: readonly HttpIngressPath[] };
}

/** An Ingress. */
export interface Ingress {
  readonly apiVersion: 'networking.k8s.io/v1';
  readonly kind: 'Ingress';
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly ingressClassName?: string;
    readonly defaultBackend?: IngressBackend;
    readonly rules?: readonly IngressRule[];
    readonly tls?: readonly { readonly hosts?: readonly string[]; readonly secretName?: string }[];
  };
  readonly status?: { readonly loadBalancer?: { readonly ingress?: readonly LoadBalancerIngress[] } };
}

/** The path types Kubernetes accepts. */
export const PATH_TYPES: readonly PathType[] = ['Exact', 'ImplementationSpecific', 'Prefix'];
