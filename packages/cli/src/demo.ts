import { bufferTime, filter, map, type Observable } from 'rxjs';
import {
  formatDuration,
  SECOND,
  Simulation,
  type ComponentContext,
  type Duration,
  type LoggedEvent,
} from '@knsim/core';

/** The events of the kernel demo: Poisson arrivals batched once per simulated second. */
export type DemoEvent =
  | { readonly type: 'RequestArrived'; readonly client: string; readonly id: number }
  | { readonly type: 'BatchClosed'; readonly size: number; readonly clients: number };

export interface DemoState {
  readonly arrivals: number;
  readonly batches: number;
  readonly largestBatch: number;
  readonly perClient: Readonly<Record<string, number>>;
}

export interface DemoResult {
  readonly seed: string;
  readonly simulated: Duration;
  readonly events: number;
  readonly state: DemoState;
  readonly digest: string;
  readonly sim: Simulation<DemoState, DemoEvent>;
}

const CLIENTS = ['checkout', 'frontend', 'search'] as const;

/**
 * A kernel demo until the scenario runner exists: three clients send Poisson traffic (each from
 * its own random stream), and an rxjs component closes a batch every simulated second with
 * `bufferTime` on the kernel scheduler. The same seed gives the same log digest.
 */
export function runDemo(options: {
  seed: number | string;
  duration: Duration;
  ratePerSecond?: number;
}): DemoResult {
  const rate = options.ratePerSecond ?? 50;
  const sim = new Simulation<DemoState, DemoEvent>({
    seed: options.seed,
    scenarioDigest: 'sha256:kernel-demo',
    projection: {
      initialState: { arrivals: 0, batches: 0, largestBatch: 0, perClient: {} },
      evolve: (draft, event) => {
        if (event.type === 'RequestArrived') {
          draft.arrivals++;
          draft.perClient[event.client] = (draft.perClient[event.client] ?? 0) + 1;
        } else {
          draft.batches++;
          draft.largestBatch = Math.max(draft.largestBatch, event.size);
        }
      },
    },
  });
  let id = 0;
  for (const client of CLIENTS) {
    const rng = sim.rng(`demo/arrivals/${client}`);
    const arrive = (): void => {
      sim.emit({ type: 'RequestArrived', client, id: ++id });
      sim.after(Math.max(1, Math.round(rng.exponential(SECOND / rate))), arrive);
    };
    sim.after(Math.round(rng.exponential(SECOND / rate)), arrive);
  }
  sim.use(({ events$, scheduler }: ComponentContext<DemoState, DemoEvent>): Observable<DemoEvent> =>
    events$.pipe(
      filter(
        (e): e is LoggedEvent<Extract<DemoEvent, { type: 'RequestArrived' }>> => e.type === 'RequestArrived',
      ),
      bufferTime(SECOND, scheduler),
      filter((batch) => batch.length > 0),
      map((batch) => ({
        type: 'BatchClosed',
        size: batch.length,
        clients: new Set(batch.map((e) => e.client)).size,
      })),
    ),
  );
  sim.run({ until: options.duration });
  sim.dispose();
  return {
    seed: String(options.seed),
    simulated: sim.now,
    events: sim.log.length,
    state: sim.state,
    digest: sim.log.digest(),
    sim,
  };
}

export function formatDemo(result: DemoResult): string {
  const lines = [
    `knsim kernel demo (seed ${result.seed})`,
    `simulated ${formatDuration(result.simulated)}: ${result.events} events, ${result.state.arrivals} arrivals in ${result.state.batches} one-second batches (largest ${result.state.largestBatch})`,
    ...Object.entries(result.state.perClient)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([client, count]) => `  ${client.padEnd(10)} ${count}`),
    `log digest ${result.digest}`,
    `run it again with --seed ${result.seed}: the digest is the same, byte for byte`,
  ];
  return lines.join('\n') + '\n';
}
