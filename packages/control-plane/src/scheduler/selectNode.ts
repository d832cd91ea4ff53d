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
export function selectNode(
  spec: PodSpec,
  nodes: readonly SchedulingNode[],
  counts: SchedulingCounts,
  startIndex: number,
  rng: RandomStream,
): SchedulingResult {
  const total = nodes.length;
  if (total === 0) return { ok: false, message: 'no nodes available to schedule pods', nextStartIndex: 0 };
  const wanted = feasibleNodesToFind(total);
  const selector = Object.entries(spec.nodeSelector ?? {});
  const tolerations = spec.tolerations ?? [];
  const toleratesUnschedulable = tolerations.some((t) => toleratesTaint(t, UNSCHEDULABLE_TAINT));
  const feasible: SchedulingNode[] = [];
  const podCounts: number[] = [];
  const peerCounts: number[] = [];
  let reasons: Map<string, number> | undefined;
  let processed = 0;
  const plainPod = selector.length === 0;
  for (let i = 0; i < total && feasible.length < wanted; i++) {
    const node = nodes[(startIndex + i) % total] as SchedulingNode;
    processed++;
    const podCount = counts.podCounts[node.slot] as number;
    // Fast path for the common case: an untainted, schedulable node with a pod network.
    const reason =
      plainPod && node.taints.length === 0 && !node.unschedulable && node.hasPodCIDR
        ? podCount >= node.maxPods
          ? 'Too many pods'
          : undefined
        : filterReason(spec, node, selector, tolerations, toleratesUnschedulable, podCount);
    if (reason === undefined) {
      feasible.push(node);
      podCounts.push(podCount);
      peerCounts.push(counts.peerCounts.size === 0 ? 0 : (counts.peerCounts.get(node.slot) ?? 0));
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
  const scores = scoreNodes(tolerations, feasible, podCounts, peerCounts, counts.zones);
  let best = -1;
  const top: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const score = scores[i] as number;
    if (score > best) {
      best = score;
      top.length = 0;
      top.push(i);
    } else if (score === best) top.push(i);
  }
  // Uniform among equally good nodes, as selectHost's reservoir sampling is.
  const chosen = feasible[
    top.length === 1 ? (top[0] as number) : (top[rng.int(0, top.length - 1)] as number)
  ] as SchedulingNode;
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

function scoreNodes(
  tolerations: readonly NonNullable<PodSpec['tolerations']>[number][],
  nodes: readonly SchedulingNode[],
  podCounts: readonly number[],
  peerCounts: readonly number[],
  zones: number,
): Float64Array {
  const n = nodes.length;
  // PodTopologySpread with the system defaults: fewer pods of the workload in the node's
  // hostname and zone domains scores higher.
  const zoneCounts = new Float64Array(Math.max(1, zones));
  const zonePresent = new Uint8Array(Math.max(1, zones));
  for (let i = 0; i < n; i++) {
    const zone = (nodes[i] as SchedulingNode).zoneIndex;
    if (zone >= 0) {
      zoneCounts[zone] = (zoneCounts[zone] as number) + (peerCounts[i] as number);
      zonePresent[zone] = 1;
    }
  }
  let zoneDomains = 0;
  for (const present of zonePresent) zoneDomains += present;
  const hostnameWeight = Math.log(n + 2);
  const zoneWeight = Math.log(zoneDomains + 2);
  const spread = new Float64Array(n);
  const prefer = new Float64Array(n);
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
    if (node.taints.length > 0) {
      // TaintToleration: fewer untolerated PreferNoSchedule taints is better.
      let count = 0;
      for (const taint of node.taints)
        if (taint.effect === 'PreferNoSchedule' && !tolerations.some((t) => toleratesTaint(t, taint)))
          count++;
      prefer[i] = count;
      if (count > maxPrefer) maxPrefer = count;
    }
  }
  const scores = new Float64Array(n);
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
    scores[i] =
      SPREAD_WEIGHT * spreadScore + TAINT_WEIGHT * taintScore + FIT_WEIGHT * Math.floor((cpu + memory) / 2);
  }
  return scores;
}
