import {
  EventLog,
  makeLogHeader,
  PersistentMap,
  Store,
  type LoggedEvent,
  type Projection,
} from '@knsim/core';
import { bestRate, type Measurement } from './harness.js';

interface Pod {
  readonly namespace: string;
  readonly name: string;
  readonly node: string;
  readonly ip: string;
  readonly phase: 'Pending' | 'Running';
  readonly ready: boolean;
  readonly transitions: number;
  readonly labels: Readonly<Record<string, string>>;
}

type PodEvent =
  | { readonly type: 'PodCreated'; readonly pod: Pod }
  | { readonly type: 'PodReadinessChanged'; readonly key: string; readonly ready: boolean };

interface ClusterState {
  readonly pods: PersistentMap<Pod>;
  readonly readyCount: number;
}

const evolve: Projection<ClusterState, PodEvent>['evolve'] = (draft, event) => {
  if (event.type === 'PodCreated') {
    draft.pods = draft.pods.set(`${event.pod.namespace}/${event.pod.name}`, event.pod);
    if (event.pod.ready) draft.readyCount++;
    return;
  }
  const pod = draft.pods.get(event.key);
  if (pod === undefined || pod.ready === event.ready) return;
  draft.pods = draft.pods.set(event.key, { ...pod, ready: event.ready, transitions: pod.transitions + 1 });
  draft.readyCount += event.ready ? 1 : -1;
};

/** (e) the store: events per second through evolve on a state holding 150,000 pods. */
export function storeBenchmarks(options: { quick: boolean }): Measurement[] {
  const podCount = 150_000;
  const log = new EventLog<PodEvent>(makeLogHeader({ seed: 0, scenarioDigest: 'sha256:bench' }), {
    retain: false,
  });
  const keys: string[] = [];
  const creations: LoggedEvent<PodEvent>[] = [];
  for (let i = 0; i < podCount; i++) {
    const pod: Pod = {
      namespace: `ns-${i % 100}`,
      name: `web-${i}`,
      node: `node-${i % 1000}`,
      ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      phase: 'Running',
      ready: true,
      transitions: 0,
      labels: { app: `app-${i % 2000}` },
    };
    keys.push(`${pod.namespace}/${pod.name}`);
    creations.push(log.append({ type: 'PodCreated', pod }, 0));
  }
  const initial = new Store<ClusterState, PodEvent>({
    initialState: { pods: PersistentMap.empty(), readyCount: 0 },
    evolve,
  });
  const populated = initial.applyAll(creations);
  if (populated.pods.size !== podCount) throw new Error('store benchmark: population failed');

  const steps = options.quick ? 50_000 : 500_000;
  const changes: LoggedEvent<PodEvent>[] = [];
  for (let i = 0; i < steps; i++) {
    // A multiplicative stride touches pods all over the key space, as real churn does.
    const key = keys[(i * 7919) % podCount] as string;
    changes.push(log.append({ type: 'PodReadinessChanged', key, ready: i % 2 === 1 }, i + 1));
  }
  const repeats = options.quick ? 1 : 3;
  const fresh = () =>
    new Store<ClusterState, PodEvent>({ initialState: populated, evolve }, { snapshotEvery: 10_000 });
  const eager = bestRate(steps, repeats, () => {
    const store = fresh();
    for (const event of changes) {
      store.apply(event);
      if (store.state.readyCount < 0) throw new Error('unreachable');
    }
  });
  const lazy = bestRate(steps, repeats, () => {
    const store = fresh();
    for (const event of changes) store.apply(event);
    if (store.state.readyCount < 0) throw new Error('unreachable');
  });
  return [
    {
      name: 'store/150,000 pods: apply, lazily batched produce (as the simulation folds)',
      unit: 'events/s',
      value: lazy,
      target: '>= 200,000',
    },
    {
      name: 'store/150,000 pods: apply + read state after every event (one produce each)',
      unit: 'events/s',
      value: eager,
    },
  ];
}
