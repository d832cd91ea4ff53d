import { formatFieldPath, validateObject, type KubeObject } from '@knsim/api';
import { CommandRejected } from '@knsim/core';
import type { ClusterState } from '../state/ClusterState.js';
import { objectKey } from '../state/ClusterState.js';
import { passiveKey } from '../state/evolveCluster.js';
import { podObject } from './podView.js';

/**
 * The stored object of a kind, as a Kubernetes object (what `kubectl get -o yaml` would show of
 * the fields knsim keeps), or undefined.
 */
export function storedObject(
  state: ClusterState,
  kind: string,
  namespace: string | undefined,
  name: string,
): KubeObject | undefined {
  const key = objectKey(namespace, name);
  switch (kind) {
    case 'Pod': {
      const pod = state.pods.get(key);
      return pod === undefined ? undefined : podObject(pod);
    }
    case 'Service':
      return state.services.get(key)?.service;
    case 'Deployment':
      return state.deployments.get(key)?.deployment;
    case 'ReplicaSet':
      return state.replicaSets.get(key)?.replicaSet;
    case 'StatefulSet':
      return state.statefulSets.get(key)?.statefulSet;
    case 'DaemonSet':
      return state.daemonSets.get(key)?.daemonSet;
    case 'Job':
      return state.jobs.get(key)?.job;
    case 'EndpointSlice':
      return state.endpointSlices.get(key);
    case 'Namespace':
      return state.namespaces.get(passiveKey('Namespace', namespace, name));
    case 'IngressClass':
      return state.ingressClasses.get(passiveKey('IngressClass', namespace, name));
    case 'Ingress':
      return state.ingresses.get(key);
    case 'NetworkPolicy':
      return state.networkPolicies.get(key);
    case 'Node': {
      const node = state.nodes.get(name);
      if (node === undefined) return undefined;
      return {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name, labels: node.labels, uid: node.uid },
        spec: {
          taints: node.taints,
          unschedulable: node.unschedulable,
          ...(node.podCIDR === undefined ? {} : { podCIDR: node.podCIDR }),
        },
        status: {
          addresses: [{ type: 'InternalIP', address: node.address }],
          allocatable: { pods: String(node.maxPods) },
        },
      };
    }
    default:
      return undefined;
  }
}

/** RFC 7386 JSON merge patch: objects merge recursively, `null` deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const base =
    typeof target === 'object' && target !== null && !Array.isArray(target)
      ? (target as Record<string, unknown>)
      : {};
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(base[key], value);
  }
  return out;
}

/**
 * `kubectl patch --type merge`: the patched object, validated as the API server would. A patch
 * that renames the object or makes it invalid is refused with the field path and reason.
 */
export function patchedObject(
  state: ClusterState,
  kind: string,
  namespace: string | undefined,
  name: string,
  patch: unknown,
): KubeObject {
  const command = `patch ${kind} ${kind === 'Node' || kind === 'Namespace' || kind === 'IngressClass' ? name : objectKey(namespace, name)}`;
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch))
    throw new CommandRejected(command, 'a merge patch must be a JSON object');
  const current = storedObject(state, kind, namespace, name);
  if (current === undefined) throw new CommandRejected(command, `${kind.toLowerCase()}s "${name}" not found`);
  const patched = mergePatch(current, patch) as KubeObject;
  const meta = (patched as { metadata?: { name?: unknown; namespace?: unknown } }).metadata;
  if (
    (patched as { kind?: unknown }).kind !== kind ||
    meta?.name !== name ||
    (meta.namespace ?? undefined) !== (current.metadata.namespace ?? undefined)
  ) {
    throw new CommandRejected(command, 'a patch may not change kind, metadata.name or metadata.namespace');
  }
  const errors = validateObject(patched).filter((issue) => issue.severity === 'error');
  if (errors.length > 0) {
    throw new CommandRejected(
      command,
      errors.map((issue) => `${formatFieldPath(issue.path)}: ${issue.reason}`).join('; '),
    );
  }
  return patched;
}
