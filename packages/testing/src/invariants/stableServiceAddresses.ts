import type { Service } from '@knsim/api';
import { formatDuration, type Instant, type LoggedEvent } from '@knsim/core';
import type { ClusterEvent, ClusterState } from '@knsim/control-plane';
import { checkDnsMatchesState, type DnsAnswerer } from './dnsMatchesState.js';
import type { Violation } from './Violation.js';

function addresses(service: Service): string {
  const ips =
    service.spec.clusterIPs ?? (service.spec.clusterIP === undefined ? [] : [service.spec.clusterIP]);
  return ips.join(',') || '(none)';
}

/**
 * Follows a cluster's log and checks that each Service keeps, by uid, the ClusterIP(s) it was
 * created with for its whole life (`stableServiceAddresses`). Feed it the log's events in order,
 * all at once or in slices ({@link ServiceAddressTracker.observe} remembers where it stopped).
 *
 * @example
 * ```ts
 * const tracker = new ServiceAddressTracker();
 * tracker.observe(run.cluster.sim.log.events); // [] when no ClusterIP ever changed
 * ```
 */
export class ServiceAddressTracker {
  readonly #first = new Map<string, { key: string; addresses: string; at: Instant }>(); // by uid
  readonly #uidOf = new Map<string, string>(); // Service key -> uid of the live object
  #seen = 0;

  /** Checks the events after those already seen; returns the violations they contain. */
  observe(
    events: readonly LoggedEvent<ClusterEvent>[] | readonly LoggedEvent<{ type: string }>[],
  ): Violation[] {
    const violations: Violation[] = [];
    for (; this.#seen < events.length; this.#seen++) {
      const event = events[this.#seen] as LoggedEvent<ClusterEvent>;
      if (event.type === 'ServiceCreated') {
        const key = `${event.service.metadata.namespace ?? 'default'}/${event.service.metadata.name ?? ''}`;
        this.#uidOf.set(key, event.uid);
        this.#judge(event.uid, key, event.service, event.at, violations);
      } else if (event.type === 'ServiceUpdated') {
        const key = `${event.service.metadata.namespace ?? 'default'}/${event.service.metadata.name ?? ''}`;
        const uid = event.service.metadata.uid ?? this.#uidOf.get(key);
        if (uid === undefined) {
          violations.push({
            invariant: 'stableServiceAddresses',
            at: event.at,
            message: `Service ${key} was updated (event ${event.seq}) but never created`,
          });
          continue;
        }
        this.#judge(uid, key, event.service, event.at, violations);
      } else if (event.type === 'ServiceDeleted') {
        this.#uidOf.delete(event.key);
      }
    }
    return violations;
  }

  #judge(uid: string, key: string, service: Service, at: Instant, violations: Violation[]): void {
    const now = addresses(service);
    const first = this.#first.get(uid);
    if (first === undefined) this.#first.set(uid, { key, addresses: now, at });
    else if (first.addresses !== now)
      violations.push({
        invariant: 'stableServiceAddresses',
        at,
        message: `Service ${key} (uid ${uid}) changed its ClusterIP from ${first.addresses} (since ${formatDuration(first.at)}) to ${now}`,
      });
  }
}

/**
 * The `stableServiceAddresses` invariant on one state, DNS side: every (non-headless) ClusterIP
 * Service's DNS name answers its ClusterIP. The life-long part (ClusterIPs by uid) is
 * {@link ServiceAddressTracker}, which reads the log.
 *
 * @example
 * ```ts
 * checkServiceDnsAddresses(run.cluster.state, run.dns, run.cluster.config.clusterDomain, run.cluster.now); // []
 * ```
 */
export function checkServiceDnsAddresses(
  state: ClusterState,
  dns: DnsAnswerer,
  clusterDomain: string,
  at: Instant,
): Violation[] {
  return checkDnsMatchesState(state, dns, clusterDomain, at, 'stableServiceAddresses', 'clusterIP');
}
