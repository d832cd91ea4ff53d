import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  categorizeEndpoints,
  topologyModeFromHints,
  type CategorizeOptions,
  type ProxyEndpoint,
  type TopologyMode,
} from '../../src/eligibility/index.js';

const SEED = 5213;

/** A ready, serving, remote endpoint on port 80 unless `extra` says otherwise. */
function ep(ip: string, extra: Partial<ProxyEndpoint> = {}): ProxyEndpoint {
  return {
    endpoint: `${ip}:80`,
    ip,
    port: 80,
    ready: true,
    serving: true,
    terminating: false,
    isLocal: false,
    zoneHints: [],
    nodeHints: [],
    nodeName: 'node-9',
    zone: '',
    ...extra,
  };
}

const notReady = { ready: false, serving: false, terminating: false } as const;
const servingTerminating = { ready: false, serving: true, terminating: true } as const;
const terminatingNotServing = { ready: false, serving: false, terminating: true } as const;
const local = { isLocal: true, nodeName: 'node-1' } as const;
const zoneA = { zoneHints: ['zone-a'] } as const;
const zoneB = { zoneHints: ['zone-b'] } as const;

interface Case {
  readonly name: string;
  readonly endpoints: readonly ProxyEndpoint[];
  readonly options?: Partial<CategorizeOptions>;
  readonly cluster: readonly string[];
  readonly local: readonly string[];
  readonly reachable?: readonly string[];
  readonly hasAny: boolean;
  readonly topology?: TopologyMode;
  readonly clusterFallback?: boolean;
  readonly localFallback?: boolean;
}

const cases: readonly Case[] = [
  {
    name: 'no endpoints at all',
    endpoints: [],
    cluster: [],
    local: [],
    hasAny: false,
  },
  {
    name: 'ready endpoints only; not-ready ones are left out',
    endpoints: [ep('10.0.0.1'), ep('10.0.0.2', notReady), ep('10.0.0.3')],
    cluster: ['10.0.0.1', '10.0.0.3'],
    local: [],
    hasAny: true,
  },
  {
    name: 'terminating endpoints are ignored while any endpoint is ready',
    endpoints: [ep('10.0.0.1', servingTerminating), ep('10.0.0.2')],
    cluster: ['10.0.0.2'],
    local: [],
    hasAny: true,
  },
  {
    name: 'all terminating: fall back to the serving-and-terminating ones',
    endpoints: [
      ep('10.0.0.1', servingTerminating),
      ep('10.0.0.2', terminatingNotServing),
      ep('10.0.0.3', servingTerminating),
    ],
    cluster: ['10.0.0.1', '10.0.0.3'],
    local: [],
    hasAny: true,
    clusterFallback: true,
  },
  {
    name: 'not serving is never used: nothing usable',
    endpoints: [ep('10.0.0.1', notReady), ep('10.0.0.2', terminatingNotServing)],
    cluster: [],
    local: [],
    hasAny: false,
  },
  {
    name: 'zone hints on every ready endpoint, some for this zone: filtered',
    endpoints: [
      ep('10.0.0.1', zoneA),
      ep('10.0.0.2', zoneB),
      ep('10.0.0.3', { zoneHints: ['zone-a', 'zone-c'] }),
    ],
    options: { zone: 'zone-a' },
    cluster: ['10.0.0.1', '10.0.0.3'],
    local: [],
    hasAny: true,
    topology: 'PreferSameZone',
  },
  {
    name: 'one ready endpoint without hints: hints ignored',
    endpoints: [ep('10.0.0.1', zoneA), ep('10.0.0.2'), ep('10.0.0.3', zoneB)],
    options: { zone: 'zone-a' },
    cluster: ['10.0.0.1', '10.0.0.2', '10.0.0.3'],
    local: [],
    hasAny: true,
  },
  {
    name: 'a not-ready endpoint without hints does not disable them',
    endpoints: [ep('10.0.0.1', zoneA), ep('10.0.0.2', notReady), ep('10.0.0.3', zoneB)],
    options: { zone: 'zone-a' },
    cluster: ['10.0.0.1'],
    local: [],
    hasAny: true,
    topology: 'PreferSameZone',
  },
  {
    name: 'no hint for this zone: hints ignored',
    endpoints: [ep('10.0.0.1', zoneA), ep('10.0.0.2', zoneB)],
    options: { zone: 'zone-c' },
    cluster: ['10.0.0.1', '10.0.0.2'],
    local: [],
    hasAny: true,
  },
  {
    name: 'node without a zone label: hints ignored',
    endpoints: [ep('10.0.0.1', zoneA), ep('10.0.0.2', zoneB)],
    cluster: ['10.0.0.1', '10.0.0.2'],
    local: [],
    hasAny: true,
  },
  {
    name: 'node hints on every ready endpoint, one for this node: PreferSameNode wins over zones',
    endpoints: [
      ep('10.0.0.1', { ...zoneA, nodeHints: ['node-1'] }),
      ep('10.0.0.2', { ...zoneA, nodeHints: ['node-2'] }),
    ],
    options: { zone: 'zone-a' },
    cluster: ['10.0.0.1'],
    local: [],
    hasAny: true,
    topology: 'PreferSameNode',
  },
  {
    name: 'node hints, none for this node: zone hints still apply',
    endpoints: [
      ep('10.0.0.1', { ...zoneA, nodeHints: ['node-2'] }),
      ep('10.0.0.2', { ...zoneB, nodeHints: ['node-3'] }),
    ],
    options: { zone: 'zone-a' },
    cluster: ['10.0.0.1'],
    local: [],
    hasAny: true,
    topology: 'PreferSameZone',
  },
  {
    name: 'hints for this zone on terminating endpoints only: fallback ignores hints',
    endpoints: [
      ep('10.0.0.1', { ...servingTerminating, ...zoneA }),
      ep('10.0.0.2', { ...servingTerminating, ...zoneB }),
    ],
    options: { zone: 'zone-a' },
    cluster: ['10.0.0.1', '10.0.0.2'],
    local: [],
    hasAny: true,
    clusterFallback: true,
  },
  {
    name: 'internalTrafficPolicy Local with local endpoints: only those, no Cluster list',
    endpoints: [ep('10.0.0.1', local), ep('10.0.0.2'), ep('10.0.0.3', { ...local, ...notReady })],
    options: { internalTrafficPolicy: 'Local' },
    cluster: [],
    local: ['10.0.0.1'],
    hasAny: true,
  },
  {
    name: 'internalTrafficPolicy Local without local endpoints: none, but some exist elsewhere',
    endpoints: [ep('10.0.0.1'), ep('10.0.0.2', { ...local, ...notReady })],
    options: { internalTrafficPolicy: 'Local' },
    cluster: [],
    local: [],
    hasAny: true,
  },
  {
    name: 'internalTrafficPolicy Local falls back to local serving-and-terminating endpoints',
    endpoints: [
      ep('10.0.0.1', { ...local, ...servingTerminating }),
      ep('10.0.0.2'),
      ep('10.0.0.3', { ...local, ...terminatingNotServing }),
    ],
    options: { internalTrafficPolicy: 'Local' },
    cluster: [],
    local: ['10.0.0.1'],
    hasAny: true,
    localFallback: true,
  },
  {
    name: 'internalTrafficPolicy Local ignores topology hints',
    endpoints: [ep('10.0.0.1', { ...local, ...zoneB }), ep('10.0.0.2', zoneA)],
    options: { internalTrafficPolicy: 'Local', zone: 'zone-a' },
    cluster: [],
    local: ['10.0.0.1'],
    hasAny: true,
  },
  {
    name: 'internalTrafficPolicy Local on an externally accessible port still needs Cluster endpoints',
    endpoints: [ep('10.0.0.1', local), ep('10.0.0.2')],
    options: { internalTrafficPolicy: 'Local', externallyAccessible: true },
    cluster: ['10.0.0.1', '10.0.0.2'],
    local: ['10.0.0.1'],
    hasAny: true,
  },
  {
    name: 'externalTrafficPolicy Local: local list plus the Cluster list for short-circuiting',
    endpoints: [ep('10.0.0.1', local), ep('10.0.0.2'), ep('10.0.0.3', local)],
    options: { externalTrafficPolicy: 'Local', externallyAccessible: true },
    cluster: ['10.0.0.1', '10.0.0.2', '10.0.0.3'],
    local: ['10.0.0.1', '10.0.0.3'],
    hasAny: true,
  },
  {
    name: 'externalTrafficPolicy Local without local endpoints',
    endpoints: [ep('10.0.0.1'), ep('10.0.0.2', { ...local, ...terminatingNotServing })],
    options: { externalTrafficPolicy: 'Local', externallyAccessible: true },
    cluster: ['10.0.0.1'],
    local: [],
    hasAny: true,
  },
  {
    name: 'externalTrafficPolicy Local on a port that is not externally accessible does nothing',
    endpoints: [ep('10.0.0.1', local), ep('10.0.0.2')],
    options: { externalTrafficPolicy: 'Local' },
    cluster: ['10.0.0.1', '10.0.0.2'],
    local: [],
    hasAny: true,
  },
  {
    name: 'externalTrafficPolicy Local: a local endpoint filtered out by hints is still reachable',
    endpoints: [ep('10.0.0.1', { ...local, ...zoneB }), ep('10.0.0.2', zoneA)],
    options: { externalTrafficPolicy: 'Local', externallyAccessible: true, zone: 'zone-a' },
    cluster: ['10.0.0.2'],
    local: ['10.0.0.1'],
    reachable: ['10.0.0.1', '10.0.0.2'],
    hasAny: true,
    topology: 'PreferSameZone',
  },
  {
    name: 'externalTrafficPolicy Local: a ready remote plus a terminating local endpoint are both reachable',
    endpoints: [ep('10.0.0.1', { ...local, ...servingTerminating }), ep('10.0.0.2')],
    options: { externalTrafficPolicy: 'Local', externallyAccessible: true },
    cluster: ['10.0.0.2'],
    local: ['10.0.0.1'],
    reachable: ['10.0.0.1', '10.0.0.2'],
    hasAny: true,
    localFallback: true,
  },
];

describe('categorizeEndpoints', () => {
  it.each(cases)('$name', (c) => {
    const result = categorizeEndpoints(c.endpoints, { nodeName: 'node-1', ...c.options });
    const ips = (list: readonly ProxyEndpoint[]) => list.map((e) => e.ip);
    expect(ips(result.clusterEndpoints)).toEqual(c.cluster);
    expect(ips(result.localEndpoints)).toEqual(c.local);
    const union = c.reachable ?? [...new Set([...c.cluster, ...c.local])].sort();
    expect(ips(result.allReachableEndpoints)).toEqual(union);
    expect(result.hasAnyEndpoints).toBe(c.hasAny);
    expect(result.topologyMode).toBe(c.topology ?? '');
    expect(result.clusterFallbackToTerminating).toBe(c.clusterFallback ?? false);
    expect(result.localFallbackToTerminating).toBe(c.localFallback ?? false);
  });

  it('reports which policies the port uses', () => {
    const eps = [ep('10.0.0.1')];
    const uses = (options: Partial<CategorizeOptions>) => {
      const r = categorizeEndpoints(eps, { nodeName: 'node-1', ...options });
      return [r.usesClusterEndpoints, r.usesLocalEndpoints];
    };
    expect(uses({})).toEqual([true, false]);
    expect(uses({ internalTrafficPolicy: 'Local' })).toEqual([false, true]);
    expect(uses({ internalTrafficPolicy: 'Local', externallyAccessible: true })).toEqual([true, true]);
    expect(uses({ externalTrafficPolicy: 'Local', externallyAccessible: true })).toEqual([true, true]);
    expect(uses({ externalTrafficPolicy: 'Local' })).toEqual([true, false]);
  });
});

describe('topologyModeFromHints', () => {
  it('needs a ready endpoint', () => {
    expect(topologyModeFromHints([ep('10.0.0.1', { ...notReady, ...zoneA })], 'node-1', 'zone-a')).toBe('');
  });
});

const endpointArb = (index: number) =>
  fc
    .record({
      ready: fc.boolean(),
      serving: fc.boolean(),
      terminating: fc.boolean(),
      isLocal: fc.boolean(),
      zoneHints: fc.subarray(['zone-a', 'zone-b', 'zone-c']),
      nodeHints: fc.subarray(['node-1', 'node-2']),
    })
    .map((r) => ep(`10.0.0.${index}`, { ...r, nodeName: r.isLocal ? 'node-1' : 'node-2' }));

const endpointsArb = fc
  .integer({ min: 0, max: 8 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => endpointArb(i + 1))));

const optionsArb: fc.Arbitrary<CategorizeOptions> = fc.record({
  nodeName: fc.constant('node-1'),
  zone: fc.constantFrom('zone-a', 'zone-b', ''),
  internalTrafficPolicy: fc.constantFrom('Cluster' as const, 'Local' as const),
  externalTrafficPolicy: fc.constantFrom('Cluster' as const, 'Local' as const),
  externallyAccessible: fc.boolean(),
});

describe('categorizeEndpoints properties', () => {
  it(`returns subsets of the input, and something whenever an endpoint is ready and no Local policy applies (seed ${SEED})`, () => {
    fc.assert(
      fc.property(endpointsArb, optionsArb, (endpoints, options) => {
        const r = categorizeEndpoints(endpoints, options);
        const input = new Set(endpoints);
        for (const list of [r.clusterEndpoints, r.localEndpoints, r.allReachableEndpoints]) {
          for (const e of list) expect(input.has(e)).toBe(true);
        }
        expect(r.localEndpoints.every((e) => e.isLocal)).toBe(true);
        // allReachable is exactly the union, in input order.
        const union = new Set([...r.clusterEndpoints, ...r.localEndpoints]);
        expect(r.allReachableEndpoints).toEqual(endpoints.filter((e) => union.has(e)));
        // Each list is all ready, or (only as a fallback) all serving-and-terminating.
        const anyReady = endpoints.some((e) => e.ready);
        const usable = (e: ProxyEndpoint) => e.ready || (e.serving && e.terminating);
        expect(r.hasAnyEndpoints).toBe(endpoints.some(usable));
        if (anyReady) expect(r.clusterEndpoints.every((e) => e.ready)).toBe(true);
        else expect(r.clusterEndpoints.every((e) => e.serving && e.terminating)).toBe(true);
        const localReady = endpoints.some((e) => e.isLocal && e.ready);
        expect(r.localEndpoints.every((e) => (localReady ? e.ready : e.serving && e.terminating))).toBe(true);

        const localPolicy =
          options.internalTrafficPolicy === 'Local' ||
          (options.externalTrafficPolicy === 'Local' && options.externallyAccessible === true);
        if (anyReady && !localPolicy) {
          expect(r.clusterEndpoints.length).toBeGreaterThan(0);
          expect(r.allReachableEndpoints.length).toBeGreaterThan(0);
        }
        // Whenever the port uses Cluster endpoints, they exist exactly when anything is usable.
        if (r.usesClusterEndpoints) expect(r.clusterEndpoints.length > 0).toBe(r.hasAnyEndpoints);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});
