import { Observable, type SchedulerLike } from 'rxjs';
import type { Duration } from '@knsim/core';

/**
 * Counts work in flight: controller queue items and kubelet steps that will change the cluster
 * when they fire. The cluster has converged when nothing is in flight. Background timers
 * (periodic probes of healthy pods) are not counted.
 */
export class Activity {
  #pending = 0;

  get pending(): number {
    return this.#pending;
  }

  begin(): void {
    this.#pending++;
  }

  end(): void {
    this.#pending--;
  }

  /**
   * Emits once after `delay` of virtual time, counted as pending work until then (or until
   * unsubscribed).
   */
  later(delay: Duration, scheduler: SchedulerLike): Observable<void> {
    return new Observable<void>((subscriber) => {
      let done = false;
      this.begin();
      const action = scheduler.schedule(() => {
        done = true;
        this.end();
        subscriber.next();
        subscriber.complete();
      }, delay);
      return () => {
        if (!done) {
          done = true;
          this.end();
        }
        action.unsubscribe();
      };
    });
  }
}

/**
 * An rxjs operator for a controller's work queue, as client-go's: keys wait in FIFO order, a key
 * already waiting is not queued twice, and `workers` keys are processed at a time, each taking
 * `syncTime()` of virtual time (informer latency, the sync and its API calls). A key is emitted
 * when its sync completes; one re-added while it is being processed waits for the next round.
 * A busy controller therefore coalesces bursts of changes, as real ones do at scale.
 */
export function workQueue(
  syncTime: () => Duration,
  scheduler: SchedulerLike,
  activity: Activity,
  workers = 1,
) {
  return (source: Observable<string>): Observable<string> =>
    new Observable<string>((subscriber) => {
      const waiting = new Set<string>();
      let queue: string[] = [];
      let head = 0;
      let busy = 0;
      const inFlight = new Set<{ unsubscribe(): void }>();
      const pump = (): void => {
        while (busy < workers && head < queue.length) {
          const key = queue[head++] as string;
          if (head > 1024 && head * 2 > queue.length) {
            queue = queue.slice(head);
            head = 0;
          }
          waiting.delete(key);
          busy++;
          const action = scheduler.schedule(() => {
            inFlight.delete(action);
            busy--;
            activity.end();
            subscriber.next(key);
            pump();
          }, syncTime());
          inFlight.add(action);
        }
      };
      const subscription = source.subscribe({
        next: (key) => {
          if (waiting.has(key)) return;
          waiting.add(key);
          queue.push(key);
          activity.begin();
          pump();
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        subscription.unsubscribe();
        for (const action of inFlight) {
          action.unsubscribe();
          activity.end();
        }
        for (let i = head; i < queue.length; i++) activity.end();
        inFlight.clear();
        queue = [];
      };
    });
}
