import { EMPTY, merge, mergeMap, Observable, of, type Subscription } from 'rxjs';
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

const DEFAULT_PROBE: Required<Pick<Probe, 'initialDelaySeconds' | 'periodSeconds' | 'successThreshold' | 'failureThreshold'>> = {
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
      this.restarts.set(pod, { backoff: 0, lastStartedAt: now });
      return 0;
    }
    const next = memory.backoff === 0 ? BACKOFF_INITIAL : Math.min(BACKOFF_MAX, memory.backoff * 2);
    memory.backoff = next;
    return next / SECOND;
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
    (fault) => (fault.namespace === undefined || fault.namespace === pod.namespace) && compileLabelSelector(parseLabelSelector(fault.selector))(pod.labels),
  );
}

/**
 * The kubelets of every node: sandbox creation with host-local IPAM, container start, readiness
 * probes (including failures injected by readiness faults), Job pods running to completion,
 * graceful termination, crash restarts with back-off, and what happens when a node's kubelet
 * stops and comes back.
 */
export function kubelets(context: ControllerContext, memory: KubeletMemory): Observable<ClusterEvent> {
  const pod = (key: string): PodRecord | undefined => context.state().pods.get(key);
  const kubeletRunning = (state: ClusterState, node: string | undefined): boolean =>
    node !== undefined && state.nodes.get(node)?.kubelet === 'running';

  const createSandbox = (key: string): Observable<ClusterEvent> =>
    context.activity.later(context.delay('sandboxCreation'), context.scheduler).pipe(
      mergeMap(() => {
        const state = context.state();
        const record = state.pods.get(key);
        if (record === undefined || record.sandboxReady || record.nodeName === undefined) return EMPTY;
        if (record.deletionRequestedAt !== undefined || !kubeletRunning(state, record.nodeName)) return EMPTY;
        const node = state.nodes.get(record.nodeName);
        if (node?.podCIDR === undefined || node.ipam === undefined) {
          return of<ClusterEvent>({ type: 'PodSandboxFailed', pod: key, message: 'network is not ready: no podCIDR assigned to the node' });
        }
        if (record.spec.hostNetwork === true) {
          return of<ClusterEvent>({ type: 'PodSandboxReady', pod: key, node: node.name, ip: node.address });
        }
        const ipam = new HostLocalIpam(node.podCIDR);
        const requested = record.annotations[REQUESTED_IP_ANNOTATION];
        let result = requested !== undefined && ipam.contains(requested) ? ipam.allocateIp(node.ipam, key, requested) : undefined;
        if (result === undefined || !result.ok) result = ipam.allocate(node.ipam, key);
        if (!result.ok) {
          return merge(
            of<ClusterEvent>({ type: 'PodSandboxFailed', pod: key, message: result.error }),
            context.activity.later(SANDBOX_RETRY, context.scheduler).pipe(mergeMap(() => createSandbox(key))),
          );
        }
        return of<ClusterEvent>({ type: 'PodSandboxReady', pod: key, node: node.name, ip: result.ip });
      }),
    );

  const startContainers = (key: string, delay: Duration): Observable<ClusterEvent> =>
    context.activity.later(delay, context.scheduler).pipe(
      mergeMap(() => {
        const state = context.state();
        const record = state.pods.get(key);
        if (record === undefined || !record.sandboxReady || record.containersRunning || record.phase !== 'Pending' && record.phase !== 'Running') return EMPTY;
        if (record.deletionRequestedAt !== undefined || !kubeletRunning(state, record.nodeName)) return EMPTY;
        const restart = memory.restarts.get(key);
        if (restart !== undefined) restart.lastStartedAt = context.now;
        else memory.restarts.set(key, { backoff: 0, lastStartedAt: context.now });
        return of<ClusterEvent>({ type: 'PodContainersStarted', pod: key });
      }),
    );

  /** Runs the readiness probe of a pod while its published readiness is expected to change. */
  const probe = (key: string): Observable<ClusterEvent> =>
    new Observable<ClusterEvent>((subscriber) => {
      const record = pod(key);
      if (record === undefined || !record.containersRunning) {
        subscriber.complete();
        return undefined;
      }
      const declared = readinessProbeOf(record);
      const settings = { ...DEFAULT_PROBE, ...declared };
      const period = settings.periodSeconds * SECOND;
      let probeMemory = memory.probes.get(key);
      if (probeMemory === undefined) {
        probeMemory = { firstProbeAt: context.now + settings.initialDelaySeconds * SECOND, successes: 0, failures: 0, generation: 0 };
        memory.probes.set(key, probeMemory);
      }
      const state = probeMemory;
      const generation = ++state.generation;
      const nextTick = (): Instant =>
        context.now <= state.firstProbeAt ? state.firstProbeAt : state.firstProbeAt + Math.ceil((context.now - state.firstProbeAt) / period) * period;
      let subscription: Subscription | undefined;
      const schedule = (): void => {
        subscription = context.activity.later(nextTick() - context.now, context.scheduler).subscribe(() => {
          const current = pod(key);
          if (current === undefined || !current.containersRunning || state.generation !== generation) return subscriber.complete();
          const passing = !faultApplies(context.state().readinessFaults, current);
          if (passing) {
            state.successes++;
            state.failures = 0;
          } else {
            state.failures++;
            state.successes = 0;
          }
          if (passing && !current.ready && state.successes >= settings.successThreshold) {
            subscriber.next({ type: 'PodReadinessChanged', pod: key, ready: true, reason: 'ReadinessProbeSucceeded' });
            return subscriber.complete();
          }
          if (!passing && current.ready && state.failures >= settings.failureThreshold) {
            subscriber.next({ type: 'PodReadinessChanged', pod: key, ready: false, reason: 'ReadinessProbeFailed' });
            return subscriber.complete();
          }
          // Probe again only while the outcome disagrees with what is published.
          if (passing === current.ready) return subscriber.complete();
          schedule();
        });
      };
      schedule();
      return () => subscription?.unsubscribe();
    });

  const startProbing = (key: string): Observable<ClusterEvent> => probe(key);

  const onStarted = (key: string): Observable<ClusterEvent> => {
    const record = pod(key);
    if (record === undefined) return EMPTY;
    if (record.owner?.kind === 'Job') {
      return context.activity.later(context.delay('jobPodRuntime'), context.scheduler).pipe(
        mergeMap(() => {
          const current = pod(key);
          if (current === undefined || !current.containersRunning || current.deletionRequestedAt !== undefined) return EMPTY;
          return of<ClusterEvent>({ type: 'PodCompleted', pod: key, phase: 'Succeeded' });
        }),
      );
    }
    memory.probes.delete(key);
    const faulty = faultApplies(context.state().readinessFaults, record);
    if (readinessProbeOf(record) === undefined && !faulty) {
      // No readiness probe: ready as soon as the containers run.
      return of<ClusterEvent>({ type: 'PodReadinessChanged', pod: key, ready: true, reason: 'ContainersReady' });
    }
    return startProbing(key);
  };

  const terminate = (key: string): Observable<ClusterEvent> => {
    const state = context.state();
    const record = state.pods.get(key);
    if (record === undefined) return EMPTY;
    const deleted: ClusterEvent = { type: 'PodDeleted', pod: key, ...(record.owner === undefined ? {} : { owner: record.owner }) };
    if (record.nodeName === undefined) return of(deleted);
    if (!kubeletRunning(state, record.nodeName)) return EMPTY; // stays Terminating until the kubelet is back
    const grace = (record.deletionGracePeriodSeconds ?? 30) * SECOND;
    const stop = record.containersRunning ? Math.min(grace, context.delay('containerStop')) : 0;
    return context.activity.later(stop, context.scheduler).pipe(
      mergeMap(() => {
        memory.forget(key);
        return context.state().pods.has(key) ? of(deleted) : EMPTY;
      }),
    );
  };

  /** A node's kubelet came back: finish deletions, restart what a crash killed, report readiness. */
  const resume = (node: string, afterCrash: boolean): Observable<ClusterEvent> => {
    const state = context.state();
    const work: Observable<ClusterEvent>[] = [];
    for (const key of context.index.podsOnNode(node)) {
      const record = state.pods.get(key);
      if (record === undefined) continue;
      if (record.deletionRequestedAt !== undefined) {
        work.push(terminate(key));
      } else if (!record.sandboxReady) {
        work.push(createSandbox(key));
      } else if (record.phase === 'Running' || record.phase === 'Pending') {
        if (afterCrash && record.containersRunning) {
          work.push(of<ClusterEvent>({ type: 'PodContainersExited', pod: key, reason: 'NodeRestart', restartAfterSeconds: 0 }));
        } else if (afterCrash && !record.containersRunning) {
          work.push(startContainers(key, context.delay('containerStart')));
        } else if (record.containersRunning && !record.ready) {
          work.push(startProbing(key));
        }
      }
    }
    return merge(...work);
  };

  const stoppedBy = new Map<string, 'crashed' | 'partitioned'>();

  return merge(
    context.on('PodScheduled').pipe(
      mergeMap((event) => (kubeletRunning(context.state(), event.node) ? createSandbox(event.pod) : EMPTY)),
    ),
    context.on('PodSandboxReady').pipe(mergeMap((event) => startContainers(event.pod, context.delay('containerStart')))),
    context.on('PodContainersStarted').pipe(mergeMap((event) => onStarted(event.pod))),
    context.on('PodDeletionRequested').pipe(mergeMap((event) => terminate(event.pod))),
    context.on('PodContainersExited').pipe(
      mergeMap((event) => (event.restartAfterSeconds === undefined ? EMPTY : startContainers(event.pod, event.restartAfterSeconds * SECOND + context.delay('containerStart')))),
    ),
    context.on('PodDeleted').pipe(mergeMap((event) => (memory.forget(event.pod), EMPTY))),
    context.on('NodeKubeletStopped').pipe(mergeMap((event) => (stoppedBy.set(event.node, event.state), EMPTY))),
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
        const work: Observable<ClusterEvent>[] = [];
        for (const record of state.pods.values()) {
          if (!record.containersRunning || record.owner?.kind === 'Job') continue;
          const passing = !faultApplies(state.readinessFaults, record);
          if (passing !== record.ready && kubeletRunning(state, record.nodeName)) work.push(startProbing(record.key));
        }
        return merge(...work);
      }),
    ),
  );
}
