import { describe, expect, it } from 'vitest';
import type { ContainerPort, Pod, Service } from '@knsim/api';
import {
  findPort,
  isPodReady,
  podEndpointAddresses,
  podEndpointPorts,
  podToEndpoint,
  shouldPodBeInEndpoints,
  shouldSetHostname,
} from '../../src/endpoints/podToEndpoint.js';

function service(spec: Partial<Service['spec']> = {}, name = 'web'): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', uid: 'svc-uid' },
    spec: {
      type: 'ClusterIP',
      clusterIP: '10.96.0.10',
      selector: { app: 'web' },
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }],
      ...spec,
    },
  };
}

interface PodOptions {
  readonly ip?: string;
  readonly ips?: readonly string[];
  readonly ready?: boolean;
  readonly phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  readonly deleting?: boolean;
  readonly ports?: readonly ContainerPort[];
  readonly sidecarPorts?: readonly ContainerPort[];
  readonly hostname?: string;
  readonly subdomain?: string;
  readonly namespace?: string;
}

function pod(name: string, options: PodOptions = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: options.namespace ?? 'default',
      uid: `uid-${name}`,
      labels: { app: 'web' },
      ...(options.deleting === true ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: {
      nodeName: 'node-1',
      containers: [{ name: 'main', ports: options.ports ?? [] }],
      ...(options.sidecarPorts === undefined
        ? {}
        : { initContainers: [{ name: 'sidecar', ports: options.sidecarPorts }] }),
      ...(options.hostname === undefined ? {} : { hostname: options.hostname }),
      ...(options.subdomain === undefined ? {} : { subdomain: options.subdomain }),
    },
    status: {
      phase: options.phase ?? 'Running',
      ...(options.ip === undefined ? {} : { podIP: options.ip }),
      ...(options.ips === undefined ? {} : { podIPs: options.ips.map((ip) => ({ ip })) }),
      conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True' }],
    },
  };
}

describe('podToEndpoint conditions', () => {
  // serving = Ready; terminating = being deleted; ready = publishNotReadyAddresses || (serving && !terminating).
  const table: [ready: boolean, deleting: boolean, publish: boolean, ready: boolean, serving: boolean][] = [
    [true, false, false, true, true],
    [false, false, false, false, false],
    [true, true, false, false, true],
    [false, true, false, false, false],
    [true, false, true, true, true],
    [false, false, true, true, false],
    [true, true, true, true, true],
    [false, true, true, true, false],
  ];
  it.each(table)(
    'podReady=%s deleting=%s publishNotReady=%s -> ready=%s serving=%s',
    (podReady, deleting, publish, ready, serving) => {
      const endpoint = podToEndpoint(
        { pod: pod('a', { ip: '10.0.0.1', ready: podReady, deleting }) },
        service({ publishNotReadyAddresses: publish }),
        'IPv4',
      );
      expect(endpoint.conditions).toEqual({ ready, serving, terminating: deleting });
    },
  );

  it('takes readiness and termination from the facts over the pod object', () => {
    const endpoint = podToEndpoint(
      { pod: pod('a', { ip: '10.0.0.1', ready: false }), ready: true, terminating: true },
      service(),
      'IPv4',
    );
    expect(endpoint.conditions).toEqual({ ready: false, serving: true, terminating: true });
  });

  it('reads Ready from the pod conditions, absent meaning not ready', () => {
    expect(isPodReady(pod('a', { ready: true }))).toBe(true);
    expect(isPodReady({ ...pod('a'), status: { phase: 'Running' } })).toBe(false);
  });

  it('fills targetRef, nodeName and zone', () => {
    const endpoint = podToEndpoint({ pod: pod('a', { ip: '10.0.0.1' }), zone: 'zone-a' }, service(), 'IPv4');
    expect(endpoint).toEqual({
      addresses: ['10.0.0.1'],
      conditions: { ready: true, serving: true, terminating: false },
      nodeName: 'node-1',
      zone: 'zone-a',
      targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' },
    });
  });
});

describe('which pods become endpoints', () => {
  it('skips pods without an IP and pods in Succeeded or Failed', () => {
    expect(shouldPodBeInEndpoints({ pod: pod('a') })).toBe(false);
    expect(shouldPodBeInEndpoints({ pod: pod('a', { ip: '10.0.0.1', phase: 'Succeeded' }) })).toBe(false);
    expect(shouldPodBeInEndpoints({ pod: pod('a', { ip: '10.0.0.1', phase: 'Failed' }) })).toBe(false);
    expect(shouldPodBeInEndpoints({ pod: pod('a', { ip: '10.0.0.1', phase: 'Pending' }) })).toBe(true);
    expect(shouldPodBeInEndpoints({ pod: pod('a'), ips: ['10.0.0.1'] })).toBe(true);
  });

  it('includes terminating pods', () => {
    expect(shouldPodBeInEndpoints({ pod: pod('a', { ip: '10.0.0.1', deleting: true }) })).toBe(true);
  });

  it('keeps only the addresses of the slice family, canonically formatted', () => {
    const ips = ['10.0.0.1', '2001:DB8:0:0::1', '::ffff:10.0.0.9', 'garbage'];
    expect(podEndpointAddresses(ips, 'IPv4')).toEqual(['10.0.0.1', '10.0.0.9']);
    expect(podEndpointAddresses(ips, 'IPv6')).toEqual(['2001:db8::1']);
    const endpoint = podToEndpoint(
      { pod: pod('a', { ip: '10.0.0.1', ips: ['10.0.0.1', 'fd00::1'] }) },
      service(),
      'IPv6',
    );
    expect(endpoint.addresses).toEqual(['fd00::1']);
  });
});

describe('findPort and podEndpointPorts', () => {
  const webPorts: ContainerPort[] = [
    { name: 'dns', containerPort: 5353, protocol: 'UDP' },
    { name: 'http', containerPort: 8080, protocol: 'TCP' },
    { name: 'dns', containerPort: 5354, protocol: 'TCP' },
  ];

  it('uses a numeric targetPort as it is', () => {
    expect(findPort(pod('a'), { port: 80, protocol: 'TCP', targetPort: 9000 })).toBe(9000);
  });

  it('resolves a named targetPort by name and protocol', () => {
    const p = pod('a', { ports: webPorts });
    expect(findPort(p, { port: 53, protocol: 'UDP', targetPort: 'dns' })).toBe(5353);
    expect(findPort(p, { port: 53, protocol: 'TCP', targetPort: 'dns' })).toBe(5354);
    expect(findPort(p, { port: 80, protocol: 'UDP', targetPort: 'http' })).toBeUndefined();
    expect(findPort(p, { port: 80, targetPort: 'http' })).toBe(8080);
    expect(findPort(p, { port: 80, protocol: 'TCP', targetPort: 'nope' })).toBeUndefined();
  });

  it('does not search init containers (knsim has no sidecar restartPolicy)', () => {
    const p = pod('a', { sidecarPorts: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] });
    expect(findPort(p, { port: 80, protocol: 'TCP', targetPort: 'http' })).toBeUndefined();
  });

  it('leaves out the ports a pod cannot resolve, keeping service port order', () => {
    const svc = service({
      ports: [
        { name: 'metrics', port: 9100, protocol: 'TCP', targetPort: 9100 },
        { name: 'http', port: 80, protocol: 'TCP', targetPort: 'http', appProtocol: 'http' },
      ],
    });
    expect(podEndpointPorts(svc, pod('a', { ports: webPorts }))).toEqual([
      { name: 'metrics', port: 9100, protocol: 'TCP' },
      { name: 'http', port: 8080, protocol: 'TCP', appProtocol: 'http' },
    ]);
    expect(podEndpointPorts(svc, pod('b'))).toEqual([{ name: 'metrics', port: 9100, protocol: 'TCP' }]);
  });

  it('writes "" for an unnamed port and returns no ports for a headless Service without ports', () => {
    const unnamed = service({ ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] });
    expect(podEndpointPorts(unnamed, pod('a'))).toEqual([{ name: '', port: 80, protocol: 'TCP' }]);
    expect(podEndpointPorts(service({ clusterIP: 'None', ports: [] }), pod('a'))).toEqual([]);
  });
});

describe('hostname', () => {
  it('is set only when the subdomain names the Service in the same namespace', () => {
    const svc = service({}, 'db');
    expect(shouldSetHostname(pod('a', { hostname: 'db-0', subdomain: 'db' }), svc)).toBe(true);
    expect(shouldSetHostname(pod('a', { hostname: 'db-0', subdomain: 'other' }), svc)).toBe(false);
    expect(shouldSetHostname(pod('a', { hostname: 'db-0' }), svc)).toBe(false);
    expect(shouldSetHostname(pod('a', { subdomain: 'db' }), svc)).toBe(false);
    expect(shouldSetHostname(pod('a', { hostname: 'db-0', subdomain: 'db', namespace: 'x' }), svc)).toBe(
      false,
    );
    const endpoint = podToEndpoint(
      { pod: pod('a', { ip: '10.0.0.1', hostname: 'db-0', subdomain: 'db' }) },
      svc,
      'IPv4',
    );
    expect(endpoint.hostname).toBe('db-0');
    expect(
      podToEndpoint({ pod: pod('a', { ip: '10.0.0.1', hostname: 'db-0' }) }, svc, 'IPv4'),
    ).not.toHaveProperty('hostname');
  });
});
