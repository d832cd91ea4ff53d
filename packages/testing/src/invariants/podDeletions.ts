import type { Instant, LoggedEvent } from '@knsim/core';
import type { ClusterEvent } from '@knsim/control-plane';

/**
 * When each pod was deleted (removed from the API server), by uid and by `namespace/name`,
 * learnt from the log. Feed it the log's events in order, all at once or in slices.
 *
 * @example
 * ```ts
 * const deletions = new PodDeletions();
 * deletions.observe(run.cluster.sim.log.events);
 * deletions.deletedAt({ key: 'demo/web-1', uid: undefined }); // the instant, or undefined
 * ```
 */
export class PodDeletions {
  readonly #uidOf = new Map<string, string>();
  readonly #byUid = new Map<string, Instant>();
  readonly #byKey = new Map<string, Instant>();
  #seen = 0;

  observe(events: readonly LoggedEvent<ClusterEvent>[] | readonly LoggedEvent<{ type: string }>[]): void {
    for (; this.#seen < events.length; this.#seen++) {
      const event = events[this.#seen] as LoggedEvent<ClusterEvent>;
      if (event.type === 'PodCreated') {
        this.#uidOf.set(event.pod.key, event.pod.uid);
        this.#byKey.delete(event.pod.key);
      } else if (event.type === 'PodDeleted') {
        const uid = this.#uidOf.get(event.pod);
        if (uid !== undefined) this.#byUid.set(uid, event.at);
        this.#byKey.set(event.pod, event.at);
        this.#uidOf.delete(event.pod);
      }
    }
  }

  /**
   * When the pod was deleted: by uid when known (a StatefulSet pod recreated under the same name
   * is another pod), else by name (only while no pod of that name was created since).
   */
  deletedAt(pod: { readonly key: string; readonly uid: string | undefined }): Instant | undefined {
    if (pod.uid !== undefined) return this.#byUid.get(pod.uid);
    return this.#byKey.get(pod.key);
  }
}
