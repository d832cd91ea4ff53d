import type { CronJob } from './CronJob.js';
import type { DaemonSet } from './DaemonSet.js';
import type { Deployment } from './Deployment.js';
import type { EndpointSlice } from './EndpointSlice.js';
import type { Ingress } from './Ingress.js';
import type { IngressClass } from './IngressClass.js';
import type { Job } from './Job.js';
import type { Namespace } from './Namespace.js';
import type { NetworkPolicy } from './NetworkPolicy.js';
import type { Node } from './Node.js';
import type { Pod } from './Pod.js';
import type { ReplicaSet } from './ReplicaSet.js';
import type { Service } from './Service.js';
import type { StatefulSet } from './StatefulSet.js';

/** Every object kind knsim models. */
export type KubeObject =
  | Namespace
  | Node
  | Pod
  | Deployment
  | ReplicaSet
  | StatefulSet
  | DaemonSet
  | Job
  | CronJob
  | Service
  | EndpointSlice
  | Ingress
  | IngressClass
  | NetworkPolicy;

/** The `kind` of a {@link KubeObject}. */
export type KubeKind = KubeObject['kind'];

/** The object of kind `K`. */
export type KubeObjectOf<K extends KubeKind> = Extract<KubeObject, { kind: K }>;

/** The kinds knsim reads from manifests, with their apiVersion and scope. */
export const SUPPORTED_KINDS: Readonly<
  Record<KubeKind, { readonly apiVersion: string; readonly namespaced: boolean }>
> = {
  Namespace: { apiVersion: 'v1', namespaced: false },
  Node: { apiVersion: 'v1', namespaced: false },
  Pod: { apiVersion: 'v1', namespaced: true },
  Service: { apiVersion: 'v1', namespaced: true },
  Deployment: { apiVersion: 'apps/v1', namespaced: true },
  ReplicaSet: { apiVersion: 'apps/v1', namespaced: true },
  StatefulSet: { apiVersion: 'apps/v1', namespaced: true },
  DaemonSet: { apiVersion: 'apps/v1', namespaced: true },
  Job: { apiVersion: 'batch/v1', namespaced: true },
  CronJob: { apiVersion: 'batch/v1', namespaced: true },
  EndpointSlice: { apiVersion: 'discovery.k8s.io/v1', namespaced: true },
  Ingress: { apiVersion: 'networking.k8s.io/v1', namespaced: true },
  IngressClass: { apiVersion: 'networking.k8s.io/v1', namespaced: false },
  NetworkPolicy: { apiVersion: 'networking.k8s.io/v1', namespaced: true },
};

/** The namespace objects of namespaced kinds land in when they name none. */
export const DEFAULT_NAMESPACE = 'default';

/** True when `kind` is one knsim models. */
export function isSupportedKind(kind: string): kind is KubeKind {
  return Object.hasOwn(SUPPORTED_KINDS, kind);
}

/**
 * A human reference to an object: `Kind namespace/name` for namespaced kinds, `Kind name` for
 * cluster-scoped ones (`<generateName>*` when the name is still to be generated).
 */
export function formatObjectRef(object: {
  readonly kind: string;
  readonly metadata?: { readonly name?: string; readonly generateName?: string; readonly namespace?: string };
}): string {
  const meta = object.metadata;
  const name = meta?.name ?? (meta?.generateName !== undefined ? `${meta.generateName}*` : '<unnamed>');
  return meta?.namespace ? `${object.kind} ${meta.namespace}/${name}` : `${object.kind} ${name}`;
}
