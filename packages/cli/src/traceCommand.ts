import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  readLogFile,
  UserError,
  type AnyEvent,
  type Instant,
  type LoggedEvent,
  type LogHeader,
} from '@knsim/core';
import { Cluster } from '@knsim/control-plane';
import { DataPlane } from '@knsim/kube-proxy';
import type { CliIo } from './io.js';

/** One Chrome trace-event (the JSON Perfetto and chrome://tracing read). */
export interface TraceEvent {
  readonly name: string;
  readonly ph: 'X' | 'i' | 'M' | 's' | 'f';
  readonly ts: number;
  readonly pid: number;
  readonly tid: number;
  readonly dur?: number;
  readonly cat?: string;
  readonly s?: 'g' | 'p' | 't';
  readonly id?: number;
  readonly bp?: 'e';
  readonly args?: Readonly<Record<string, unknown>>;
}

// Beyond this many (node, Service) pairs, proxy syncs are left out: the trace would be unreadable.
const MAX_PROXY_TRACKS = 20_000;

/**
 * A run's log as Chrome trace events: a process per node (and one for the cluster), a track per
 * pod with its lifecycle as slices (pending, starting, running, terminating), each node's
 * kube-proxy syncs on the node's own track, faults as instant events, and sampled requests as
 * slices on the client's track with a flow arrow to the pod that served them. Times in µs, as
 * the log's.
 */
export function chromeTrace(header: LogHeader, events: readonly LoggedEvent<AnyEvent>[]): TraceEvent[] {
  const end = events.at(-1)?.at ?? 0;
  const cluster = Cluster.replay(header, events);
  const dataPlane = new DataPlane(cluster);
  const out: TraceEvent[] = [];
  const nodes = new Map<string, number>(); // node -> pid
  const tracks = new Map<string, { pid: number; tid: number }>(); // pod -> track
  const nodePid = (node: string | undefined): number => {
    if (node === undefined) return 0;
    let pid = nodes.get(node);
    if (pid === undefined) {
      pid = nodes.size + 1;
      nodes.set(node, pid);
      out.push({ name: 'process_name', ph: 'M', ts: 0, pid, tid: 0, args: { name: `node ${node}` } });
      out.push({
        name: 'thread_name',
        ph: 'M',
        ts: 0,
        pid,
        tid: 0,
        args: { name: 'node (kubelet, kube-proxy)' },
      });
    }
    return pid;
  };
  out.push({ name: 'process_name', ph: 'M', ts: 0, pid: 0, tid: 0, args: { name: 'cluster' } });
  out.push({ name: 'thread_name', ph: 'M', ts: 0, pid: 0, tid: 0, args: { name: 'control plane' } });
  const track = (pod: string, node?: string): { pid: number; tid: number } => {
    let found = tracks.get(pod);
    if (found === undefined || (node !== undefined && found.pid === 0)) {
      const pid = nodePid(node);
      found = { pid, tid: tracks.size + 1 };
      tracks.set(pod, found);
      out.push({ name: 'thread_name', ph: 'M', ts: 0, pid, tid: found.tid, args: { name: pod } });
    }
    return found;
  };
  // Pod lifecycle: each phase is a slice from its first event to the next.
  const open = new Map<string, { name: string; since: Instant; node: string | undefined }>();
  const phase = (pod: string, name: string | undefined, at: Instant, node?: string) => {
    const current = open.get(pod);
    if (current !== undefined) {
      const { pid, tid } = track(pod, current.node);
      out.push({
        name: current.name,
        cat: 'pod',
        ph: 'X',
        ts: current.since,
        dur: at - current.since,
        pid,
        tid,
      });
    }
    if (name === undefined) open.delete(pod);
    else open.set(pod, { name, since: at, node: node ?? current?.node });
  };
  const instant = (name: string, at: Instant, pid: number, tid: number, args?: Record<string, unknown>) =>
    out.push({
      name,
      cat: 'fault',
      ph: 'i',
      s: tid === 0 ? 'p' : 't',
      ts: at,
      pid,
      tid,
      ...(args ? { args } : {}),
    });
  let flow = 0;
  for (const event of events) {
    const at = event.at;
    const pod = typeof event['pod'] === 'string' ? (event['pod'] as string) : undefined;
    switch (event.type) {
      case 'PodCreated': {
        const record = event['pod'] as { key: string; nodeName?: string };
        phase(record.key, 'Pending', at, record.nodeName);
        break;
      }
      case 'PodScheduled':
        if (pod !== undefined) {
          const current = open.get(pod);
          if (current !== undefined) current.node = event['node'] as string;
          track(pod, event['node'] as string);
        }
        break;
      case 'PodSandboxReady':
        if (pod !== undefined) phase(pod, 'ContainerCreating', at, event['node'] as string);
        break;
      case 'PodContainersStarted':
        if (pod !== undefined) phase(pod, 'Running (not ready)', at);
        break;
      case 'PodReadinessChanged':
        if (pod !== undefined && open.get(pod)?.name.startsWith('Running'))
          phase(pod, event['ready'] === true ? 'Running (ready)' : 'Running (not ready)', at);
        break;
      case 'PodContainersExited':
        if (pod !== undefined) phase(pod, `Exited (${String(event['reason'])})`, at);
        break;
      case 'PodDeletionRequested':
        if (pod !== undefined) {
          phase(pod, 'Terminating', at);
          const { pid, tid } = track(pod);
          instant(`delete (${String(event['reason'])})`, at, pid, tid);
        }
        break;
      case 'PodCompleted':
        if (pod !== undefined) phase(pod, `Completed (${String(event['phase'])})`, at);
        break;
      case 'PodDeleted':
        if (pod !== undefined) phase(pod, undefined, at);
        break;
      case 'NodeKubeletStopped':
        instant(`node ${String(event['state'])}`, at, nodePid(event['node'] as string), 0);
        break;
      case 'NodeKubeletResumed':
        instant('node recovered', at, nodePid(event['node'] as string), 0);
        break;
      case 'NodeReadinessChanged':
        instant(
          `node Ready=${String(event['status'] ?? event['ready'])}`,
          at,
          nodePid(event['node'] as string),
          0,
        );
        break;
      case 'ReadinessFaultStarted':
      case 'ReadinessFaultEnded':
      case 'CommandRejected':
        instant(event.type, at, 0, 0, { ...event });
        break;
      case 'RequestSampled': {
        const latency = Number(event['latency']);
        const client = typeof event['client'] === 'string' ? (event['client'] as string) : undefined;
        const server = typeof event['pod'] === 'string' ? (event['pod'] as string) : undefined;
        const from =
          client === undefined || client.startsWith('external:') ? { pid: 0, tid: 0 } : track(client);
        const name = `${String(event['workload'])}: ${String(event['outcome'])}`;
        out.push({
          name,
          cat: 'request',
          ph: 'X',
          ts: at - latency,
          dur: latency,
          ...from,
          args: {
            backend: event['backend'],
            client,
            pod: server,
            ...(typeof event['reason'] === 'string' ? { reason: event['reason'] } : {}),
          },
        });
        if (server !== undefined) {
          const to = track(server);
          flow++;
          out.push({ name, cat: 'request', ph: 's', id: flow, ts: at - latency, ...from });
          out.push({ name, cat: 'request', ph: 'f', bp: 'e', id: flow, ts: at - latency, ...to });
        }
        break;
      }
      default:
        break;
    }
  }
  for (const pod of [...open.keys()]) phase(pod, undefined, end);
  // Each node's kube-proxy: when it programmed each version of each Service.
  const services = cluster.state.services.sortedEntries().map(([key]) => key);
  const nodeNames = cluster.state.nodes.sortedEntries().map(([name]) => name);
  if (services.length * nodeNames.length <= MAX_PROXY_TRACKS) {
    for (const node of nodeNames) {
      const pid = nodePid(node);
      for (const service of services) {
        for (const sync of dataPlane.views.syncs(node, service, end)) {
          out.push({
            name: `kube-proxy sync ${service} v${sync.version}`,
            cat: 'kube-proxy',
            ph: 'X',
            ts: sync.at,
            dur: 1,
            pid,
            tid: 0,
          });
        }
      }
    }
  }
  return out;
}

export function registerTraceCommand(program: Command, io: CliIo): void {
  program
    .command('trace <log>')
    .description(
      'turn an event log into Chrome trace-event JSON (open it in ui.perfetto.dev): a track per node and pod, proxy syncs, faults, sampled requests',
    )
    .option('--out <file>', 'write the trace to this file instead of stdout')
    .action((path: string, flags: { out?: string }) => {
      const { header, events } = readLogFile(path);
      const trace = JSON.stringify({
        displayTimeUnit: 'ms',
        otherData: { seed: header.seed, scenarioDigest: header.scenarioDigest, log: path },
        traceEvents: chromeTrace(header, events),
      });
      if (flags.out === undefined) {
        io.stdout(trace + '\n');
        return;
      }
      try {
        writeFileSync(flags.out, trace + '\n');
      } catch (error) {
        throw new UserError(`cannot write ${flags.out}: ${(error as Error).message}`);
      }
      io.stderr(`wrote ${flags.out}\n`);
    });
}
