import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Endpoint, EndpointPort, EndpointSlice, Service, ServicePort } from '@knsim/api';
import {
  canonicalIp,
  compareEndpointStrings,
  endpointsFromSlices,
  endpointString,
} from '../../src/eligibility/index.js';

const SEED = 7341;

const service = (ports: readonly ServicePort[], extra: Partial<Service['spec']> = {}): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { clusterIP: '10.96.0.20', ports, ...extra },
});

function slice(
  name: string,
  endpoints: readonly Endpoint[],
  ports: readonly EndpointPort[] = [{ name: '', protocol: 'TCP', port: 8080 }],
  overrides: Partial<EndpointSlice> = {},
): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    endpoints,
    ports,
    ...overrides,
  };
}

const ready = (ip: string, nodeName = 'node-2', extra: Partial<Endpoint> = {}): Endpoint => ({
  addresses: [ip],
  conditions: { ready: true, serving: true, terminating: false },
  nodeName,
  ...extra,
});

const terminating = (ip: string, nodeName = 'node-2'): Endpoint => ({
  addresses: [ip],
  conditions: { ready: false, serving: true, terminating: true },
  nodeName,
});

const unnamed: ServicePort = { port: 80, protocol: 'TCP', targetPort: 8080 };

describe('endpointsFromSlices', () => {
  it('builds every field, reading absent conditions as ready, serving and not terminating', () => {
    const eps = endpointsFromSlices(
      service([unnamed]),
      unnamed,
      [
        slice('web-a', [
          {
            addresses: ['10.244.1.5', '10.244.1.99'],
            nodeName: 'node-1',
            zone: 'zone-a',
            hints: { forZones: [{ name: 'zone-b' }, { name: 'zone-a' }], forNodes: [{ name: 'node-1' }] },
          },
          { addresses: ['10.244.2.5'], conditions: { ready: false, serving: false }, nodeName: 'node-2' },
        ]),
      ],
      'node-1',
    );
    expect(eps).toEqual([
      {
        endpoint: '10.244.1.5:8080',
        ip: '10.244.1.5',
        port: 8080,
        ready: true,
        serving: true,
        terminating: false,
        isLocal: true,
        zoneHints: ['zone-a', 'zone-b'],
        nodeHints: ['node-1'],
        nodeName: 'node-1',
        zone: 'zone-a',
      },
      {
        endpoint: '10.244.2.5:8080',
        ip: '10.244.2.5',
        port: 8080,
        ready: false,
        serving: false,
        terminating: false,
        isLocal: false,
        zoneHints: [],
        nodeHints: [],
        nodeName: 'node-2',
        zone: '',
      },
    ]);
  });

  it('is local only when the endpoint names this node (never for an empty node name)', () => {
    const svc = service([unnamed]);
    const slices = [slice('web-a', [ready('10.244.1.5', 'node-1'), { addresses: ['10.244.1.6'] }])];
    expect(endpointsFromSlices(svc, unnamed, slices, 'node-1').map((e) => e.isLocal)).toEqual([true, false]);
    expect(endpointsFromSlices(svc, unnamed, slices, '').map((e) => e.isLocal)).toEqual([false, false]);
  });

  it('resolves the slice port by Service port name and protocol', () => {
    const http: ServicePort = { name: 'http', port: 80, targetPort: 'web' };
    const metrics: ServicePort = { name: 'metrics', protocol: 'TCP', port: 9090 };
    const dnsUdp: ServicePort = { name: 'dns', protocol: 'UDP', port: 53 };
    const dnsTcp: ServicePort = { name: 'dns', protocol: 'TCP', port: 53 };
    const svc = service([http, metrics, dnsUdp, dnsTcp]);
    const slices = [
      slice(
        'web-a',
        [ready('10.244.1.5')],
        [
          { name: 'metrics', protocol: 'TCP', port: 9100 },
          { name: 'http', port: 8080 }, // protocol absent: TCP
          { name: 'dns', protocol: 'UDP', port: 5353 },
          { name: 'dns', protocol: 'TCP', port: 5354 },
        ],
      ),
    ];
    const portsOf = (p: ServicePort) => endpointsFromSlices(svc, p, slices, 'node-1').map((e) => e.endpoint);
    expect(portsOf(http)).toEqual(['10.244.1.5:8080']);
    expect(portsOf(metrics)).toEqual(['10.244.1.5:9100']);
    expect(portsOf(dnsUdp)).toEqual(['10.244.1.5:5353']);
    expect(portsOf(dnsTcp)).toEqual(['10.244.1.5:5354']);
    expect(portsOf({ name: 'admin', port: 81 })).toEqual([]);
    expect(portsOf({ name: 'http', protocol: 'SCTP', port: 80 })).toEqual([]);
  });

  it('matches an unnamed Service port to a slice port named "" or without a name', () => {
    const svc = service([unnamed]);
    const slices = [
      slice('web-a', [ready('10.244.1.5')], [{ port: 8080 }]),
      slice('web-b', [ready('10.244.1.6')], [{ name: '', protocol: 'TCP', port: 8080 }]),
    ];
    expect(endpointsFromSlices(svc, unnamed, slices, 'n').map((e) => e.endpoint)).toEqual([
      '10.244.1.5:8080',
      '10.244.1.6:8080',
    ]);
  });

  it('keeps per-slice port numbers (a named targetPort resolved per pod) as distinct endpoints', () => {
    const http: ServicePort = { name: 'http', port: 80, targetPort: 'web' };
    const slices = [
      slice('web-a', [ready('10.244.1.5')], [{ name: 'http', port: 8080 }]),
      slice('web-b', [ready('10.244.1.6'), ready('10.244.1.5')], [{ name: 'http', port: 9080 }]),
    ];
    expect(endpointsFromSlices(service([http]), http, slices, 'n').map((e) => e.endpoint)).toEqual([
      '10.244.1.5:8080',
      '10.244.1.5:9080',
      '10.244.1.6:9080',
    ]);
  });

  it('ignores ports without a number, endpoints without an address, and bad addresses', () => {
    const svc = service([unnamed]);
    const slices = [
      slice('web-a', [ready('10.244.1.5')], [{ name: '' }]),
      slice('web-b', [ready('10.244.1.5')], [{ name: '', port: 0 }]),
      slice('web-c', [{ addresses: [] }, ready('not-an-ip'), ready('fd00::1'), ready('10.244.1.7')]),
    ];
    expect(endpointsFromSlices(svc, unnamed, slices, 'n').map((e) => e.endpoint)).toEqual([
      '10.244.1.7:8080',
    ]);
  });

  it("ignores other Services' slices, other namespaces, unlabelled slices and other address types", () => {
    const svc = service([unnamed]);
    const slices = [
      slice('web-a', [ready('10.244.1.1')]),
      slice('api-a', [ready('10.244.1.2')], undefined, {
        metadata: { name: 'api-a', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'api' } },
      }),
      slice('web-x', [ready('10.244.1.3')], undefined, {
        metadata: { name: 'web-x', namespace: 'other', labels: { 'kubernetes.io/service-name': 'web' } },
      }),
      slice('web-y', [ready('10.244.1.4')], undefined, { metadata: { name: 'web-y', namespace: 'shop' } }),
      slice('web-v6', [ready('fd00::4')], undefined, { addressType: 'IPv6' }),
      slice('web-fqdn', [ready('db.example.com')], undefined, { addressType: 'FQDN' }),
    ];
    expect(endpointsFromSlices(svc, unnamed, slices, 'n').map((e) => e.endpoint)).toEqual([
      '10.244.1.1:8080',
    ]);
  });

  it('defaults the namespace of Service and slices to "default"', () => {
    const svc: Service = { ...service([unnamed]), metadata: { name: 'web' } };
    const s = slice('web-a', [ready('10.244.1.1')], undefined, {
      metadata: { name: 'web-a', labels: { 'kubernetes.io/service-name': 'web' } },
    });
    expect(endpointsFromSlices(svc, unnamed, [s], 'n')).toHaveLength(1);
  });

  it('serves an IPv6 Service from IPv6 slices, bracketing the endpoint string', () => {
    const svc = service([unnamed], { clusterIP: 'fd00:96::20', ipFamilies: ['IPv6'] });
    const slices = [
      slice('web-a', [ready('10.244.1.1')]),
      slice('web-b', [ready('FD00:244:0:1::0005')], undefined, { addressType: 'IPv6' }),
    ];
    expect(endpointsFromSlices(svc, unnamed, slices, 'n').map((e) => e.endpoint)).toEqual([
      '[fd00:244:0:1::5]:8080',
    ]);
    expect(
      endpointsFromSlices(svc, unnamed, slices, 'n', { ipFamily: 'IPv4' }).map((e) => e.endpoint),
    ).toEqual(['10.244.1.1:8080']);
  });

  it('sorts by the ip:port text, as kube-proxy does (":" sorts after the digits)', () => {
    const svc = service([unnamed]);
    const slices = [slice('web-a', [ready('10.0.0.2'), ready('10.0.0.10'), ready('10.0.0.1')])];
    expect(endpointsFromSlices(svc, unnamed, slices, 'n').map((e) => e.endpoint)).toEqual([
      '10.0.0.10:8080',
      '10.0.0.1:8080',
      '10.0.0.2:8080',
    ]);
  });

  describe('an address in several slices', () => {
    const svc = service([unnamed]);

    it('keeps the non-terminating copy whichever slice holds it', () => {
      for (const [first, second] of [
        [ready('10.244.1.5', 'node-1'), terminating('10.244.1.5', 'node-9')],
        [terminating('10.244.1.5', 'node-9'), ready('10.244.1.5', 'node-1')],
      ] as const) {
        const eps = endpointsFromSlices(
          svc,
          unnamed,
          [slice('web-a', [first]), slice('web-b', [second])],
          'x',
        );
        expect(eps).toHaveLength(1);
        expect(eps[0]).toMatchObject({ ready: true, terminating: false, nodeName: 'node-1' });
      }
    });

    it('keeps the first terminating copy (by slice name) when all copies terminate', () => {
      const eps = endpointsFromSlices(
        svc,
        unnamed,
        [
          slice('web-b', [terminating('10.244.1.5', 'node-b')]),
          slice('web-a', [terminating('10.244.1.5', 'node-a')]),
        ],
        'x',
      );
      expect(eps.map((e) => e.nodeName)).toEqual(['node-a']);
    });

    it('keeps the last non-terminating copy by slice name (kube-proxy leaves this undefined)', () => {
      const eps = endpointsFromSlices(
        svc,
        unnamed,
        [slice('web-b', [ready('10.244.1.5', 'node-b')]), slice('web-a', [ready('10.244.1.5', 'node-a')])],
        'x',
      );
      expect(eps.map((e) => e.nodeName)).toEqual(['node-b']);
    });

    it('treats leading-zero spellings as the same address', () => {
      const eps = endpointsFromSlices(
        svc,
        unnamed,
        [slice('web-a', [ready('10.244.1.5')]), slice('web-b', [ready('010.244.001.005')])],
        'x',
      );
      expect(eps.map((e) => e.endpoint)).toEqual(['10.244.1.5:8080']);
    });
  });

  it(`is unique, sorted and independent of the order of the slices (seed ${SEED})`, () => {
    const endpointArb = fc.record({
      host: fc.integer({ min: 1, max: 12 }),
      ready: fc.boolean(),
      serving: fc.boolean(),
      terminating: fc.boolean(),
      node: fc.constantFrom('node-1', 'node-2'),
    });
    const sliceArb = fc.record({
      endpoints: fc.array(endpointArb, { maxLength: 6 }),
      port: fc.constantFrom(8080, 9090),
    });
    const svc = service([unnamed]);
    fc.assert(
      fc.property(
        fc.array(sliceArb, { maxLength: 5 }).chain((specs) =>
          fc.tuple(
            fc.constant(specs),
            fc.shuffledSubarray(
              specs.map((_, i) => i),
              { minLength: specs.length },
            ),
          ),
        ),
        ([specs, order]) => {
          const slices = specs.map((spec, i) =>
            slice(
              `web-${i}`,
              spec.endpoints.map((e) => ({
                addresses: [`10.244.0.${e.host}`],
                conditions: { ready: e.ready, serving: e.serving, terminating: e.terminating },
                nodeName: e.node,
              })),
              [{ name: '', protocol: 'TCP', port: spec.port }],
            ),
          );
          const eps = endpointsFromSlices(svc, unnamed, slices, 'node-1');
          const shuffled = endpointsFromSlices(
            svc,
            unnamed,
            order.map((i) => slices[i]!),
            'node-1',
          );
          expect(shuffled).toEqual(eps);
          const keys = eps.map((e) => e.endpoint);
          expect(new Set(keys).size).toBe(keys.length);
          expect([...keys].sort(compareEndpointStrings)).toEqual(keys);
          // Every input address:port appears, and a non-terminating copy wins when one exists.
          for (const [i, spec] of specs.entries()) {
            for (const e of spec.endpoints) {
              const key = endpointString(`10.244.0.${e.host}`, spec.port);
              const kept = eps.find((x) => x.endpoint === key);
              expect(kept, `slice ${i}`).toBeDefined();
              if (!e.terminating) expect(kept?.terminating).toBe(false);
            }
          }
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('canonicalIp', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1'],
    ['010.000.000.001', '10.0.0.1'],
    [' 10.0.0.1 ', '10.0.0.1'],
    ['FD00:0:0::0001', 'fd00::1'],
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['nope', undefined],
  ])('%s -> %s', (text, canonical) => {
    expect(canonicalIp(text)).toBe(canonical);
  });

  it('answers the same for remembered forms, invalid ones, and after the memory fills and empties', () => {
    expect([canonicalIp('010.0.0.9'), canonicalIp('010.0.0.9')]).toEqual(['10.0.0.9', '10.0.0.9']);
    expect([canonicalIp('nope'), canonicalIp('nope')]).toEqual([undefined, undefined]);
    for (let i = 0; i < 20_000; i++) canonicalIp(`0${10 + (i >> 16)}.${(i >> 8) & 255}.0${i & 255}.1`);
    expect(canonicalIp('010.0.0.9')).toBe('10.0.0.9');
    expect(canonicalIp(`0${10}.1.0${2}.1`)).toBe('10.1.2.1');
    expect(canonicalIp('nope')).toBeUndefined();
  });
});
