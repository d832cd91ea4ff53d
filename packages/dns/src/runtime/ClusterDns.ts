import type { EndpointSlice, Pod, Protocol, Service } from '@knsim/api';
import { dnsServiceIp, podObject, type Cluster, type ClusterState } from '@knsim/control-plane';
import { answerQuery } from '../answerQuery.js';
import { clusterDnsViewFromObjects } from '../ClusterDnsView.js';
import type { DnsQueryType, DnsRecordType, DnsResponse } from '../DnsMessage.js';
import { buildDnsZone, type DnsZone } from '../DnsZone.js';
import { resolveName, type ResolveResult } from '../resolveName.js';
import { resolverConfig, type PodResolverConfig } from '../resolverConfig.js';
import { staticUpstream } from '../staticUpstream.js';
import type { Upstream } from '../answerQuery.js';

/** How a pod's query reaches a nameserver: the data plane's verdict for one UDP packet. */
export type NameserverReach = (
  pod: string,
  nameserver: string,
  port: number,
  protocol: Protocol,
) => 'connected' | 'refused' | 'dropped' | 'timeout' | 'denied';

/**
 * Cluster DNS in a simulated cluster: CoreDNS's answers computed from the cluster state (the
 * kubernetes plugin, then the configured upstream), and each pod's resolver, whose queries go
 * through the data plane to the kube-dns Service, so a CoreDNS outage or a NetworkPolicy that
 * blocks port 53 makes resolution fail as it would in a cluster.
 *
 * Deviation: CoreDNS answers from the current state, without its own watch delay.
 */
export class ClusterDns {
  readonly cluster: Cluster;
  readonly #reach: NameserverReach | undefined;
  readonly #upstream: Upstream;
  #zone: { state: ClusterState; zone: DnsZone } | undefined;

  constructor(cluster: Cluster, options: { reach?: NameserverReach } = {}) {
    this.cluster = cluster;
    this.#reach = options.reach;
    const upstream = cluster.config.dns.upstream;
    this.#upstream = staticUpstream({
      records: upstream.records.map((r) => ({
        name: r.name,
        type: r.type as DnsRecordType,
        data: r.data,
        ...(r.ttl === undefined ? {} : { ttl: r.ttl }),
      })),
      servfail: upstream.servfail,
    });
  }

  /**
   * While true, CoreDNS does not answer: every query a pod sends times out (the pods still look
   * alive to their probes, as with an overloaded or wedged CoreDNS). A scenario's `dnsOutage`.
   */
  outage = false;

  /** The kube-dns Service address. */
  get nameserver(): string {
    return dnsServiceIp(this.cluster.config.serviceCIDR);
  }

  /** The zone CoreDNS serves now (rebuilt when the cluster state changes). */
  zone(): DnsZone {
    const state = this.cluster.state;
    if (this.#zone?.state !== state) {
      const services: Service[] = [...state.services.values()].map((record) => record.service);
      const endpointSlices: EndpointSlice[] = [...state.endpointSlices.values()];
      const pods: Pod[] = [...state.pods.values()].map(podObject);
      const nameservers: string[] = [];
      for (const slice of endpointSlices) {
        if (
          slice.metadata.namespace !== 'kube-system' ||
          slice.metadata.labels?.['kubernetes.io/service-name'] !== 'kube-dns'
        )
          continue;
        for (const endpoint of slice.endpoints ?? [])
          if (endpoint.conditions?.ready === true) nameservers.push(...endpoint.addresses);
      }
      const view = clusterDnsViewFromObjects({
        services,
        endpointSlices,
        pods,
        namespaces: [...state.namespaces.keys()],
      });
      const dns = this.cluster.config.dns;
      const zone = buildDnsZone(view, {
        zone: this.cluster.config.clusterDomain,
        ttl: dns.ttl,
        podsMode: dns.pods,
        nameserverIPs: nameservers,
      });
      this.#zone = { state, zone };
    }
    return this.#zone.zone;
  }

  /** One query answered by CoreDNS (no resolver, no network). */
  query(name: string, type: DnsQueryType): DnsResponse {
    return answerQuery(this.zone(), { name, type }, { upstream: this.#upstream });
  }

  /** The resolver configuration the kubelet writes for a pod. */
  resolverFor(podKey: string): PodResolverConfig {
    const pod = this.cluster.state.pods.get(podKey);
    if (pod === undefined) throw new RangeError(`no pod ${podKey}`);
    return resolverConfig(podObject(pod), {
      clusterDomain: this.cluster.config.clusterDomain,
      clusterDns: [this.nameserver],
    });
  }

  /**
   * Resolves `name` as the pod's resolver would: search list and ndots, every query sent over
   * UDP to the pod's nameservers through the data plane (when a `reach` function was given).
   */
  resolve(
    podKey: string,
    name: string,
    type: DnsQueryType,
  ): ResolveResult & { readonly resolver: PodResolverConfig } {
    const resolver = this.resolverFor(podKey);
    const result = resolveName(name, type, resolver, (fqdn, queryType) => {
      const nameserver = resolver.nameservers[0];
      if (nameserver === undefined) return 'timeout';
      if (this.#reach !== undefined) {
        const reached = this.#reach(podKey, nameserver, 53, 'UDP');
        if (reached === 'refused') return 'connection-refused';
        if (reached !== 'connected') return 'timeout';
      }
      if (this.outage) return 'timeout';
      return this.query(fqdn, queryType);
    });
    return { ...result, resolver };
  }
}
