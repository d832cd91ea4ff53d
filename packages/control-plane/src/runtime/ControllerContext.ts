import { filter, type Observable } from 'rxjs';
import { sampleDuration, type Duration, type DurationDistribution, type LoggedEvent, type RandomStream, type Simulation } from '@knsim/core';
import type { ClusterConfig, Timings } from '../config/ClusterConfig.js';
import type { ClusterEvent, ClusterEventOf, ClusterEventType } from '../state/ClusterEvent.js';
import type { ClusterState } from '../state/ClusterState.js';
import type { Activity } from './Activity.js';
import type { ClusterIndex } from './ClusterIndex.js';

type DistributionTiming = { [K in keyof Timings]: Timings[K] extends DurationDistribution ? K : never }[keyof Timings];

/** What every controller and node agent works with. */
export class ControllerContext {
  constructor(
    readonly sim: Simulation<ClusterState, ClusterEvent>,
    readonly index: ClusterIndex,
    readonly activity: Activity,
    readonly config: ClusterConfig,
  ) {}

  get scheduler() {
    return this.sim.scheduler;
  }

  get now(): number {
    return this.sim.now;
  }

  state(): ClusterState {
    return this.sim.state;
  }

  rng(name: string): RandomStream {
    return this.sim.rng(name);
  }

  /** A delay drawn from one of the configured timing distributions, on its own stream. */
  delay(timing: DistributionTiming, stream: string = timing): Duration {
    return sampleDuration(this.config.timings[timing], this.sim.rng(`timing/${stream}`));
  }

  /** The events of the given types. */
  on<T extends ClusterEventType>(...types: T[]): Observable<LoggedEvent<ClusterEventOf<T>>> {
    const wanted = new Set<string>(types);
    return this.sim.events$.pipe(filter((event): event is LoggedEvent<ClusterEventOf<T>> => wanted.has(event.type)));
  }

  /** A fresh UID (RFC 4122 version 4 layout, from the seeded `uids` stream). */
  uid(): string {
    const rng = this.sim.rng('uids');
    const hex = (n: number) => Array.from({ length: n }, () => rng.int(0, 15).toString(16)).join('');
    return `${hex(8)}-${hex(4)}-4${hex(3)}-${(8 + rng.int(0, 3)).toString(16)}${hex(3)}-${hex(12)}`;
  }
}
