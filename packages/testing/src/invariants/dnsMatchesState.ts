import type { Service } from '@knsim/api';
import type { Instant } from '@knsim/core';
import type { ClusterState } from '@knsim/control-plane';
import type { ClusterDns } from '@knsim/dns';
import { readyAddresses, slicesOfService } from './serviceSlices.js';
import type { InvariantName, Violation } from './Violation.js';

/** Something that answers DNS queries as CoreDNS does: a `ClusterDns`, or a fake in tests. */
export type DnsAnswerer = Pick<ClusterDns, 'query'>;

/** The IPv4 ClusterIPs of a Service (none for headless and ExternalName Services). */
export function clusterIPv4s(service: Service): string[] {
  if (service.spec.type === 'ExternalName') return [];
  const ips =
    service.spec.clusterIPs ?? (service.spec.clusterIP === undefined ? [] : [service.spec.clusterIP]);
  return ips.filter((ip) => ip !== '' && ip !== 'None' && !ip.includes(':')).sort();
}

/** The fully qualified DNS name of a Service: `name.namespace.svc.<domain>.`. */
export function serviceDnsName(service: Service, clusterDomain: string): string {
  return `${service.metadata.name ?? ''}.${service.metadata.namespace ?? 'default'}.svc.${clusterDomain.replace(/\.$/, '')}.`;
}

function normalizeName(name: string): string {
  return (name.endsWith('.') ? name : `${name}.`).toLowerCase();
}

/**
 * What cluster DNS must answer for one Service's name (type A), from the state alone: the
 * ClusterIP(s) of a ClusterIP Service, the ready endpoint addresses of a headless one, a CNAME to
 * the external name of an ExternalName Service. Returns a description of the mismatch, or
 * undefined when DNS agrees.
 */
function mismatch(
  state: ClusterState,
  dns: DnsAnswerer,
  clusterDomain: string,
  key: string,
  service: Service,
  only: 'clusterIP' | 'all',
): string | undefined {
  const name = serviceDnsName(service, clusterDomain);
  if (service.spec.type === 'ExternalName') {
    if (only === 'clusterIP' || service.spec.externalName === undefined) return undefined;
    // The CNAME itself: an A query chases it, and CoreDNS drops the CNAME when an in-zone target
    // has no address (a deleted Service, say), which is no mismatch with the state.
    const response = dns.query(name, 'CNAME');
    const cname = response.answer.find((record) => record.type === 'CNAME');
    const wanted = normalizeName(service.spec.externalName);
    if (cname === undefined || normalizeName(cname.data) !== wanted)
      return `${name} (ExternalName ${key}) answers ${response.rcode} ${describe(response.answer)}, expected CNAME ${wanted}`;
    return undefined;
  }
  const headless = service.spec.clusterIP === 'None';
  if (headless && only === 'clusterIP') return undefined;
  const wanted = headless ? readyAddresses(slicesOfService(state, key)) : clusterIPv4s(service);
  if (!headless && wanted.length === 0) return undefined; // an IPv6-only Service: no A record
  const response = dns.query(name, 'A');
  const got = [
    ...new Set(response.answer.filter((record) => record.type === 'A').map((record) => record.data)),
  ].sort();
  if (got.length === wanted.length && got.every((ip, i) => ip === wanted[i])) return undefined;
  const what = headless ? `headless ${key}: ready endpoints` : `${key}: ClusterIP`;
  return `${name} answers ${response.rcode} ${got.join(', ') || '(no A record)'}, expected ${what} ${wanted.join(', ') || '(none)'}`;
}

function describe(records: readonly { type: string; data: string }[]): string {
  return records.length === 0 ? '(no answer)' : records.map((r) => `${r.type} ${r.data}`).join(', ');
}

/**
 * The `dnsMatchesState` invariant: cluster DNS answers every Service's name as the state says
 * (A = the ClusterIP; headless = the ready endpoint IPs, none when no endpoint is ready;
 * ExternalName = a CNAME to the external name). `dns.query` answers from the state without
 * touching the run (no random draws, no counters), so probing it changes nothing.
 *
 * @example
 * ```ts
 * checkDnsMatchesState(run.cluster.state, run.dns, run.cluster.config.clusterDomain, run.cluster.now); // []
 * ```
 */
export function checkDnsMatchesState(
  state: ClusterState,
  dns: DnsAnswerer,
  clusterDomain: string,
  at: Instant,
  invariant: InvariantName = 'dnsMatchesState',
  only: 'clusterIP' | 'all' = 'all',
): Violation[] {
  const violations: Violation[] = [];
  for (const [key, record] of state.services.sortedEntries()) {
    const message = mismatch(state, dns, clusterDomain, key, record.service, only);
    if (message !== undefined) violations.push({ invariant, at, message });
  }
  return violations;
}
