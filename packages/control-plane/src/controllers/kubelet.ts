import { merge, mergeMap, type Observable } from 'rxjs';
import { compileLabelSelector, parseLabelSelector, type Probe } from '@knsim/api';
import { MINUTE, SECOND, type Duration, type Instant } from '@knsim/core';
import { HostLocalIpam } from '@knsim/cni';
import type { ControllerContext } from '../runtime/ControllerContext.js';
import type { ClusterEvent } from '../state/ClusterEvent.js';
import type { ClusterState, PodRecord, ReadinessFault } from '../state/ClusterState.js';
import { REQUESTED_IP_ANNOTATION } from './applyObjects.js';

// Crash-loop back-off: 10 s doubling to 5 min, forgotten after 10 min of running (kubelet defaults).
const BACKOFF_INITIAL = 10 * SECOND;
const BACKOFF_MAX = 5 * MINUTE;
const BACKOFF_RESET = 10 * MINUTE;
// A failed sandbox (e.g. IPAM exhausted) is retried on the pod's next sync.
const SANDBOX_RETRY = 10 * SECOND;

const DEFAULT_PROBE: Required<
  Pick<Probe, 'initialDelaySeconds' | 'periodSeconds' | 'successThreshold' | 'failureThreshold'>
> = {
  initialDelaySeconds: 0,
  periodSeconds: 10,
  successThreshold: 1,
  failureThreshold: 3,
};

interface ProbeMemory {
  firstProbeAt: Instant;
  successes: number;
  failures: number;
  /** Bumped whenever probing restarts, so a superseded loop stops at its next tick. */
  generation: number;
}

interface RestartMemory {
  /** The wait before the next restart (0 until the first crash). */
  backoff: Duration;
  lastStartedAt: Instant;
}

/**
 * What every node's kubelet remembers between events (probe counters, crash back-off). It is
 * process memory, not cluster state: it is rebuilt the same way on every run from the same events.
 */
export class KubeletMemory {
  readonly probes = new Map<string, ProbeMemory>();
  readonly restarts = new Map<string, RestartMemory>();

  /** Seconds before a crashed container restarts: 0, 10, 20, 40... capped at 300. */
  restartDelaySeconds(pod: string, now: Instant): number {
    const memory = this.restarts.get(pod);
    if (memory === undefined || now - memory.lastStartedAt > BACKOFF_RESET) {
      // The first crash (or the first after 10 minutes of running) restarts at once.
      this.restarts.set(pod, { backoff: BACKOFF_INITIAL, lastStartedAt: memory?.lastStartedAt ?? now });
      return 0;
    }
    const delay = memory.backoff;
    memory.backoff = delay === 0 ? BACKOFF_INITIAL : Math.min(BACKOFF_MAX, delay * 2);
    return delay / SECOND;
  }

  forget(pod: string): void {
    this.probes.delete(pod);
    this.restarts.delete(pod);
  }
}

/** The readiness probe a pod's containers declare (the strictest thresholds win), if any. */
function readinessProbeOf(pod: PodRecord): Probe | undefined {
  return pod.spec.containers.find((c) => c.readinessProbe !== undefined)?.readinessProbe;
}

function faultApplies(faults: readonly ReadinessFault[], pod: PodRecord): boolean {
  return faults.some(
    (fault) =>
      (fault.namespace === undefined || fault.namespace === pod.namespace) &&
      compileLabelSelector(parseLabelSelector(fault.selector))(pod.labels),
  );
}

/**
 * The kubelets of every node: sandbox creation with host-local IPAM, container start, readiness
 * probes (including failures injected by readiness faults), Job pods running to completion,
 * graceful termination, crash restarts with back-off, and what happens when a node's kubelet
 * stops and comes back. Steps are kernel timers (see `ControllerContext.later`), so a whole
 * cluster's pods can be starting at once.
 */
export function kubelets(context: ControllerContext, memory: KubeletMemory): Observable<ClusterEvent> {
  const pod = (key: string): PodRecord | undefined => context.state().pods.get(key);
  const kubeletRunning = (state: ClusterState, node: string | undefined): boolean =>
    node !== undefined && state.nodes.get(node)?.kubelet === 'running';

  const createSandbox = (key: string): void =>
    context.later(context.delay('sandboxCreation'), () => {
      const state = context.state();
      const record = state.pods.get(key);
      if (record === undefined || record.sandboxReady || record.nodeName === undefined) return undefined;
      if (record.deletionRequestedAt !== undefined || !kubeletRunning(state, record.nodeName))
        return undefined;
      const node = state.nodes.get(record.nodeName);
      if (node?.podCIDR === undefined || node.ipam === undefined) {
        return [
          {
            type: 'PodSandboxFailed',
            pod: key,
            message: 'network is not ready: no podCIDR assigned to the node',
          },
        ];
      }
      if (record.spec.hostNetwork === true)
        return [{ type: 'PodSandboxReady', pod: key, node: node.name, ip: node.address }];
      const ipam = new HostLocalIpam(node.podCIDR);
      const requested = record.annotations[REQUESTED_IP_ANNOTATION];
      let result =
        requested !== undefined && ipam.contains(requested)
          ? ipam.allocateIp(node.ipam, key, requested)
          : undefined;
      if (result === undefined || !result.ok) result = ipam.allocate(node.ipam, key);
      if (!result.ok) {
        // The kubelet retries the sandbox on the pod's next sync.
        context.later(SANDBOX_RETRY, () => (createSandbox(key), undefined));
        return [{ type: 'PodSandboxFailed', pod: key, message: result.error }];
      }
      return [{ type: 'PodSandboxReady', pod: key, node: node.name, ip: result.ip }];
    });

  const startContainers = (key: string, delay: Duration): void =>
    context.later(delay, () => {
      const state = context.state();
      const record = state.pods.get(key);
      if (record === undefined || !record.sandboxReady || record.containersRunning) return undefined;
      if (record.phase !== 'Pending' && record.phase !== 'Running') return undefined;
      if (record.deletionRequestedAt !== undefined || !kubeletRunning(state, record.nodeName))
        return undefined;
      const restart = memory.restarts.get(key);
      if (restart !== undefined) restart.lastStartedAt = context.now;
      else memory.restarts.set(key, { backoff: 0, lastStartedAt: context.now });
      return [{ type: 'PodContainersStarted', pod: key }];
    });

  /** Runs the readiness probe of a pod while its published readiness is expected to change. */
  const startProbing = (key: string): void => {
    const record = pod(key);
    if (record === undefined || !record.containersRunning) return;
    const declared = readinessProbeOf(record);
    const settings = { ...DEFAULT_PROBE, ...declared };
    const period = settings.periodSeconds * SECOND;
    let state = memory.probes.get(key);
    if (state === undefined) {
      state = {
        firstProbeAt: context.now + settings.initialDelaySeconds * SECOND,
        successes: 0,
        failures: 0,
        generation: 0,
      };
      memory.probes.set(key, state);
    }
    const probe = state;
    const generation = ++probe.generation;
    const nextTick = (): Instant =>
      context.now <= probe.firstProbeAt
        ? probe.firstProbeAt
        : probe.firstProbeAt + Math.ceil((context.now - probe.firstProbeAt) / period) * period;
    const tick = (): readonly ClusterEvent[] | undefined => {
      const current = pod(key);
      if (current === undefined || !current.containersRunning || probe.generation !== generation)
        return undefined;
      const passing = !faultApplies(context.state().readinessFaults, current);
      if (passing) {
        probe.successes++;
        probe.failures = 0;
      } else {
        probe.failures++;
        probe.successes = 0;
      }
      if (passing && !current.ready && probe.successes >= settings.successThreshold) {
        return [{ type: 'PodReadinessChanged', pod: key, ready: true, reason: 'ReadinessProbeSucceeded' }];
      }
      if (!passing && current.ready && probe.failures >= settings.failureThreshold) {
        return [{ type: 'PodReadinessChanged', pod: key, ready: false, reason: 'ReadinessProbeFailed' }];
      }
      // Probe again only while the outcome disagrees with what is published.
      if (passing !== current.ready) context.later(period, tick);
      return undefined;
    };
    context.later(nextTick() - context.now, tick);
  };

  const onStarted = (key: string): ClusterEvent[] => {
    const record = pod(key);
    if (record === undefined) return [];
    if (record.owner?.kind === 'Job') {
      context.later(context.delay('jobPodRuntime'), () => {
        const current = pod(key);
        if (current === undefined || !current.containersRunning || current.deletionRequestedAt !== undefined)
          return undefined;
        return [{ type: 'PodCompleted', pod: key, phase: 'Succeeded' }];
      });
      return [];
    }
    memory.probes.delete(key);
    if (readinessProbeOf(record) === undefined && !faultApplies(context.state().readinessFaults, record)) {
      // No readiness probe: ready as soon as the containers run.
      return [{ type: 'PodReadinessChanged', pod: key, ready: true, reason: 'ContainersReady' }];
    }
    startProbing(key);
    return [];
  };

  const terminate = (key: string): ClusterEvent[] => {
    const state = context.state();
    const record = state.pods.get(key);
    if (record === undefined) return [];
    const deleted: ClusterEvent = {
      type: 'PodDeleted',
      pod: key,
      ...(record.owner === undefined ? {} : { owner: record.owner }),
    };
    if (record.nodeName === undefined) return [deleted];
    if (!kubeletRunning(state, record.nodeName)) return []; // stays Terminating until the kubelet is back
    const grace = (record.deletionGracePeriodSeconds ?? 30) * SECOND;
    const stop = record.containersRunning ? Math.min(grace, context.delay('containerStop')) : 0;
    context.later(stop, () => {
      memory.forget(key);
      return context.state().pods.has(key) ? [deleted] : undefined;
    });
    return [];
  };

  /** A node's kubelet came back: finish deletions, restart what a crash killed, report readiness. */
  const resume = (node: string, afterCrash: boolean): ClusterEvent[] => {
    const state = context.state();
    const events: ClusterEvent[] = [];
    for (const key of [...context.index.podsOnNode(node)]) {
      const record = state.pods.get(key);
      if (record === undefined) continue;
      if (record.deletionRequestedAt !== undefined) events.push(...terminate(key));
      else if (!record.sandboxReady) createSandbox(key);
      else if (record.phase === 'Running' || record.phase === 'Pending') {
        if (afterCrash && record.containersRunning) {
          events.push({
            type: 'PodContainersExited',
            pod: key,
            reason: 'NodeRestart',
            restartAfterSeconds: 0,
          });
        } else if (afterCrash || !record.containersRunning) {
          // After a crash nothing runs; after a partition, starts that came due while the kubelet
          // could not report them (its first start, a restart after a kill) happen now.
          startContainers(key, context.delay('containerStart'));
        } else if (!record.ready) {
          startProbing(key);
        }
      }
    }
    return events;
  };

  const stoppedBy = new Map<string, 'crashed' | 'partitioned'>();
  const none: ClusterEvent[] = [];

  return merge(
    context.on('PodScheduled').pipe(
      mergeMap((event) => {
        if (kubeletRunning(context.state(), event.node)) createSandbox(event.pod);
        return none;
      }),
    ),
    context
      .on('PodSandboxReady')
      .pipe(mergeMap((event) => (startContainers(event.pod, context.delay('containerStart')), none))),
    context.on('PodContainersStarted').pipe(mergeMap((event) => onStarted(event.pod))),
    context.on('PodDeletionRequested').pipe(mergeMap((event) => terminate(event.pod))),
    context.on('PodContainersExited').pipe(
      mergeMap((event) => {
        if (event.restartAfterSeconds !== undefined)
          startContainers(event.pod, event.restartAfterSeconds * SECOND + context.delay('containerStart'));
        return none;
      }),
    ),
    context.on('PodDeleted').pipe(mergeMap((event) => (memory.forget(event.pod), none))),
    context
      .on('NodeKubeletStopped')
      .pipe(mergeMap((event) => (stoppedBy.set(event.node, event.state), none))),
    context.on('NodeKubeletResumed').pipe(
      mergeMap((event) => {
        const afterCrash = stoppedBy.get(event.node) === 'crashed';
        stoppedBy.delete(event.node);
        return resume(event.node, afterCrash);
      }),
    ),
    // A readiness fault starting or ending changes probe outcomes: probe the affected pods.
    context.on('ReadinessFaultStarted', 'ReadinessFaultEnded').pipe(
      mergeMap(() => {
        const state = context.state();
        for (const record of state.pods.values()) {
          if (!record.containersRunning || record.owner?.kind === 'Job') continue;
          const passing = !faultApplies(state.readinessFaults, record);
          if (passing !== record.ready && kubeletRunning(state, record.nodeName)) startProbing(record.key);
        }
        return none;
      }),
    ),
  );
}
