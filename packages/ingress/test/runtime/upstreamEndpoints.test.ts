import { describe, expect, it } from 'vitest';
import type { EndpointSlice, Service } from '@knsim/api';
import { upstreamEndpoints } from '../../src/index.js';

const service: Service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'shop' },
  spec: {
    ports: [
      { name: 'http', port: 80, targetPort: 'http' },
      { name: 'metrics', port: 9100, targetPort: 9100 },
    ],
  },
};

const slice = (
  name: string,
  endpoints: EndpointSlice['endpoints'],
  ports: NonNullable<EndpointSlice['ports']>,
): EndpointSlice => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name, namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' } },
  addressType: 'IPv4',
  endpoints,
  ports,
});

describe('upstreamEndpoints', () => {
  const slices = [
    slice(
      'web-b',
      [
        { addresses: ['10.244.2.9'], conditions: { ready: true }, targetRef: { kind: 'Pod', name: 'web-2' } },
        {
          addresses: ['10.244.1.4'],
          conditions: { ready: false },
          targetRef: { kind: 'Pod', name: 'web-3' },
        },
      ],
      [
        { name: 'http', port: 8080, protocol: 'TCP' },
        { name: 'metrics', port: 9100, protocol: 'TCP' },
      ],
    ),
    slice(
      'web-a',
      [{ addresses: ['10.244.1.3'], conditions: { ready: true }, targetRef: { kind: 'Pod', name: 'web-1' } }],
      [{ name: 'http', port: 8080, protocol: 'TCP' }],
    ),
  ];

  it('takes the ready endpoints on the port named like the ServicePort, sorted, each once', () => {
    expect(upstreamEndpoints(service, service.spec.ports![0]!, [...slices, slices[1]!])).toEqual([
      { id: '10.244.1.3:8080', ip: '10.244.1.3', port: 8080, pod: 'shop/web-1' },
      { id: '10.244.2.9:8080', ip: '10.244.2.9', port: 8080, pod: 'shop/web-2' },
    ]);
  });

  it('falls back to a numeric targetPort when no slice port has the name (ingress-nginx #7390)', () => {
    expect(
      upstreamEndpoints(service, service.spec.ports![1]!, slices).map((endpoint) => endpoint.id),
    ).toEqual(['10.244.1.3:9100', '10.244.2.9:9100']);
  });
});
