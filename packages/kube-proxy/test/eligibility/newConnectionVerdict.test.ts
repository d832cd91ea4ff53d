import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Service } from '@knsim/api';
import {
  categorizeEndpoints,
  localTrafficDetector,
  masqueradeDecision,
  newConnectionVerdict,
  servicePortInfo,
  sourceAllowedToLoadBalancer,
  type ConnectionSource,
  type LocalTrafficDetector,
  type ProxyEndpoint,
  type ServiceDestination,
} from '../../src/eligibility/index.js';

const SEED = 9127;
const NODE = 'node-1';

function ep(ip: string, extra: Partial<ProxyEndpoint> = {}): ProxyEndpoint {
  return {
    endpoint: `${ip}:8080`,
    ip,
    port: 8080,
    ready: true,
    serving: true,
    terminating: false,
    isLocal: false,
    zoneHints: [],
    nodeHints: [],
    nodeName: 'node-2',
    zone: '',
    ...extra,
  };
}

const localEp = (ip: string, extra: Partial<ProxyEndpoint> = {}) =>
  ep(ip, { isLocal: true, nodeName: NODE, ...extra });
const notReady = { ready: false, serving: false, terminating: false } as const;

function svc(spec: Partial<Service['spec']>, status?: Service['status']): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { clusterIP: '10.96.0.20', ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }], ...spec },
    ...(status === undefined ? {} : { status }),
  };
}

const nodePortSvc = (extra: Partial<Service['spec']> = {}) =>
  svc({
    type: 'NodePort',
    ports: [{ port: 80, protocol: 'TCP', targetPort: 8080, nodePort: 30080 }],
    ...extra,
  });

const lbSvc = (extra: Partial<Service['spec']> = {}, ipMode: 'VIP' | 'Proxy' = 'VIP') =>
  svc(
    {
      type: 'LoadBalancer',
      ports: [{ port: 80, protocol: 'TCP', targetPort: 8080, nodePort: 30080 }],
      ...extra,
    },
    { loadBalancer: { ingress: [{ ip: '198.51.100.10', ipMode }] } },
  );

const detector = localTrafficDetector({ clusterCIDR: '10.244.0.0/16' });
const noDetector = localTrafficDetector({});
const nodeCidrDetector = localTrafficDetector(
  { detectLocalMode: 'NodeCIDR' },
  { podCIDRs: ['10.244.1.0/24'] },
);

const localPod: ConnectionSource = { kind: 'pod', ip: '10.244.1.7', onThisNode: true };
const remotePod: ConnectionSource = { kind: 'pod', ip: '10.244.2.7', onThisNode: false };
const thisNode: ConnectionSource = { kind: 'node', ip: '192.168.0.11' };
const outside: ConnectionSource = { kind: 'external', ip: '203.0.113.9' };

function verdict(
  service: Service,
  endpoints: readonly ProxyEndpoint[],
  destination: ServiceDestination,
  source: ConnectionSource,
  localDetector: LocalTrafficDetector = detector,
) {
  const info = servicePortInfo(service, service.spec.ports![0]!);
  const categorized = categorizeEndpoints(endpoints, { nodeName: NODE, ...info });
  return newConnectionVerdict({ servicePort: info, categorized, destination, source, localDetector });
}

const summary = (v: ReturnType<typeof verdict>) =>
  v.outcome === 'forward'
    ? `forward ${v.endpointSet} (${v.reason}) ${v.endpoints.map((e) => e.ip).join(',')}`
    : `${v.outcome} (${v.reason})`;

describe('newConnectionVerdict', () => {
  const remote = ep('10.244.2.5');
  const mine = localEp('10.244.1.5');

  interface VerdictCase {
    readonly name: string;
    readonly service: Service;
    readonly endpoints: readonly ProxyEndpoint[];
    readonly to: ServiceDestination;
    readonly from: ConnectionSource;
    readonly detector?: LocalTrafficDetector;
    readonly expected: string;
  }

  const cases: readonly VerdictCase[] = [
    {
      name: 'ClusterIP with endpoints',
      service: svc({}),
      endpoints: [mine, remote],
      to: 'clusterIP',
      from: localPod,
      expected: 'forward cluster (cluster-traffic-policy) 10.244.1.5,10.244.2.5',
    },
    {
      name: 'ClusterIP without endpoints: reject',
      service: svc({}),
      endpoints: [],
      to: 'clusterIP',
      from: localPod,
      expected: 'reject (no-endpoints)',
    },
    {
      name: 'ClusterIP with only not-serving endpoints: reject',
      service: svc({}),
      endpoints: [ep('10.244.2.5', notReady)],
      to: 'clusterIP',
      from: localPod,
      expected: 'reject (no-endpoints)',
    },
    {
      name: 'ClusterIP, all terminating but serving: forward to them',
      service: svc({}),
      endpoints: [ep('10.244.2.5', { ready: false, terminating: true })],
      to: 'clusterIP',
      from: localPod,
      expected: 'forward cluster (cluster-traffic-policy) 10.244.2.5',
    },
    {
      name: 'internalTrafficPolicy Local with a local endpoint',
      service: svc({ internalTrafficPolicy: 'Local' }),
      endpoints: [mine, remote],
      to: 'clusterIP',
      from: localPod,
      expected: 'forward local (internal-traffic-policy-local) 10.244.1.5',
    },
    {
      name: 'internalTrafficPolicy Local, endpoints only elsewhere: drop',
      service: svc({ internalTrafficPolicy: 'Local' }),
      endpoints: [remote],
      to: 'clusterIP',
      from: localPod,
      expected: 'drop (no-local-endpoints)',
    },
    {
      name: 'internalTrafficPolicy Local, no endpoints anywhere: reject',
      service: svc({ internalTrafficPolicy: 'Local' }),
      endpoints: [],
      to: 'clusterIP',
      from: thisNode,
      expected: 'reject (no-endpoints)',
    },
    {
      name: 'NodePort, Cluster policy, from outside',
      service: nodePortSvc(),
      endpoints: [mine, remote],
      to: 'nodePort',
      from: outside,
      expected: 'forward cluster (cluster-traffic-policy) 10.244.1.5,10.244.2.5',
    },
    {
      name: 'NodePort without endpoints: reject',
      service: nodePortSvc(),
      endpoints: [],
      to: 'nodePort',
      from: outside,
      expected: 'reject (no-endpoints)',
    },
    {
      name: 'NodePort, Local policy, local endpoint',
      service: nodePortSvc({ externalTrafficPolicy: 'Local' }),
      endpoints: [mine, remote],
      to: 'nodePort',
      from: outside,
      expected: 'forward local (external-traffic-policy-local) 10.244.1.5',
    },
    {
      name: 'NodePort, Local policy, no local endpoint: drop',
      service: nodePortSvc({ externalTrafficPolicy: 'Local' }),
      endpoints: [remote],
      to: 'nodePort',
      from: outside,
      expected: 'drop (no-local-endpoints)',
    },
    {
      name: 'NodePort, Local policy, local endpoint only terminating: fallback',
      service: nodePortSvc({ externalTrafficPolicy: 'Local' }),
      endpoints: [localEp('10.244.1.5', { ready: false, terminating: true }), remote],
      to: 'nodePort',
      from: outside,
      expected: 'forward local (external-traffic-policy-local) 10.244.1.5',
    },
    {
      name: 'LB, Local policy, from a pod: Cluster semantics',
      service: lbSvc({ externalTrafficPolicy: 'Local' }),
      endpoints: [remote],
      to: 'loadBalancer',
      from: localPod,
      expected: 'forward cluster (pod-short-circuit) 10.244.2.5',
    },
    {
      name: 'LB, Local policy, from a pod on another node (ClusterCIDR): Cluster semantics',
      service: lbSvc({ externalTrafficPolicy: 'Local' }),
      endpoints: [remote],
      to: 'loadBalancer',
      from: remotePod,
      expected: 'forward cluster (pod-short-circuit) 10.244.2.5',
    },
    {
      name: 'LB, Local policy, from a pod on another node (NodeCIDR): treated as external',
      service: lbSvc({ externalTrafficPolicy: 'Local' }),
      endpoints: [remote],
      to: 'loadBalancer',
      from: remotePod,
      detector: nodeCidrDetector,
      expected: 'drop (no-local-endpoints)',
    },
    {
      name: 'LB, Local policy, from the node itself: Cluster semantics',
      service: lbSvc({ externalTrafficPolicy: 'Local' }),
      endpoints: [remote],
      to: 'loadBalancer',
      from: thisNode,
      expected: 'forward cluster (node-short-circuit) 10.244.2.5',
    },
    {
      name: 'LB, Local policy, no detector: a pod is treated as external',
      service: lbSvc({ externalTrafficPolicy: 'Local' }),
      endpoints: [remote],
      to: 'loadBalancer',
      from: localPod,
      detector: noDetector,
      expected: 'drop (no-local-endpoints)',
    },
    {
      name: 'LB, Local policy, from outside, no local endpoint: drop',
      service: lbSvc({ externalTrafficPolicy: 'Local' }),
      endpoints: [remote],
      to: 'loadBalancer',
      from: outside,
      expected: 'drop (no-local-endpoints)',
    },
    {
      name: 'LB without endpoints, even from a pod: reject',
      service: lbSvc({ externalTrafficPolicy: 'Local' }),
      endpoints: [],
      to: 'loadBalancer',
      from: localPod,
      expected: 'reject (no-endpoints)',
    },
    {
      name: 'external IP, Local policy, from outside with a local endpoint',
      service: svc({ externalIPs: ['192.0.2.7'], externalTrafficPolicy: 'Local' }),
      endpoints: [mine, remote],
      to: 'externalIP',
      from: outside,
      expected: 'forward local (external-traffic-policy-local) 10.244.1.5',
    },
    {
      name: 'external IP, Local policy, from a pod',
      service: svc({ externalIPs: ['192.0.2.7'], externalTrafficPolicy: 'Local' }),
      endpoints: [remote],
      to: 'externalIP',
      from: localPod,
      expected: 'forward cluster (pod-short-circuit) 10.244.2.5',
    },
    {
      name: 'internal Local does not restrict NodePort traffic',
      service: nodePortSvc({ internalTrafficPolicy: 'Local' }),
      endpoints: [remote],
      to: 'nodePort',
      from: outside,
      expected: 'forward cluster (cluster-traffic-policy) 10.244.2.5',
    },
    {
      name: 'internal Local and NodePort: ClusterIP still dropped',
      service: nodePortSvc({ internalTrafficPolicy: 'Local' }),
      endpoints: [remote],
      to: 'clusterIP',
      from: localPod,
      expected: 'drop (no-local-endpoints)',
    },
    {
      name: 'headless Service: not proxied',
      service: svc({ clusterIP: 'None' }),
      endpoints: [remote],
      to: 'clusterIP',
      from: localPod,
      expected: 'not-proxied (service-not-proxied)',
    },
    {
      name: 'ExternalName Service: not proxied',
      service: svc({ type: 'ExternalName', externalName: 'db.example.com', clusterIP: '' }),
      endpoints: [],
      to: 'clusterIP',
      from: localPod,
      expected: 'not-proxied (service-not-proxied)',
    },
    {
      name: 'NodePort destination on a ClusterIP Service',
      service: svc({}),
      endpoints: [remote],
      to: 'nodePort',
      from: outside,
      expected: 'not-proxied (no-node-port)',
    },
    {
      name: 'LB ingress in Proxy mode is not captured',
      service: lbSvc({}, 'Proxy'),
      endpoints: [remote],
      to: 'loadBalancer',
      from: outside,
      expected: 'not-proxied (no-load-balancer-vip)',
    },
    {
      name: 'external IP destination without external IPs',
      service: svc({}),
      endpoints: [remote],
      to: 'externalIP',
      from: outside,
      expected: 'not-proxied (no-external-ip)',
    },
    {
      name: 'not proxied wins over no endpoints',
      service: svc({ clusterIP: 'None' }),
      endpoints: [],
      to: 'clusterIP',
      from: localPod,
      expected: 'not-proxied (service-not-proxied)',
    },
  ];

  it.each(cases)('$name', (c) => {
    expect(summary(verdict(c.service, c.endpoints, c.to, c.from, c.detector ?? detector))).toBe(c.expected);
  });

  describe('loadBalancerSourceRanges', () => {
    const ranged = lbSvc({ loadBalancerSourceRanges: ['203.0.113.0/24', 'fd00::/8'] });

    it('lets sources inside the ranges through and drops the rest, pods included', () => {
      expect(summary(verdict(ranged, [remote], 'loadBalancer', outside))).toBe(
        'forward cluster (cluster-traffic-policy) 10.244.2.5',
      );
      expect(summary(verdict(ranged, [remote], 'loadBalancer', { kind: 'external', ip: '192.0.2.1' }))).toBe(
        'drop (source-range)',
      );
      expect(summary(verdict(ranged, [remote], 'loadBalancer', localPod))).toBe('drop (source-range)');
    });

    it('does not apply to the NodePort of the same Service', () => {
      expect(summary(verdict(ranged, [remote], 'nodePort', { kind: 'external', ip: '192.0.2.1' }))).toBe(
        'forward cluster (cluster-traffic-policy) 10.244.2.5',
      );
    });

    it('rejects rather than drops when there are no endpoints', () => {
      expect(summary(verdict(ranged, [], 'loadBalancer', { kind: 'external', ip: '192.0.2.1' }))).toBe(
        'reject (no-endpoints)',
      );
    });

    it('reads a /0 range as "allow everyone"', () => {
      const info = servicePortInfo(lbSvc({ loadBalancerSourceRanges: ['203.0.113.0/24', '0.0.0.0/0'] }), {
        port: 80,
        nodePort: 30080,
      });
      expect(info.loadBalancerSourceRanges).toEqual([]);
      expect(sourceAllowedToLoadBalancer(info, '192.0.2.1')).toBe(true);
    });
  });

  it('refuses Cluster traffic when the endpoints were categorized without the Cluster list', () => {
    const service = nodePortSvc({ internalTrafficPolicy: 'Local' });
    const info = servicePortInfo(service, service.spec.ports![0]!);
    const categorized = categorizeEndpoints([remote], { nodeName: NODE, internalTrafficPolicy: 'Local' });
    expect(() =>
      newConnectionVerdict({
        servicePort: info,
        categorized,
        destination: 'nodePort',
        source: outside,
        localDetector: detector,
      }),
    ).toThrow(/categorized without them/);
  });

  it(`forwards only to reachable endpoints, and rejects exactly when nothing is usable (seed ${SEED})`, () => {
    const endpointArb = (i: number) =>
      fc
        .record({
          ready: fc.boolean(),
          serving: fc.boolean(),
          terminating: fc.boolean(),
          isLocal: fc.boolean(),
        })
        .map((r) => ep(`10.244.0.${i}`, { ...r, nodeName: r.isLocal ? NODE : 'node-2' }));
    const endpointsArb = fc
      .integer({ min: 0, max: 6 })
      .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => endpointArb(i + 1))));
    const serviceArb = fc
      .record({
        kind: fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalIP'),
        itp: fc.constantFrom('Cluster' as const, 'Local' as const),
        etp: fc.constantFrom('Cluster' as const, 'Local' as const),
      })
      .map(({ kind, itp, etp }) => {
        const policies = { internalTrafficPolicy: itp, externalTrafficPolicy: etp };
        if (kind === 'NodePort') return nodePortSvc(policies);
        if (kind === 'LoadBalancer') return lbSvc(policies);
        if (kind === 'ExternalIP') return svc({ ...policies, externalIPs: ['192.0.2.7'] });
        return svc(policies);
      });
    const sourceArb = fc.constantFrom(localPod, remotePod, thisNode, outside);
    const destinationArb = fc.constantFrom<ServiceDestination>(
      'clusterIP',
      'nodePort',
      'loadBalancer',
      'externalIP',
    );
    const detectorArb = fc.constantFrom(detector, noDetector, nodeCidrDetector);
    fc.assert(
      fc.property(
        endpointsArb,
        serviceArb,
        destinationArb,
        sourceArb,
        detectorArb,
        (endpoints, service, destination, source, localDetector) => {
          const info = servicePortInfo(service, service.spec.ports![0]!);
          const categorized = categorizeEndpoints(endpoints, { nodeName: NODE, ...info });
          const v = newConnectionVerdict({
            servicePort: info,
            categorized,
            destination,
            source,
            localDetector,
          });
          if (v.outcome === 'not-proxied') return;
          const usable = endpoints.some((e) => e.ready || (e.serving && e.terminating));
          expect(v.outcome === 'reject').toBe(!usable);
          if (v.outcome === 'forward') {
            expect(v.endpoints.length).toBeGreaterThan(0);
            for (const e of v.endpoints) expect(categorized.allReachableEndpoints).toContain(e);
            if (v.endpointSet === 'local') expect(v.endpoints.every((e) => e.isLocal)).toBe(true);
            // Whatever is forwarded also gets a masquerade answer without throwing.
            masqueradeDecision({
              servicePort: info,
              destination,
              source,
              endpointIp: v.endpoints[0]!.ip,
              localDetector,
            });
          }
          if (v.outcome === 'drop') expect(v.reason).toBe('no-local-endpoints');
          // Cluster policy everywhere on the path: a usable endpoint is always reached.
          const localPolicy =
            destination === 'clusterIP'
              ? info.internalTrafficPolicy === 'Local'
              : info.externalTrafficPolicy === 'Local';
          if (usable && !localPolicy) expect(v.outcome).toBe('forward');
        },
      ),
      { seed: SEED, numRuns: 1000 },
    );
  });
});

describe('masqueradeDecision', () => {
  const decide = (
    service: Service,
    destination: ServiceDestination,
    source: ConnectionSource,
    endpointIp = '10.244.2.5',
    options: { masqueradeAll?: boolean; localDetector?: LocalTrafficDetector } = {},
  ) => {
    const decision = masqueradeDecision({
      servicePort: servicePortInfo(service, service.spec.ports![0]!),
      destination,
      source,
      endpointIp,
      masqueradeAll: options.masqueradeAll,
      localDetector: options.localDetector ?? detector,
    });
    return `${decision.masquerade ? 'SNAT' : 'keep'} ${decision.reason}`;
  };

  it.each<[string, () => string, string]>([
    ['pod to ClusterIP', () => decide(svc({}), 'clusterIP', localPod), 'keep pod-source'],
    [
      'pod on another node to ClusterIP (ClusterCIDR)',
      () => decide(svc({}), 'clusterIP', remotePod),
      'keep pod-source',
    ],
    [
      'pod on another node to ClusterIP (NodeCIDR)',
      () => decide(svc({}), 'clusterIP', remotePod, undefined, { localDetector: nodeCidrDetector }),
      'SNAT source-not-local',
    ],
    ['node to ClusterIP', () => decide(svc({}), 'clusterIP', thisNode), 'SNAT source-not-local'],
    [
      'outside client routed to ClusterIP',
      () => decide(svc({}), 'clusterIP', outside),
      'SNAT source-not-local',
    ],
    [
      'node to ClusterIP without a detector',
      () => decide(svc({}), 'clusterIP', thisNode, undefined, { localDetector: noDetector }),
      'keep no-local-detector',
    ],
    [
      'masqueradeAll: pod to ClusterIP',
      () => decide(svc({}), 'clusterIP', localPod, undefined, { masqueradeAll: true }),
      'SNAT masquerade-all',
    ],
    [
      'masqueradeAll without a detector',
      () =>
        decide(svc({}), 'clusterIP', localPod, undefined, { masqueradeAll: true, localDetector: noDetector }),
      'SNAT masquerade-all',
    ],
    [
      'hairpin: pod to its own Service, landing on itself',
      () => decide(svc({}), 'clusterIP', localPod, '10.244.1.7'),
      'SNAT hairpin',
    ],
    [
      'hairpin without a detector',
      () => decide(svc({}), 'clusterIP', localPod, '10.244.1.7', { localDetector: noDetector }),
      'SNAT hairpin',
    ],
    [
      'NodePort, Cluster policy, from outside',
      () => decide(nodePortSvc(), 'nodePort', outside),
      'SNAT external-traffic-policy-cluster',
    ],
    [
      'NodePort, Cluster policy, from a pod',
      () => decide(nodePortSvc(), 'nodePort', localPod),
      'SNAT external-traffic-policy-cluster',
    ],
    [
      'NodePort, Local policy, from outside: client IP kept',
      () => decide(nodePortSvc({ externalTrafficPolicy: 'Local' }), 'nodePort', outside, '10.244.1.5'),
      'keep external-traffic-policy-local',
    ],
    [
      'NodePort, Local policy, masqueradeAll does not apply',
      () =>
        decide(nodePortSvc({ externalTrafficPolicy: 'Local' }), 'nodePort', outside, '10.244.1.5', {
          masqueradeAll: true,
        }),
      'keep external-traffic-policy-local',
    ],
    [
      'LB, Cluster policy, from outside',
      () => decide(lbSvc(), 'loadBalancer', outside),
      'SNAT external-traffic-policy-cluster',
    ],
    [
      'LB, Local policy, from outside',
      () => decide(lbSvc({ externalTrafficPolicy: 'Local' }), 'loadBalancer', outside, '10.244.1.5'),
      'keep external-traffic-policy-local',
    ],
    [
      'LB, Local policy, from the node',
      () => decide(lbSvc({ externalTrafficPolicy: 'Local' }), 'loadBalancer', thisNode),
      'SNAT node-source',
    ],
    [
      'LB, Local policy, from a pod',
      () => decide(lbSvc({ externalTrafficPolicy: 'Local' }), 'loadBalancer', localPod),
      'keep pod-short-circuit',
    ],
    [
      'LB, Local policy, from a pod landing on itself',
      () => decide(lbSvc({ externalTrafficPolicy: 'Local' }), 'loadBalancer', localPod, '10.244.1.7'),
      'SNAT hairpin',
    ],
    [
      'external IP, Local policy, pod without a detector landing on itself',
      () =>
        decide(
          svc({ externalIPs: ['192.0.2.7'], externalTrafficPolicy: 'Local' }),
          'externalIP',
          localPod,
          '10.244.1.7',
          { localDetector: noDetector },
        ),
      'SNAT hairpin',
    ],
  ])('%s', (_name, run, expected) => {
    expect(run()).toBe(expected);
  });
});

describe('localTrafficDetector', () => {
  it('ClusterCIDR uses the first cluster CIDR of the proxy family', () => {
    const dual = { clusterCIDR: 'fd00:10:244::/56, 10.244.0.0/16' };
    expect(localTrafficDetector(dual).cidr).toBe('10.244.0.0/16');
    expect(localTrafficDetector(dual, { ipFamily: 'IPv6' }).cidr).toBe('fd00:10:244::/56');
    expect(localTrafficDetector(dual).isLocal({ kind: 'pod', ip: '10.244.9.9', onThisNode: false })).toBe(
      true,
    );
    expect(localTrafficDetector(dual).isLocal(thisNode)).toBe(false);
  });

  it('without a CIDR of the family there is no detector', () => {
    expect(localTrafficDetector({}).implemented).toBe(false);
    expect(localTrafficDetector({ clusterCIDR: 'fd00::/56' }).implemented).toBe(false);
    expect(localTrafficDetector({ detectLocalMode: 'NodeCIDR' }).implemented).toBe(false);
    expect(localTrafficDetector({}).isLocal(localPod)).toBe(false);
  });

  it("NodeCIDR matches this node's pods only", () => {
    expect(nodeCidrDetector.cidr).toBe('10.244.1.0/24');
    expect(nodeCidrDetector.isLocal(localPod)).toBe(true);
    expect(nodeCidrDetector.isLocal(remotePod)).toBe(false);
  });

  it.each(['BridgeInterface', 'InterfaceNamePrefix'] as const)('%s matches pods on this node', (mode) => {
    const d = localTrafficDetector({ detectLocalMode: mode });
    expect(d.implemented).toBe(true);
    expect([localPod, remotePod, thisNode, outside].map((s) => d.isLocal(s))).toEqual([
      true,
      false,
      false,
      false,
    ]);
  });

  it('refuses a malformed CIDR', () => {
    expect(() => localTrafficDetector({ clusterCIDR: '10.244.0.0/33' })).toThrow(/invalid address/);
  });
});

describe('servicePortInfo', () => {
  it('collects the addresses and policies kube-proxy keeps for a port', () => {
    const service = svc(
      {
        type: 'LoadBalancer',
        clusterIPs: ['10.96.0.20', 'fd00:96::20'],
        ipFamilies: ['IPv4', 'IPv6'],
        externalIPs: ['192.0.2.7', 'fd00::7'],
        ports: [{ name: 'http', port: 80, nodePort: 30080 }],
        externalTrafficPolicy: 'Local',
        loadBalancerSourceRanges: [' 203.0.113.5/24 '],
      },
      {
        loadBalancer: {
          ingress: [
            { ip: '198.51.100.10' },
            { hostname: 'lb.example.com' },
            { ip: '198.51.100.11', ipMode: 'Proxy' },
          ],
        },
      },
    );
    expect(servicePortInfo(service, service.spec.ports![0]!)).toEqual({
      namespace: 'shop',
      serviceName: 'web',
      portName: 'http',
      protocol: 'TCP',
      port: 80,
      ipFamily: 'IPv4',
      proxied: true,
      clusterIP: '10.96.0.20',
      nodePort: 30080,
      externalIPs: ['192.0.2.7'],
      loadBalancerVIPs: ['198.51.100.10'],
      loadBalancerSourceRanges: ['203.0.113.0/24'],
      internalTrafficPolicy: 'Cluster',
      externalTrafficPolicy: 'Local',
      externallyAccessible: true,
    });
    const v6 = servicePortInfo(service, service.spec.ports![0]!, { ipFamily: 'IPv6' });
    expect([v6.clusterIP, v6.externalIPs, v6.loadBalancerVIPs]).toEqual(['fd00:96::20', ['fd00::7'], []]);
  });

  it('ignores externalTrafficPolicy on a Service that is not externally accessible', () => {
    const service = svc({ externalTrafficPolicy: 'Local' });
    const info = servicePortInfo(service, service.spec.ports![0]!);
    expect([info.externalTrafficPolicy, info.externallyAccessible]).toEqual(['Cluster', false]);
  });

  it('is not proxied without a ClusterIP of the family', () => {
    const service = svc({});
    expect(servicePortInfo(service, service.spec.ports![0]!, { ipFamily: 'IPv6' }).proxied).toBe(false);
    const pending = svc({ clusterIP: '' });
    expect(servicePortInfo(pending, pending.spec.ports![0]!).proxied).toBe(false);
  });
});
