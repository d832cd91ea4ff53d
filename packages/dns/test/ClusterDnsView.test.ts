import { describe, expect, it } from 'vitest';
import type { EndpointSlice, Pod, Service } from '@knsim/api';
import { answerQuery, buildDnsZone, clusterDnsViewFromObjects } from '../src/index.js';

const services: Service[] = [
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'], ports: [{ name: 'http', port: 80 }] },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'db', namespace: 'data' },
    spec: { clusterIP: 'None', ports: [{ name: 'postgres', port: 5432, protocol: 'TCP' }] },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'payments' },
    spec: { type: 'ExternalName', externalName: 'api.stripe.example' },
  },
];

const endpointSlices: EndpointSlice[] = [
  {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'db-abc', namespace: 'data', labels: { 'kubernetes.io/service-name': 'db' } },
    addressType: 'IPv4',
    endpoints: [
      { addresses: ['10.244.1.10'], hostname: 'db-0', targetRef: { kind: 'Pod', name: 'db-0' } },
      { addresses: ['10.244.2.11'], hostname: 'db-1', conditions: { ready: false } },
    ],
    ports: [{ name: 'postgres', port: 5432 }],
  },
  {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'orphan', namespace: 'data' },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['10.244.9.9'] }],
  },
  {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'db-fqdn', namespace: 'data', labels: { 'kubernetes.io/service-name': 'db' } },
    addressType: 'FQDN',
    endpoints: [{ addresses: ['db.example.com'] }],
  },
];

const pods: Pod[] = [
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'db-0', namespace: 'data' },
    spec: { containers: [{ name: 'pg' }], hostname: 'db-0', subdomain: 'db' },
    status: { podIP: '10.244.1.10' },
  },
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'gone', namespace: 'data', deletionTimestamp: '2024-01-01T00:00:00Z' },
    spec: { containers: [{ name: 'pg' }] },
    status: { podIP: '10.244.3.3' },
  },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pending' }, spec: { containers: [{ name: 'c' }] } },
];

describe('clusterDnsViewFromObjects', () => {
  const view = clusterDnsViewFromObjects({ services, endpointSlices, pods, namespaces: ['quiet'] });

  it('reads Services: type, headless, ClusterIPs, external name, defaulted ports', () => {
    expect(view.services).toEqual([
      {
        name: 'web',
        namespace: 'shop',
        type: 'ClusterIP',
        headless: false,
        clusterIPs: ['10.96.0.20'],
        ports: [{ name: 'http', protocol: 'TCP', port: 80 }],
      },
      {
        name: 'db',
        namespace: 'data',
        type: 'ClusterIP',
        headless: true,
        clusterIPs: [],
        ports: [{ name: 'postgres', protocol: 'TCP', port: 5432 }],
      },
      {
        name: 'payments',
        namespace: 'default',
        type: 'ExternalName',
        headless: false,
        clusterIPs: [],
        externalName: 'api.stripe.example',
        ports: [],
      },
    ]);
  });

  it('reads labelled IP slices only; absent ready means ready; keeps hostname and pod name', () => {
    expect(view.endpointSlices).toEqual([
      {
        name: 'db-abc',
        namespace: 'data',
        serviceName: 'db',
        ports: [{ name: 'postgres', protocol: 'TCP', port: 5432 }],
        endpoints: [
          { addresses: ['10.244.1.10'], ready: true, hostname: 'db-0', podName: 'db-0' },
          { addresses: ['10.244.2.11'], ready: false, hostname: 'db-1' },
        ],
      },
    ]);
  });

  it('reads pods: primary IP and whether they are terminating', () => {
    expect(view.pods).toEqual([
      { name: 'db-0', namespace: 'data', ip: '10.244.1.10' },
      { name: 'gone', namespace: 'data', ip: '10.244.3.3', terminating: true },
      { name: 'pending', namespace: 'default' },
    ]);
  });

  it('feeds the zone end to end', () => {
    const zone = buildDnsZone(view, { podsMode: 'verified' });
    expect(answerQuery(zone, { name: 'db-0.db.data.svc.cluster.local', type: 'A' }).answer[0]?.data).toBe(
      '10.244.1.10',
    );
    expect(answerQuery(zone, { name: 'db-1.db.data.svc.cluster.local', type: 'A' }).rcode).toBe('NXDOMAIN');
    expect(answerQuery(zone, { name: '10-244-3-3.data.pod.cluster.local', type: 'A' }).rcode).toBe(
      'NXDOMAIN',
    );
    expect(answerQuery(zone, { name: 'quiet.svc.cluster.local', type: 'A' }).rcode).toBe('NOERROR');
  });
});
