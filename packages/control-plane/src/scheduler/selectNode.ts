import type { PodSpec, Taint } from '@knsim/api';
import type { RandomStream } from '@knsim/core';
import { toleratesTaint } from './tolerations.js';

/** What the scheduler knows of a node between node changes. */
export interface SchedulingNode {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly zone: string | undefined;
  readonly taints: readonly Taint[];
  readonly unschedulable: boolean;
  readonly maxPods: number;
  readonly hasPodCIDR: boolean;
  /** Index into the counts arrays. */
  readonly slot: number;
  /** Index of the node's zone among the cluster's zones, -1 without one. */
  readonly zoneIndex: number;
}

/** Per-node counts at the time of one scheduling cycle, indexed by node slot. */
export interface SchedulingCounts {
  /** Pods bound to the node and not finished (they count against maxPods and resources). */
  readonly podCounts: Int32Array;
  /** Of those, pods of the same workload as the pod being scheduled (slots absent have none). */
  readonly peerCounts: ReadonlyMap<number, number>;
  /** Number of distinct zones (zoneIndex ranges over 0..zones-1). */
  readonly zones: number;
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

const UNSCHEDULABLE_TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

/** How many feasible nodes the scheduler looks for before scoring (percentageOfNodesToScore = adaptive). */
export function feasibleNodesToFind(nodeCount: number): number {
  if (nodeCount < 100) return nodeCount;
  const percentage = Math.max(5, 50 - Math.floor(nodeCount / 125));
  return Math.max(100, Math.floor((nodeCount * percentage) / 100));
}

/**
 * One scheduling cycle for one pod, following kube-scheduler's default profile where it matters
 * in a simulated cluster: filters (cordon, nodeSelector, NoSchedule/NoExecute taints, pod count,
 * a pod network), node sampling from a rotating start index, scores (system-default topology
 * spreading by hostname and zone over pods of the same workload, LeastAllocated with the
 * scheduler's default requests, PreferNoSchedule taints), and a uniformly random choice among
 * the top-scoring nodes. The unschedulable message has the API's shape:
 * `0/3 nodes are available: 1 node(s) had untolerated taint {…}, 2 Too many pods.`
 */
/**
 * Reusable buffers for {@link selectNode}: a scheduling cycle looks at hundreds of nodes, and
 * allocating arrays for each of 30,000 pods is most of the cost. One per scheduler.
 */
export class SchedulingScratch {
  feasible: SchedulingNode[] = [];
  podCounts = new Float64Array(256);
  peerCounts = new Float64Array(256);
  spread = new Float64Array(256);
  prefer = new Float64Array(256);
  zoneCounts = new Float64Array(16);
  zonePresent = new Uint8Array(16);

  ensure(nodes: number, zones: number): void {
    if (this.podCounts.length < nodes) {
      const size = Math.max(nodes, this.podCounts.length * 2);
      this.podCounts = new Float64Array(size);
      this.peerCounts = new Float64Array(size);
      this.spread = new Float64Array(size);
      this.prefer = new Float64Array(size);
    }
    if (this.zoneCounts.length < zones) {
      this.zoneCounts = new Float64Array(Math.max(zones, this.zoneCounts.length * 2));
      this.zonePresent = new Uint8Array(this.zoneCounts.length);
    }
  }
}

export function selectNode(
  spec: PodSpec,
  nodes: readonly SchedulingNode[],
  counts: SchedulingCounts,
  startIndex: number,
  rng: RandomStream,
  scratch: SchedulingScratch = new SchedulingScratch(),
): SchedulingResult {
  const total = nodes.length;
  if (total === 0) return { ok: false, message: 'no nodes available to schedule pods', nextStartIndex: 0 };
  const wanted = feasibleNodesToFind(total);
  scratch.ensure(wanted, Math.max(1, counts.zones));
  const selector = Object.entries(spec.nodeSelector ?? {});
  const tolerations = spec.tolerations ?? [];
  const toleratesUnschedulable = tolerations.some((t) => toleratesTaint(t, UNSCHEDULABLE_TAINT));
  const feasible = scratch.feasible;
  feasible.length = 0;
  const podCounts = scratch.podCounts;
  const peerCounts = scratch.peerCounts;
  const peers = counts.peerCounts;
  const anyPeers = peers.size > 0;
  let reasons: Map<string, number> | undefined;
  let processed = 0;
  const plainPod = selector.length === 0;
  let index = startIndex % total;
  while (processed < total && feasible.length < wanted) {
    const node = nodes[index] as SchedulingNode;
    processed++;
    index = index + 1 === total ? 0 : index + 1;
    const podCount = counts.podCounts[node.slot] as number;
    // Fast path for the common case: an untainted, schedulable node with a pod network.
    const reason =
      plainPod && node.taints.length === 0 && !node.unschedulable && node.hasPodCIDR
        ? podCount >= node.maxPods
          ? 'Too many pods'
          : undefined
        : filterReason(spec, node, selector, tolerations, toleratesUnschedulable, podCount);
    if (reason === undefined) {
      const at = feasible.length;
      feasible.push(node);
      podCounts[at] = podCount;
      peerCounts[at] = anyPeers ? (peers.get(node.slot) ?? 0) : 0;
    } else {
      reasons ??= new Map();
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
  }
  const nextStartIndex = (startIndex + processed) % total;
  if (feasible.length === 0) {
    const parts = [...(reasons ?? new Map<string, number>()).entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([reason, count]) => `${count} ${reason}`);
    return { ok: false, message: `0/${total} nodes are available: ${parts.join(', ')}.`, nextStartIndex };
  }
  const chosen = bestNode(tolerations, feasible, scratch, rng);
  return { ok: true, node: chosen.name, nextStartIndex };
}

function filterReason(
  spec: PodSpec,
  node: SchedulingNode,
  selector: readonly [string, string][],
  tolerations: readonly NonNullable<PodSpec['tolerations']>[number][],
  toleratesUnschedulable: boolean,
  podCount: number,
): string | undefined {
  if (node.unschedulable && !toleratesUnschedulable) return 'node(s) were unschedulable';
  for (const [key, value] of selector)
    if (node.labels[key] !== value) return "node(s) didn't match Pod's node affinity/selector";
  for (const taint of node.taints) {
    if (taint.effect === 'PreferNoSchedule') continue;
    if (!tolerations.some((t) => toleratesTaint(t, taint))) {
      return `node(s) had untolerated taint {${taint.key}${taint.value === undefined || taint.value === '' ? '' : `: ${taint.value}`}}`;
    }
  }
  if (podCount >= node.maxPods) return 'Too many pods';
  if (!node.hasPodCIDR && spec.hostNetwork !== true)
    return 'node(s) had no pod network (no podCIDR assigned)';
  return undefined;
}

/** Scores the feasible nodes and picks uniformly among the best (selectHost's reservoir sampling). */
function bestNode(
  tolerations: readonly NonNullable<PodSpec['tolerations']>[number][],
  nodes: readonly SchedulingNode[],
  scratch: SchedulingScratch,
  rng: RandomStream,
): SchedulingNode {
  const n = nodes.length;
  const { podCounts, peerCounts, spread, prefer, zoneCounts, zonePresent } = scratch;
  zoneCounts.fill(0);
  zonePresent.fill(0);
  // PodTopologySpread with the system defaults: fewer pods of the workload in the node's
  // hostname and zone domains scores higher.
  for (let i = 0; i < n; i++) {
    const zone = (nodes[i] as SchedulingNode).zoneIndex;
    if (zone >= 0) {
      zoneCounts[zone] = (zoneCounts[zone] as number) + (peerCounts[i] as number);
      zonePresent[zone] = 1;
    }
  }
  let zoneDomains = 0;
  for (let z = 0; z < zonePresent.length; z++) zoneDomains += zonePresent[z] as number;
  const hostnameWeight = Math.log(n + 2);
  const zoneWeight = Math.log(zoneDomains + 2);
  let maxSpread = 0;
  let minSpread = Number.POSITIVE_INFINITY;
  let maxPrefer = 0;
  for (let i = 0; i < n; i++) {
    const node = nodes[i] as SchedulingNode;
    let raw = (peerCounts[i] as number) * hostnameWeight + (HOSTNAME_MAX_SKEW - 1);
    if (node.zoneIndex >= 0) raw += (zoneCounts[node.zoneIndex] as number) * zoneWeight + (ZONE_MAX_SKEW - 1);
    raw = Math.round(raw);
    spread[i] = raw;
    if (raw > maxSpread) maxSpread = raw;
    if (raw < minSpread) minSpread = raw;
    let count = 0;
    if (node.taints.length > 0) {
      // TaintToleration: fewer untolerated PreferNoSchedule taints is better.
      for (const taint of node.taints)
        if (taint.effect === 'PreferNoSchedule' && !tolerations.some((t) => toleratesTaint(t, taint)))
          count++;
      if (count > maxPrefer) maxPrefer = count;
    }
    prefer[i] = count;
  }
  let best = -1;
  let ties = 0;
  let chosen = 0;
  for (let i = 0; i < n; i++) {
    const spreadScore =
      maxSpread === 0 ? 100 : Math.floor((100 * (maxSpread + minSpread - (spread[i] as number))) / maxSpread);
    const taintScore =
      maxPrefer === 0 ? 100 : Math.floor((100 * (maxPrefer - (prefer[i] as number))) / maxPrefer);
    // NodeResourcesFit (LeastAllocated) with the default non-zero requests per pod.
    const pods = (podCounts[i] as number) + 1;
    const cpu = Math.floor(
      ((NODE_CPU_MILLIS - Math.min(NODE_CPU_MILLIS, pods * DEFAULT_CPU_MILLIS)) * 100) / NODE_CPU_MILLIS,
    );
    const memory = Math.floor(
      ((NODE_MEMORY_BYTES - Math.min(NODE_MEMORY_BYTES, pods * DEFAULT_MEMORY_BYTES)) * 100) /
        NODE_MEMORY_BYTES,
    );
    const score =
      SPREAD_WEIGHT * spreadScore + TAINT_WEIGHT * taintScore + FIT_WEIGHT * Math.floor((cpu + memory) / 2);
    if (score > best) {
      best = score;
      chosen = i;
      ties = 1;
    } else if (score === best) {
      ties++;
      if (rng.int(1, ties) === 1) chosen = i;
    }
  }
  return nodes[chosen] as SchedulingNode;
}
