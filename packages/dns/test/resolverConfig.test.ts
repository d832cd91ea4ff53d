import { describe, expect, it } from 'vitest';
import {
  formatResolvConf,
  parseResolvConf,
  resolverConfig,
  type KubeletDnsOptions,
  type ResolverPod,
} from '../src/index.js';

const HOST = parseResolvConf(
  'nameserver 192.168.0.2\nnameserver 192.168.0.3\nsearch corp.example. lab.example\noptions ndots:2 timeout:1\n',
);
const KUBELET: KubeletDnsOptions = {
  clusterDomain: 'cluster.local',
  clusterDns: ['10.96.0.10'],
  hostResolvConf: HOST,
};
const CLUSTER_SEARCH = ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'];

function pod(spec: ResolverPod['spec'] = {}, namespace = 'shop'): ResolverPod {
  return { metadata: { namespace }, spec };
}

describe('resolverConfig: dnsPolicy', () => {
  it('ClusterFirst (the default): cluster DNS only, cluster search then host search, ndots:5 alone', () => {
    expect(resolverConfig(pod(), KUBELET)).toEqual({
      nameservers: ['10.96.0.10'],
      searches: [...CLUSTER_SEARCH, 'corp.example', 'lab.example'],
      options: ['ndots:5'],
      effectivePolicy: 'ClusterFirst',
      ndots: 5,
      events: [],
    });
  });

  it('uses the pod namespace (default when absent) and drops duplicate search domains', () => {
    const host = { nameservers: [], searches: ['cluster.local', 'corp.example'], options: [] };
    const config = resolverConfig({ metadata: {}, spec: {} }, { ...KUBELET, hostResolvConf: host });
    expect(config.searches).toEqual([
      'default.svc.cluster.local',
      'svc.cluster.local',
      'cluster.local',
      'corp.example',
    ]);
  });

  it('ClusterFirst on a hostNetwork pod is Default; ClusterFirstWithHostNet keeps cluster DNS', () => {
    const hostNet = resolverConfig(pod({ hostNetwork: true }), KUBELET);
    expect(hostNet).toMatchObject({
      effectivePolicy: 'Default',
      nameservers: ['192.168.0.2', '192.168.0.3'],
      searches: ['corp.example', 'lab.example'],
      options: ['ndots:2', 'timeout:1'],
      ndots: 2,
    });
    const withHostNet = resolverConfig(
      pod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }),
      KUBELET,
    );
    expect(withHostNet).toMatchObject({
      effectivePolicy: 'ClusterFirst',
      nameservers: ['10.96.0.10'],
      ndots: 5,
    });
  });

  it('Default: the node resolv.conf as it is (glibc ndots 1 when it sets none)', () => {
    const config = resolverConfig(pod({ dnsPolicy: 'Default' }), {
      ...KUBELET,
      hostResolvConf: { nameservers: ['1.1.1.1'], searches: [], options: [] },
    });
    expect(config).toMatchObject({ nameservers: ['1.1.1.1'], searches: [], options: [], ndots: 1 });
  });

  it('Default with --resolv-conf="": localhost per node family, search "."', () => {
    expect(resolverConfig(pod({ dnsPolicy: 'Default' }), { ...KUBELET, hostResolvConf: null })).toMatchObject(
      {
        nameservers: ['127.0.0.1'],
        searches: ['.'],
      },
    );
    const dual = resolverConfig(pod({ dnsPolicy: 'Default' }), {
      ...KUBELET,
      hostResolvConf: null,
      nodeIpFamilies: ['IPv4', 'IPv6'],
    });
    expect(dual.nameservers).toEqual(['127.0.0.1', '::1']);
  });

  it('None: only what dnsConfig says (the Kubernetes docs example)', () => {
    const config = resolverConfig(
      pod({
        dnsPolicy: 'None',
        dnsConfig: {
          nameservers: ['192.0.2.1'],
          searches: ['ns1.svc.cluster-domain.example', 'my.dns.search.suffix'],
          options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }],
        },
      }),
      KUBELET,
    );
    expect(config).toMatchObject({
      effectivePolicy: 'None',
      nameservers: ['192.0.2.1'],
      searches: ['ns1.svc.cluster-domain.example', 'my.dns.search.suffix'],
      options: ['ndots:2', 'edns0'],
      ndots: 2,
    });
    expect(formatResolvConf(config)).toBe(
      'search ns1.svc.cluster-domain.example my.dns.search.suffix\nnameserver 192.0.2.1\noptions ndots:2 edns0\n',
    );
  });

  it('falls back to Default, with the kubelet event, when there is no cluster DNS', () => {
    const config = resolverConfig(pod(), { ...KUBELET, clusterDns: [] });
    expect(config.effectivePolicy).toBe('Default');
    expect(config.nameservers).toEqual(['192.168.0.2', '192.168.0.3']);
    expect(config.events).toEqual([
      'MissingClusterDNS: kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.',
    ]);
  });

  it('leaves out the cluster search domains when there is no cluster domain', () => {
    expect(resolverConfig(pod(), { ...KUBELET, clusterDomain: '' }).searches).toEqual([
      'corp.example',
      'lab.example',
    ]);
  });
});

describe('resolverConfig: dnsConfig merge and limits', () => {
  it('appends nameservers and searches without duplicates and merges options by name (pod wins)', () => {
    const config = resolverConfig(
      pod({
        dnsConfig: {
          nameservers: ['10.96.0.10', '8.8.8.8'],
          searches: ['svc.cluster.local', 'extra.example'],
          options: [{ name: 'ndots', value: '1' }, { name: 'single-request-reopen' }],
        },
      }),
      KUBELET,
    );
    expect(config.nameservers).toEqual(['10.96.0.10', '8.8.8.8']);
    expect(config.searches).toEqual([...CLUSTER_SEARCH, 'corp.example', 'lab.example', 'extra.example']);
    expect(config.options).toEqual(['ndots:1', 'single-request-reopen']);
    expect(config.ndots).toBe(1);
  });

  it('keeps 3 nameservers and says so', () => {
    const config = resolverConfig(
      pod({ dnsConfig: { nameservers: ['1.1.1.1', '8.8.8.8', '9.9.9.9'] } }),
      KUBELET,
    );
    expect(config.nameservers).toEqual(['10.96.0.10', '1.1.1.1', '8.8.8.8']);
    expect(config.events).toEqual([
      'DNSConfigForming: Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 10.96.0.10 1.1.1.1 8.8.8.8',
    ]);
  });

  it('keeps 32 search domains, drops ones over 253 characters, cuts the line at 2048', () => {
    const many = Array.from({ length: 40 }, (_, i) => `d${i}.example`);
    const config = resolverConfig(pod({ dnsConfig: { searches: many } }), {
      clusterDomain: 'cluster.local',
      clusterDns: ['10.96.0.10'],
    });
    expect(config.searches).toHaveLength(32);
    expect(config.searches.slice(0, 4)).toEqual([...CLUSTER_SEARCH, 'd0.example']);
    expect(config.events[0]).toMatch(/^DNSConfigForming: Search Line limits were exceeded/);

    const long = `${'a'.repeat(62)}.${'b'.repeat(62)}.${'c'.repeat(62)}.${'d'.repeat(62)}.example`;
    expect(long.length).toBeGreaterThan(253);
    expect(resolverConfig(pod({ dnsConfig: { searches: [long] } }), KUBELET).searches).not.toContain(long);

    const wide = Array.from(
      { length: 20 },
      (_, i) => `${String(i).padStart(2, '0')}${'x'.repeat(120)}.example`,
    );
    const cut = resolverConfig(pod({ dnsConfig: { searches: wide } }), KUBELET);
    expect(cut.searches.join(' ').length).toBeLessThanOrEqual(2048);
    expect(cut.searches.slice(0, 3)).toEqual(CLUSTER_SEARCH);
    expect(cut.events).toHaveLength(1);
  });

  it('reads ndots as glibc: last one wins, capped at 15, garbage is 0', () => {
    const ndots = (value: string): number =>
      resolverConfig(pod({ dnsConfig: { options: [{ name: 'ndots', value }] } }), KUBELET).ndots;
    expect(ndots('20')).toBe(15);
    expect(ndots('x')).toBe(0);
    expect(ndots('3')).toBe(3);
  });
});

describe('resolv.conf text', () => {
  it('parses as the kubelet: nameservers accumulate, last search and options win, comments skipped', () => {
    expect(
      parseResolvConf(
        '# generated\nnameserver 1.1.1.1\nsearch a.example\nsearch b.example. c.example\nnameserver 8.8.8.8\noptions edns0\n',
      ),
    ).toEqual({
      nameservers: ['1.1.1.1', '8.8.8.8'],
      searches: ['b.example', 'c.example'],
      options: ['edns0'],
    });
  });

  it('round-trips through formatResolvConf', () => {
    const config = resolverConfig(pod(), KUBELET);
    expect(parseResolvConf(formatResolvConf(config))).toEqual({
      nameservers: config.nameservers,
      searches: config.searches,
      options: config.options,
    });
  });
});
