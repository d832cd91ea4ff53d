import type { PodSpec, Taint } from '@knsim/api';
import type { RandomStream } from '@knsim/core';
import { firstUntoleratedTaint, toleratesTaint } from './tolerations.js';

/** What the scheduler needs to know of a node. */
export interface SchedulingNode {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly zone: string | undefined;
  readonly taints: readonly Taint[];
  readonly unschedulable: boolean;
  readonly maxPods: number;
  readonly hasPodCIDR: boolean;
  /** Pods bound to the node and not finished (they count against maxPods and resources). */
  readonly podCount: number;
  /** Of those, pods of the same workload as the pod being scheduled (for topology spreading). */
  readonly peerCount: number;
}

export type SchedulingResult =
  | { readonly ok: true; readonly node: string; readonly nextStartIndex: number }
  | { readonly ok: false; readonly message: string; readonly nextStartIndex: number };

// Pods without resource requests are scored as if they asked for these (scheduler defaults).
const DEFAULT_CPU_MILLIS = 100;
const DEFAULT_MEMORY_BYTES = 200 * 1024 * 1024;
// A node's allocatable resources when the cluster configuration does not say (a 4-core, 16 GiB VM).
const NODE_CPU_MILLIS = 4000;
const NODE_MEMORY_BYTES = 16 * 1024 * 1024 * 1024;

// System-default topology spread constraints (ScheduleAnyway), and the default plugin weights.
const HOSTNAME_MAX_SKEW = 3;
const ZONE_MAX_SKEW = 5;
const SPREAD_WEIGHT = 2;
const TAINT_WEIGHT = 3;
const FIT_WEIGHT = 1;

/** How many feasible nodes the scheduler looks for before scoring (percentageOfNodesToScore = adaptive). */
export function feasibleNodesToFind(nodeCount: number): number {
  if (nodeCount < 100) return nodeCount;
  const percentage = Math.max(5, 50 - Math.floor(nodeCount / 125));
  return Math.max(100, Math.floor((nodeCount * percentage) / 100));
}

/**
 * One scheduling cycle for one pod (nodes are read through `nodeAt` so only the sampled ones are
 * looked at), following kube-scheduler's default profile where it matters
 * in a simulated cluster: filters (cordon, nodeSelector, NoSchedule/NoExecute taints, pod count,
 * a pod network), node sampling from a rotating start index, scores (system-default topology
 * spreading by hostname and zone over pods of the same workload, LeastAllocated with the
 * scheduler's default requests, PreferNoSchedule taints), and a uniformly random choice among
 * the top-scoring nodes. The unschedulable message has the API's shape:
 * `0/3 nodes are available: 1 node(s) had untolerated taint {…}, 2 Too many pods.`
 */
export function selectNode(
  spec: PodSpec,
  total: number,
  nodeAt: (index: number) => SchedulingNode,
  startIndex: number,
  rng: RandomStream,
): SchedulingResult {
  if (total === 0) return { ok: false, message: 'no nodes available to schedule pods', nextStartIndex: 0 };
  const wanted = feasibleNodesToFind(total);
  const feasible: SchedulingNode[] = [];
  const reasons = new Map<string, number>();
  const reject = (reason: string): void => void reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  let processed = 0;
  for (let i = 0; i < total && feasible.length < wanted; i++) {
    const node = nodeAt((startIndex + i) % total);
    processed++;
    const reason = filterReason(spec, node);
    if (reason === undefined) feasible.push(node);
    else reject(reason);
  }
  const nextStartIndex = (startIndex + processed) % total;
  if (feasible.length === 0) {
    const parts = [...reasons.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([reason, count]) => `${count} ${reason}`);
    return { ok: false, message: `0/${total} nodes are available: ${parts.join(', ')}.`, nextStartIndex };
  }
  const scores = scoreNodes(spec, feasible);
  let best = -1;
  let chosen: SchedulingNode | undefined;
  let ties = 0;
  feasible.forEach((node, i) => {
    const score = scores[i] as number;
    if (score > best) {
      best = score;
      chosen = node;
      ties = 1;
    } else if (score === best) {
      // Reservoir sampling: uniform among equally good nodes, as selectHost does.
      ties++;
      if (rng.int(1, ties) === 1) chosen = node;
    }
  });
  return { ok: true, node: (chosen as SchedulingNode).name, nextStartIndex };
}

function filterReason(spec: PodSpec, node: SchedulingNode): string | undefined {
  if (node.unschedulable && !(spec.tolerations ?? []).some((t) => toleratesTaint(t, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }))) {
    return 'node(s) were unschedulable';
  }
  for (const [key, value] of Object.entries(spec.nodeSelector ?? {})) {
    if (node.labels[key] !== value) return "node(s) didn't match Pod's node affinity/selector";
  }
  const taint = firstUntoleratedTaint(node.taints, spec.tolerations, ['NoSchedule', 'NoExecute']);
  if (taint !== undefined) {
    return `node(s) had untolerated taint {${taint.key}${taint.value === undefined || taint.value === '' ? '' : `: ${taint.value}`}}`;
  }
  if (node.podCount >= node.maxPods) return 'Too many pods';
  if (!node.hasPodCIDR && spec.hostNetwork !== true) return 'node(s) had no pod network (no podCIDR assigned)';
  return undefined;
}

function scoreNodes(spec: PodSpec, nodes: readonly SchedulingNode[]): number[] {
  // PodTopologySpread with the system defaults: fewer pods of the workload in the node's
  // hostname and zone domains scores higher.
  const zoneCounts = new Map<string, number>();
  for (const node of nodes) if (node.zone !== undefined) zoneCounts.set(node.zone, (zoneCounts.get(node.zone) ?? 0) + node.peerCount);
  const hostnameWeight = Math.log(nodes.length + 2);
  const zoneWeight = Math.log(zoneCounts.size + 2);
  const rawSpread = nodes.map((node) => {
    let score = node.peerCount * hostnameWeight + (HOSTNAME_MAX_SKEW - 1);
    if (node.zone !== undefined) score += (zoneCounts.get(node.zone) ?? 0) * zoneWeight + (ZONE_MAX_SKEW - 1);
    return Math.round(score);
  });
  const maxSpread = Math.max(...rawSpread);
  const minSpread = Math.min(...rawSpread);
  const spread = rawSpread.map((s) => (maxSpread === 0 ? 100 : Math.floor((100 * (maxSpread + minSpread - s)) / maxSpread)));

  // TaintToleration: fewer untolerated PreferNoSchedule taints is better.
  const preferCounts = nodes.map(
    (node) => node.taints.filter((taint) => taint.effect === 'PreferNoSchedule' && !(spec.tolerations ?? []).some((t) => toleratesTaint(t, taint))).length,
  );
  const maxPrefer = Math.max(...preferCounts);
  const taintScores = preferCounts.map((count) => (maxPrefer === 0 ? 100 : Math.floor((100 * (maxPrefer - count)) / maxPrefer)));

  // NodeResourcesFit (LeastAllocated) with the default non-zero requests per pod.
  const fit = nodes.map((node) => {
    const pods = node.podCount + 1;
    const cpu = Math.floor(((NODE_CPU_MILLIS - Math.min(NODE_CPU_MILLIS, pods * DEFAULT_CPU_MILLIS)) * 100) / NODE_CPU_MILLIS);
    const memory = Math.floor(((NODE_MEMORY_BYTES - Math.min(NODE_MEMORY_BYTES, pods * DEFAULT_MEMORY_BYTES)) * 100) / NODE_MEMORY_BYTES);
    return Math.floor((cpu + memory) / 2);
  });
  return nodes.map((_, i) => SPREAD_WEIGHT * (spread[i] as number) + TAINT_WEIGHT * (taintScores[i] as number) + FIT_WEIGHT * (fit[i] as number));
}
