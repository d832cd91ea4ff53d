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
 * An rxjs operator for a controller's work queue: each key is emitted once after `delay()`,
 * and a key already waiting is not queued again (like client-go's workqueue de-duplication).
 */
export function workQueue(delay: () => Duration, scheduler: SchedulerLike, activity: Activity) {
  return (source: Observable<string>): Observable<string> =>
    new Observable<string>((subscriber) => {
      const waiting = new Map<string, { unsubscribe(): void }>();
      const subscription = source.subscribe({
        next: (key) => {
          if (waiting.has(key)) return;
          activity.begin();
          waiting.set(
            key,
            scheduler.schedule(() => {
              waiting.delete(key);
              activity.end();
              subscriber.next(key);
            }, delay()),
          );
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        subscription.unsubscribe();
        for (const action of waiting.values()) {
          action.unsubscribe();
          activity.end();
        }
        waiting.clear();
      };
    });
}
