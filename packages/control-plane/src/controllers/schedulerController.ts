import { EMPTY, filter, from, map, merge, mergeMap, type Observable, of } from 'rxjs';
import type { ControllerContext } from '../runtime/ControllerContext.js';
import { workQueue } from '../runtime/Activity.js';
import { CONTROLLER_WORKERS } from './workers.js';
import type { ClusterEvent } from '../state/ClusterEvent.js';
import { SchedulingScratch, selectNode, type SchedulingNode } from '../scheduler/selectNode.js';

/**
 * kube-scheduler: binds each new pod to a node (see {@link selectNode}); a pod that fits nowhere
 * stays Pending with the scheduler's message and is retried whenever nodes or capacity change.
 */
export function schedulerController(context: ControllerContext): Observable<ClusterEvent> {
  let startIndex = 0;
  let nodes: SchedulingNode[] | undefined; // rebuilt after any node change
  let zones: Map<string, number> | undefined;
  const scratch = new SchedulingScratch();
  const waiting = new Map<string, string>(); // unschedulable pod -> last message

  const decide = (key: string): Observable<ClusterEvent> => {
    const state = context.state();
    const pod = state.pods.get(key);
    if (pod === undefined || pod.nodeName !== undefined || pod.deletionRequestedAt !== undefined) {
      waiting.delete(key);
      return EMPTY;
    }
    if (nodes === undefined) {
      zones = new Map();
      const zoneIds = zones;
      nodes = state.nodes.sortedEntries().map(([name, node]) => {
        let zoneIndex = -1;
        if (node.zone !== undefined) {
          zoneIndex = zoneIds.get(node.zone) ?? zoneIds.size;
          zoneIds.set(node.zone, zoneIndex);
        }
        return {
          name,
          labels: node.labels,
          zone: node.zone,
          taints: node.taints,
          unschedulable: node.unschedulable,
          maxPods: node.maxPods,
          hasPodCIDR: node.podCIDR !== undefined,
          slot: context.index.nodeSlot(name),
          zoneIndex,
        };
      });
    }
    const workload = context.index.workloadOfPod(key);
    const peersByNode = new Map<number, number>();
    if (workload !== undefined) {
      for (const peer of context.index.podsOfWorkload(workload)) {
        const node = context.index.nodeOfPod(peer);
        if (node === undefined) continue;
        const slot = context.index.nodeSlot(node);
        peersByNode.set(slot, (peersByNode.get(slot) ?? 0) + 1);
      }
    }
    const result = selectNode(
      pod.spec,
      nodes,
      { podCounts: context.index.activePodCounts, peerCounts: peersByNode, zones: zones?.size ?? 0 },
      startIndex,
      context.rng('scheduler'),
      scratch,
    );
    startIndex = result.nextStartIndex;
    if (result.ok) {
      waiting.delete(key);
      return of({ type: 'PodScheduled', pod: key, node: result.node });
    }
    const previous = waiting.get(key);
    waiting.set(key, result.message);
    return previous === result.message
      ? EMPTY
      : of({ type: 'PodUnschedulable', pod: key, message: result.message });
  };

  const newPods = context.on('PodCreated').pipe(
    filter((event) => event.pod.nodeName === undefined),
    map((event) => event.pod.key),
  );
  // What can make a waiting pod fit: new or changed nodes, freed pod slots.
  const nodeChanges = context
    .on('NodeTainted', 'NodeCordoned', 'NodeLabelsChanged')
    .pipe(mergeMap(() => ((nodes = undefined), [] as string[])));
  const retries = context
    .on(
      'NodeRegistered',
      'NodePodCIDRAssigned',
      'NodeReadinessChanged',
      'NodeUncordoned',
      'NodeUntainted',
      'NodeLabelsChanged',
      'PodDeleted',
      'PodCompleted',
      'NodeDeleted',
    )
    .pipe(
      mergeMap((event) => {
        if (event.type !== 'PodDeleted' && event.type !== 'PodCompleted') nodes = undefined;
        return from([...waiting.keys()]);
      }),
    );
  return merge(newPods, nodeChanges, retries).pipe(
    workQueue(
      () => context.delay('scheduling'),
      context.scheduler,
      context.activity,
      CONTROLLER_WORKERS.scheduler,
    ),
    mergeMap(decide),
  );
}
