import { EMPTY, map, merge, mergeMap, type Observable, of } from 'rxjs';
import type { Taint } from '@knsim/api';
import { SECOND, type Instant } from '@knsim/core';
import { NodeCidrAllocator } from '@knsim/cni';
import { parseIpv4Cidr } from '@knsim/api';
import type { ControllerContext } from '../runtime/ControllerContext.js';
import { controllerQueue } from './workers.js';
import type { ClusterEvent } from '../state/ClusterEvent.js';
import { evictionDelaySeconds, NOT_READY_TAINT, UNREACHABLE_TAINT } from '../scheduler/tolerations.js';

/** kube-controller-manager's node IPAM: a podCIDR for every node that has none. */
export function nodeIpamController(context: ControllerContext): Observable<ClusterEvent> {
  const allocator = new NodeCidrAllocator(context.config.clusterCIDR, {
    nodeMaskSize: context.config.nodeCIDRMaskSize,
  });
  return context.on('NodeRegistered').pipe(
    map((event) => event.node.name),
    controllerQueue(context, 'nodeIpam', 'node-ipam'),
    mergeMap((name): Observable<ClusterEvent> => {
      const state = context.state();
      const node = state.nodes.get(name);
      if (node === undefined || node.podCIDR !== undefined || state.nodeCidrs === undefined) return EMPTY;
      const result = allocator.allocateNext(state.nodeCidrs);
      if (!result.ok)
        return of({
          type: 'NodeCIDRNotAvailable',
          node: name,
          message: `Node ${name} status is now: CIDRNotAvailable (${result.error})`,
        });
      const index = blockIndex(context, result.cidr);
      return of({
        type: 'NodePodCIDRAssigned',
        node: name,
        podCIDR: result.cidr,
        index,
        nextCandidate: result.state.nextCandidate,
      });
    }),
  );
}

/** The NodePodCIDRAssigned event for a node whose manifest already carries a podCIDR (occupy). */
export function occupyPodCidr(
  context: ControllerContext,
  node: string,
  podCIDR: string,
): ClusterEvent | { error: string } {
  const state = context.state();
  if (state.nodeCidrs === undefined) return { error: 'the cluster is not created yet' };
  const allocator = new NodeCidrAllocator(context.config.clusterCIDR, {
    nodeMaskSize: context.config.nodeCIDRMaskSize,
  });
  const result = allocator.occupy(state.nodeCidrs, podCIDR);
  if (!result.ok) return { error: result.error };
  const index = blockIndex(context, result.cidr);
  return {
    type: 'NodePodCIDRAssigned',
    node,
    podCIDR: result.cidr,
    index,
    nextCandidate: result.state.nextCandidate,
  };
}

/**
 * The node lifecycle controller and the taint-eviction controller.
 *
 * Health is computed, not polled: a kubelet renews its lease every `nodeLeaseRenewInterval` from
 * a per-node phase, and the controller looks every `nodeMonitorPeriod`; so when a kubelet stops at
 * t0 the node turns Unknown at the first monitor tick after (last renewal + grace period). Then
 * its pods are marked not ready, it is tainted unreachable (NoSchedule at once, NoExecute through
 * a per-zone rate limiter), and pods are evicted when their toleration (300 s by default) runs out.
 */
export function nodeLifecycleController(context: ControllerContext): Observable<ClusterEvent> {
  const timings = context.config.timings;
  const nextTaintSlot = new Map<string, Instant>();

  const leasePhase = (node: string): number => {
    // A fixed offset per node, from its own stream: nodes renew out of step, as real kubelets do.
    const rng = context.rng(`lease-phase/${node}`);
    return rng.int(0, timings.nodeLeaseRenewInterval - 1);
  };

  const detectionTime = (node: string, stoppedAt: Instant, registeredAt: Instant): Instant => {
    const phase = registeredAt + leasePhase(node);
    const interval = timings.nodeLeaseRenewInterval;
    const lastRenewal =
      stoppedAt < phase ? registeredAt : phase + Math.floor((stoppedAt - phase) / interval) * interval;
    const deadline = lastRenewal + timings.nodeMonitorGracePeriod;
    return (Math.floor(deadline / timings.nodeMonitorPeriod) + 1) * timings.nodeMonitorPeriod;
  };

  const markUnknown = (name: string): ClusterEvent[] | undefined => {
    const state = context.state();
    const node = state.nodes.get(name);
    if (node === undefined || node.kubelet === 'running' || node.ready !== 'True') return undefined;
    const events: ClusterEvent[] = [
      { type: 'NodeReadinessChanged', node: name, status: 'Unknown', reason: 'NodeStatusUnknown' },
    ];
    for (const key of context.index.podsOnNode(name)) {
      const pod = state.pods.get(key);
      if (pod?.ready === true)
        events.push({ type: 'PodReadinessChanged', pod: key, ready: false, reason: 'NodeNotReady' });
    }
    events.push({ type: 'NodeTainted', node: name, taint: { key: UNREACHABLE_TAINT, effect: 'NoSchedule' } });
    // NoExecute taints are rate limited per zone (--node-eviction-rate), the first one at once.
    const zone = node.zone ?? '';
    const slot = Math.max(context.now, nextTaintSlot.get(zone) ?? 0);
    nextTaintSlot.set(zone, slot + Math.round(SECOND / timings.nodeEvictionRate));
    const taint: Taint = { key: UNREACHABLE_TAINT, effect: 'NoExecute' };
    if (slot === context.now) events.push({ type: 'NodeTainted', node: name, taint });
    else
      context.later(slot - context.now, () =>
        context.state().nodes.get(name)?.ready === 'Unknown'
          ? [{ type: 'NodeTainted', node: name, taint }]
          : undefined,
      );
    return events;
  };

  const markReady = (name: string): ClusterEvent[] | undefined => {
    const node = context.state().nodes.get(name);
    if (node === undefined || node.kubelet !== 'running' || node.ready === 'True') return undefined;
    const events: ClusterEvent[] = [
      { type: 'NodeReadinessChanged', node: name, status: 'True', reason: 'KubeletReady' },
    ];
    for (const taint of node.taints) {
      if (taint.key === UNREACHABLE_TAINT || taint.key === NOT_READY_TAINT)
        events.push({ type: 'NodeUntainted', node: name, key: taint.key, effect: taint.effect });
    }
    return events;
  };

  const evictLater = (podKey: string, nodeName: string): void => {
    const state = context.state();
    const pod = state.pods.get(podKey);
    const node = state.nodes.get(nodeName);
    if (pod === undefined || node === undefined || pod.deletionRequestedAt !== undefined) return;
    const seconds = evictionDelaySeconds(node.taints, pod.spec.tolerations);
    if (!Number.isFinite(seconds)) return;
    context.later(seconds * SECOND, () => {
      const now = context.state();
      const current = now.pods.get(podKey);
      const currentNode = now.nodes.get(nodeName);
      if (
        current === undefined ||
        currentNode === undefined ||
        current.deletionRequestedAt !== undefined ||
        current.nodeName !== nodeName
      )
        return undefined;
      // Still due? (The taint may be gone, e.g. the node recovered.)
      if (evictionDelaySeconds(currentNode.taints, current.spec.tolerations) > seconds) return undefined;
      return [
        {
          type: 'PodDeletionRequested',
          pod: podKey,
          gracePeriodSeconds: current.spec.terminationGracePeriodSeconds ?? 30,
          reason: 'TaintManagerEviction',
        },
      ];
    });
  };

  const none: ClusterEvent[] = [];
  return merge(
    context.on('NodeKubeletStopped').pipe(
      mergeMap((event) => {
        const node = context.state().nodes.get(event.node);
        if (node !== undefined) {
          const at = Math.max(context.now, detectionTime(event.node, context.now, node.createdAt));
          context.later(at - context.now, () => markUnknown(event.node));
        }
        return none;
      }),
    ),
    context
      .on('NodeKubeletResumed')
      .pipe(
        mergeMap(
          (event) => (
            context.later(context.delay('controllerSync', 'node-lifecycle'), () => markReady(event.node)),
            none
          ),
        ),
      ),
    context.on('NodeTainted').pipe(
      mergeMap((event) => {
        if (event.taint.effect === 'NoExecute')
          for (const pod of [...context.index.podsOnNode(event.node)]) evictLater(pod, event.node);
        return none;
      }),
    ),
    context.on('PodScheduled').pipe(
      mergeMap((event) => {
        if (
          context
            .state()
            .nodes.get(event.node)
            ?.taints.some((t) => t.effect === 'NoExecute') === true
        )
          evictLater(event.pod, event.node);
        return none;
      }),
    ),
  );
}

/** The position of a node's block in the cluster CIDR (block 0 is the cluster network's first). */
function blockIndex(context: ControllerContext, cidr: string): number {
  const cluster = parseIpv4Cidr(context.config.clusterCIDR);
  const block = parseIpv4Cidr(cidr);
  return (block.network - cluster.network) / 2 ** (32 - context.config.nodeCIDRMaskSize);
}
