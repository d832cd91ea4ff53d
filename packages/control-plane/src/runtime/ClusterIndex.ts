import type { EventShape, LoggedEvent, LogSink } from '@knsim/core';
import type { ClusterEvent } from '../state/ClusterEvent.js';
import { objectKey } from '../state/ClusterState.js';

interface PodPlacement {
  readonly namespace: string;
  node: string | undefined;
  readonly owner: string | undefined;
  readonly workload: string | undefined;
  finished: boolean;
}

/**
 * Lookup tables the controllers need (the informer indexers of a real control plane): pods by
 * namespace, node, owner and workload; Services by namespace; slices by Service; ReplicaSets by
 * Deployment. Kept up to date as a log sink, i.e. at the moment each event is logged, so it never
 * lags the state. It is derived data: rebuilding it from the log gives the same tables.
 */
export class ClusterIndex implements LogSink {
  readonly #pods = new Map<string, PodPlacement>();
  readonly #podsByNamespace = new Map<string, Set<string>>();
  readonly #podsByNode = new Map<string, Set<string>>();
  // Pods bound and not finished, per node slot (a slot per node name, never reused).
  readonly #nodeSlots = new Map<string, number>();
  #activePods = new Int32Array(64);
  readonly #podsByOwner = new Map<string, Set<string>>();
  readonly #podsByWorkload = new Map<string, Set<string>>();
  readonly #servicesByNamespace = new Map<string, Set<string>>();
  readonly #slicesByService = new Map<string, Set<string>>();
  readonly #sliceService = new Map<string, string>();
  readonly #replicaSetsByDeployment = new Map<string, Set<string>>();
  readonly #replicaSetDeployment = new Map<string, string>();

  append(logged: LoggedEvent<EventShape>): void {
    const event = logged as LoggedEvent<ClusterEvent>;
    switch (event.type) {
      case 'PodCreated': {
        const pod = event.pod;
        const owner =
          pod.owner === undefined
            ? undefined
            : `${pod.owner.kind}/${objectKey(pod.namespace, pod.owner.name)}`;
        const workload = this.workloadOf(pod.namespace, pod.owner);
        this.#pods.set(pod.key, {
          namespace: pod.namespace,
          node: undefined,
          owner,
          workload,
          finished: false,
        });
        add(this.#podsByNamespace, pod.namespace, pod.key);
        if (owner !== undefined) add(this.#podsByOwner, owner, pod.key);
        if (workload !== undefined) add(this.#podsByWorkload, workload, pod.key);
        return;
      }
      case 'PodScheduled': {
        const placement = this.#pods.get(event.pod);
        if (placement === undefined || placement.node !== undefined) return;
        placement.node = event.node;
        add(this.#podsByNode, event.node, event.pod);
        if (!placement.finished) this.#adjustActive(event.node, 1);
        return;
      }
      case 'PodCompleted': {
        const placement = this.#pods.get(event.pod);
        if (placement === undefined || placement.finished) return;
        placement.finished = true;
        if (placement.node !== undefined) this.#adjustActive(placement.node, -1);
        return;
      }
      case 'PodDeleted': {
        const placement = this.#pods.get(event.pod);
        if (placement === undefined) return;
        this.#pods.delete(event.pod);
        remove(this.#podsByNamespace, placement.namespace, event.pod);
        if (placement.node !== undefined) {
          remove(this.#podsByNode, placement.node, event.pod);
          if (!placement.finished) this.#adjustActive(placement.node, -1);
        }
        if (placement.owner !== undefined) remove(this.#podsByOwner, placement.owner, event.pod);
        if (placement.workload !== undefined) remove(this.#podsByWorkload, placement.workload, event.pod);
        return;
      }
      case 'ServiceCreated': {
        const meta = event.service.metadata;
        add(
          this.#servicesByNamespace,
          meta.namespace ?? 'default',
          objectKey(meta.namespace, meta.name ?? ''),
        );
        return;
      }
      case 'ServiceDeleted': {
        const namespace = event.key.slice(0, event.key.indexOf('/'));
        remove(this.#servicesByNamespace, namespace, event.key);
        return;
      }
      case 'EndpointSliceCreated': {
        const meta = event.slice.metadata;
        const service = meta.labels?.['kubernetes.io/service-name'];
        if (service === undefined) return;
        const sliceKey = objectKey(meta.namespace, meta.name ?? '');
        const serviceKey = objectKey(meta.namespace, service);
        add(this.#slicesByService, serviceKey, sliceKey);
        this.#sliceService.set(sliceKey, serviceKey);
        return;
      }
      case 'EndpointSliceDeleted': {
        const service = this.#sliceService.get(event.key);
        if (service === undefined) return;
        this.#sliceService.delete(event.key);
        remove(this.#slicesByService, service, event.key);
        return;
      }
      case 'ReplicaSetCreated': {
        const meta = event.replicaSet.metadata;
        const key = objectKey(meta.namespace, meta.name ?? '');
        if (event.deployment === undefined || this.#replicaSetDeployment.has(key)) return;
        const deployment = objectKey(meta.namespace, event.deployment);
        this.#replicaSetDeployment.set(key, deployment);
        add(this.#replicaSetsByDeployment, deployment, key);
        return;
      }
      case 'ReplicaSetDeleted': {
        const deployment = this.#replicaSetDeployment.get(event.key);
        if (deployment === undefined) return;
        this.#replicaSetDeployment.delete(event.key);
        remove(this.#replicaSetsByDeployment, deployment, event.key);
        return;
      }
      default:
        return;
    }
  }

  podsInNamespace(namespace: string): ReadonlySet<string> {
    return this.#podsByNamespace.get(namespace) ?? EMPTY;
  }

  podsOnNode(node: string): ReadonlySet<string> {
    return this.#podsByNode.get(node) ?? EMPTY;
  }

  /** Pods bound to the node that have not finished (they occupy a pod slot). */
  activePodCount(node: string): number {
    return this.#activePods[this.nodeSlot(node)] as number;
  }

  #adjustActive(node: string, delta: number): void {
    const slot = this.nodeSlot(node);
    this.#activePods[slot] = (this.#activePods[slot] as number) + delta;
  }

  /** A small integer naming the node, for array-indexed per-node data. */
  nodeSlot(node: string): number {
    let slot = this.#nodeSlots.get(node);
    if (slot === undefined) {
      slot = this.#nodeSlots.size;
      this.#nodeSlots.set(node, slot);
      if (slot >= this.#activePods.length) {
        const bigger = new Int32Array(this.#activePods.length * 2);
        bigger.set(this.#activePods);
        this.#activePods = bigger;
      }
    }
    return slot;
  }

  /** Active pod counts indexed by {@link nodeSlot} (read-only view; valid until the next node). */
  get activePodCounts(): Int32Array {
    return this.#activePods;
  }

  /** Pods owned by `Kind/namespace/name`. */
  podsOwnedBy(ownerKind: string, key: string): ReadonlySet<string> {
    return this.#podsByOwner.get(`${ownerKind}/${key}`) ?? EMPTY;
  }

  /** Pods of a workload (`Deployment/ns/name`, `StatefulSet/...`): the peers topology spreading counts. */
  podsOfWorkload(workload: string): ReadonlySet<string> {
    return this.#podsByWorkload.get(workload) ?? EMPTY;
  }

  workloadOfPod(pod: string): string | undefined {
    return this.#pods.get(pod)?.workload;
  }

  nodeOfPod(pod: string): string | undefined {
    return this.#pods.get(pod)?.node;
  }

  servicesInNamespace(namespace: string): ReadonlySet<string> {
    return this.#servicesByNamespace.get(namespace) ?? EMPTY;
  }

  slicesOfService(service: string): ReadonlySet<string> {
    return this.#slicesByService.get(service) ?? EMPTY;
  }

  replicaSetsOfDeployment(deployment: string): ReadonlySet<string> {
    return this.#replicaSetsByDeployment.get(deployment) ?? EMPTY;
  }

  deploymentOfReplicaSet(replicaSet: string): string | undefined {
    return this.#replicaSetDeployment.get(replicaSet);
  }

  private workloadOf(
    namespace: string,
    owner: { kind: string; name: string } | undefined,
  ): string | undefined {
    if (owner === undefined) return undefined;
    if (owner.kind === 'ReplicaSet') {
      const deployment = this.#replicaSetDeployment.get(objectKey(namespace, owner.name));
      if (deployment !== undefined) return `Deployment/${deployment}`;
    }
    return `${owner.kind}/${objectKey(namespace, owner.name)}`;
  }
}

const EMPTY: ReadonlySet<string> = new Set();

function add(map: Map<string, Set<string>>, group: string, key: string): void {
  let set = map.get(group);
  if (set === undefined) map.set(group, (set = new Set()));
  set.add(key);
}

function remove(map: Map<string, Set<string>>, group: string, key: string): void {
  const set = map.get(group);
  if (set === undefined) return;
  set.delete(key);
  if (set.size === 0) map.delete(group);
}
