import { filter, type Observable } from 'rxjs';
import {
  sampleDuration,
  type Duration,
  type DurationDistribution,
  type LoggedEvent,
  type RandomStream,
  type Simulation,
} from '@knsim/core';
import type { ClusterConfig, Timings } from '../config/ClusterConfig.js';
import type { ClusterEvent, ClusterEventOf, ClusterEventType } from '../state/ClusterEvent.js';
import type { ClusterState } from '../state/ClusterState.js';
import type { Activity } from './Activity.js';
import type { ClusterIndex } from './ClusterIndex.js';

type DistributionTiming = {
  [K in keyof Timings]: Timings[K] extends DurationDistribution ? K : never;
}[keyof Timings];

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

  /**
   * Runs `decide` after `delay` of virtual time and emits the events it returns (caused by the
   * event being dispatched now). Counted as work in flight until it runs. Timers are plain kernel
   * callbacks, not rxjs subscriptions: tens of thousands can be pending at once at no extra cost.
   */
  later(delay: Duration, decide: () => readonly ClusterEvent[] | undefined): void {
    const cause = this.sim.currentCause;
    this.activity.begin();
    this.sim.after(delay, () => {
      this.activity.end();
      const events = decide();
      if (events !== undefined) for (const event of events) this.sim.emit(event, cause);
    });
  }

  /** The events of the given types. */
  on<T extends ClusterEventType>(...types: T[]): Observable<LoggedEvent<ClusterEventOf<T>>> {
    const wanted = new Set<string>(types);
    return this.sim.events$.pipe(
      filter((event): event is LoggedEvent<ClusterEventOf<T>> => wanted.has(event.type)),
    );
  }

  /** A fresh UID (RFC 4122 version 4 layout, from the seeded `uids` stream). */
  uid(): string {
    const rng = this.sim.rng('uids');
    const word = (): string =>
      Math.floor(rng.next() * 0x1_0000_0000)
        .toString(16)
        .padStart(8, '0');
    const [a, b, c, d] = [word(), word(), word(), word()];
    const variant = (8 + (parseInt(c.slice(0, 1), 16) & 3)).toString(16);
    return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`;
  }
}
