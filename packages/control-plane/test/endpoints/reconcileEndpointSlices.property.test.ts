import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ContainerPort, EndpointSlice, Pod, Service, ServicePort } from '@knsim/api';
import type { PodEndpointFacts } from '../../src/endpoints/podToEndpoint.js';
import {
  reconcileEndpointSlices,
  type EndpointSliceChanges,
} from '../../src/endpoints/reconcileEndpointSlices.js';

// A small universe of pods whose every field that matters to endpoints varies between steps,
// and a Service whose ports, families, labels and flags vary too.

const POD_COUNT = 24;
type Family = 'IPv4' | 'IPv6';

interface PodState {
  readonly present: boolean;
  readonly phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  readonly hasIp: boolean;
  readonly hasIpv6: boolean;
  /** Changes the pod's addresses, as a recreated pod would get. */
  readonly generation: number;
  readonly ready: boolean;
  readonly terminating: boolean;
  /** 0: http/TCP 8080, 1: http/TCP 8081, 2: no ports, 3: http/UDP 8080 (does not match TCP). */
  readonly portVariant: 0 | 1 | 2 | 3;
  readonly hostname: boolean;
  readonly subdomainIsService: boolean;
  readonly node: number;
  readonly zone: 'a' | 'b' | undefined;
}

interface ServiceState {
  readonly publishNotReady: boolean;
  readonly headless: boolean;
  readonly families: readonly Family[];
  /** 0: named http, 1: named http + numeric metrics, 2: numeric 9000 only, 3: no ports (headless only). */
  readonly portsVariant: 0 | 1 | 2 | 3;
  readonly tier: string | undefined;
}

interface Step {
  readonly service: ServiceState;
  readonly pods: readonly PodState[];
}

const podState: fc.Arbitrary<PodState> = fc.record({
  present: fc.boolean(),
  phase: fc.constantFrom('Pending', 'Running', 'Running', 'Running', 'Succeeded', 'Failed'),
  hasIp: fc.constantFrom(true, true, true, true, true, false),
  hasIpv6: fc.boolean(),
  generation: fc.nat(1),
  ready: fc.boolean(),
  terminating: fc.constantFrom(false, false, false, false, true),
  portVariant: fc.constantFrom(0, 0, 0, 1, 2, 3),
  hostname: fc.boolean(),
  subdomainIsService: fc.boolean(),
  node: fc.nat(2),
  zone: fc.constantFrom('a', 'b', undefined),
});

const serviceState: fc.Arbitrary<ServiceState> = fc
  .record({
    publishNotReady: fc.boolean(),
    headless: fc.boolean(),
    families: fc.constantFrom<readonly Family[]>(
      ['IPv4'],
      ['IPv4'],
      ['IPv6'],
      ['IPv4', 'IPv6'],
      ['IPv6', 'IPv4'],
    ),
    portsVariant: fc.constantFrom(0, 0, 1, 2, 3),
    tier: fc.constantFrom(undefined, 'front', 'back'),
  })
  .map((state) =>
    state.portsVariant === 3 && !state.headless ? { ...state, portsVariant: 0 as const } : state,
  );

/** A step keeps most pods as they were: small edits make in-place updates likely. */
function steps(count: number): fc.Arbitrary<Step[]> {
  return fc
    .tuple(
      serviceState,
      fc.array(podState, { minLength: POD_COUNT, maxLength: POD_COUNT }),
      fc.array(
        fc.record({
          serviceChange: fc.option(serviceState, { freq: 3 }),
          podChanges: fc.array(fc.tuple(fc.nat(POD_COUNT - 1), podState), { maxLength: 8 }),
        }),
        { minLength: 1, maxLength: count },
      ),
    )
    .map(([firstService, firstPods, edits]) => {
      const out: Step[] = [{ service: firstService, pods: firstPods }];
      for (const edit of edits) {
        const previous = out[out.length - 1] as Step;
        const pods = [...previous.pods];
        for (const [index, state] of edit.podChanges) pods[index] = state;
        out.push({ service: edit.serviceChange ?? previous.service, pods });
      }
      return out;
    });
}

function servicePorts(variant: ServiceState['portsVariant']): ServicePort[] {
  const http: ServicePort = { name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' };
  switch (variant) {
    case 0:
      return [http];
    case 1:
      return [http, { name: 'metrics', port: 9100, protocol: 'TCP', targetPort: 9100 }];
    case 2:
      return [{ port: 80, protocol: 'TCP', targetPort: 9000 }];
    case 3:
      return [];
  }
}

function makeService(state: ServiceState): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: 'svc-uid',
      labels: state.tier === undefined ? { app: 'web' } : { app: 'web', tier: state.tier },
    },
    spec: {
      type: 'ClusterIP',
      clusterIP: state.headless ? 'None' : '10.96.0.10',
      selector: { app: 'web' },
      ports: servicePorts(state.portsVariant),
      publishNotReadyAddresses: state.publishNotReady,
      ipFamilies: state.families,
    },
  };
}

const podName = (index: number): string => `web-${String(index).padStart(2, '0')}`;
const ipv4 = (index: number, state: PodState): string => `10.0.${state.generation}.${index + 1}`;
const ipv6 = (index: number, state: PodState): string =>
  `fd00::${state.generation + 1}:${(index + 1).toString(16)}`;

function containerPorts(variant: PodState['portVariant']): ContainerPort[] {
  switch (variant) {
    case 0:
      return [{ name: 'http', containerPort: 8080, protocol: 'TCP' }];
    case 1:
      return [{ name: 'http', containerPort: 8081, protocol: 'TCP' }];
    case 2:
      return [];
    case 3:
      return [{ name: 'http', containerPort: 8080, protocol: 'UDP' }];
  }
}

function makePodFacts(states: readonly PodState[]): PodEndpointFacts[] {
  const out: PodEndpointFacts[] = [];
  states.forEach((state, index) => {
    if (!state.present) return;
    const ips = state.hasIp ? [ipv4(index, state), ...(state.hasIpv6 ? [ipv6(index, state)] : [])] : [];
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: podName(index),
        namespace: 'default',
        // The uid ignores the generation so that an address change alone must be noticed.
        uid: `uid-${index}`,
        labels: { app: 'web' },
        ...(state.terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
      },
      spec: {
        nodeName: `node-${state.node}`,
        containers: [{ name: 'main', ports: containerPorts(state.portVariant) }],
        ...(state.hostname ? { hostname: `h-${index}` } : {}),
        subdomain: state.subdomainIsService ? 'web' : 'other',
      },
      status: {
        phase: state.phase,
        ...(ips.length === 0 ? {} : { podIP: ips[0] as string, podIPs: ips.map((ip) => ({ ip })) }),
        conditions: [{ type: 'Ready', status: state.ready ? 'True' : 'False' }],
      },
    };
    out.push(state.zone === undefined ? { pod } : { pod, zone: state.zone });
  });
  return out;
}

/** What a pod's endpoint must look like, computed the simple way. */
interface Expected {
  readonly addresses: readonly string[];
  readonly ports: string;
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  readonly hostname: string | undefined;
  readonly nodeName: string;
  readonly zone: string | undefined;
}

function expectedPortsOf(service: ServiceState, pod: PodState): string {
  const ports: { name: string; port: number; protocol: string }[] = [];
  for (const servicePort of servicePorts(service.portsVariant)) {
    if (typeof servicePort.targetPort === 'number') {
      ports.push({ name: servicePort.name ?? '', port: servicePort.targetPort, protocol: 'TCP' });
    } else if (pod.portVariant === 0 || pod.portVariant === 1) {
      ports.push({ name: 'http', port: pod.portVariant === 0 ? 8080 : 8081, protocol: 'TCP' });
    }
  }
  return canonicalPorts(ports);
}

function canonicalPorts(ports: readonly { name?: string; port?: number; protocol?: string }[]): string {
  return JSON.stringify(
    ports.map((port) => `${port.name ?? ''}/${port.protocol ?? 'TCP'}/${port.port}`).sort(),
  );
}

function expectedEndpoints(step: Step, family: Family): Map<string, Expected> {
  const out = new Map<string, Expected>();
  step.pods.forEach((pod, index) => {
    if (!pod.present || !pod.hasIp || pod.phase === 'Succeeded' || pod.phase === 'Failed') return;
    if (family === 'IPv6' && !pod.hasIpv6) return;
    out.set(podName(index), {
      addresses: [family === 'IPv4' ? ipv4(index, pod) : ipv6(index, pod)],
      ports: expectedPortsOf(step.service, pod),
      ready: step.service.publishNotReady || (pod.ready && !pod.terminating),
      serving: pod.ready,
      terminating: pod.terminating,
      hostname: pod.hostname && pod.subdomainIsService ? `h-${index}` : undefined,
      nodeName: `node-${pod.node}`,
      zone: pod.zone,
    });
  });
  return out;
}

function apply(existing: readonly EndpointSlice[], changes: EndpointSliceChanges): EndpointSlice[] {
  const byName = new Map(existing.map((slice) => [slice.metadata.name ?? '', slice]));
  const touched = new Set<string>();
  const touch = (name: string): void => {
    if (touched.has(name)) throw new Error(`slice ${name} changed twice in one reconcile`);
    touched.add(name);
  };
  for (const name of changes.delete) {
    touch(name);
    if (!byName.delete(name)) throw new Error(`delete of unknown slice ${name}`);
  }
  for (const slice of changes.update) {
    const name = slice.metadata.name ?? '';
    touch(name);
    if (!byName.has(name)) throw new Error(`update of unknown slice ${name}`);
    byName.set(name, slice);
  }
  for (const slice of changes.create) {
    const name = slice.metadata.name ?? '';
    touch(name);
    if (byName.has(name)) throw new Error(`create of existing slice ${name}`);
    byName.set(name, slice);
  }
  return [...byName.values()];
}

const EMPTY = { create: [], update: [], delete: [], podsOnMissingNodes: [] };

function checkSlices(step: Step, slices: readonly EndpointSlice[], max: number): void {
  const families = step.service.families;
  for (const slice of slices) {
    expect(families).toContain(slice.addressType);
    expect(slice.endpoints.length).toBeLessThanOrEqual(max);
    expect(slice.metadata.labels?.tier).toBe(step.service.tier);
  }
  for (const family of families) {
    const ofFamily = slices.filter((slice) => slice.addressType === family);
    // Always at least one slice per family: endpoints, or the placeholder.
    expect(ofFamily.length).toBeGreaterThan(0);
    const expected = expectedEndpoints(step, family);
    const seen = new Set<string>();
    for (const slice of ofFamily) {
      const ports = canonicalPorts(slice.ports ?? []);
      for (const endpoint of slice.endpoints) {
        const name = endpoint.targetRef?.name ?? '';
        expect(seen.has(name), `${name} twice`).toBe(false);
        seen.add(name);
        const want = expected.get(name);
        expect(want, `unexpected endpoint ${name}`).toBeDefined();
        if (want === undefined) continue;
        expect(endpoint.addresses).toEqual(want.addresses);
        expect(ports).toBe(want.ports);
        expect(endpoint.conditions).toEqual({
          ready: want.ready,
          serving: want.serving,
          terminating: want.terminating,
        });
        expect(endpoint.hostname).toBe(want.hostname);
        expect(endpoint.nodeName).toBe(want.nodeName);
        expect(endpoint.zone).toBe(want.zone);
      }
    }
    expect([...seen].sort()).toEqual([...expected.keys()].sort());
  }
}

function namer(start = 0): (prefix: string) => string {
  let next = start;
  return (prefix) => `${prefix}${next++}`;
}

describe('reconcileEndpointSlices properties', () => {
  it('converges in one reconcile to exactly the expected endpoints, then changes nothing (seed 8101)', () => {
    fc.assert(
      fc.property(steps(6), fc.integer({ min: 1, max: 5 }), (allSteps, max) => {
        const newSliceName = namer();
        let slices: EndpointSlice[] = [];
        for (const step of allSteps) {
          const service = makeService(step.service);
          const pods = makePodFacts(step.pods);
          const changes = reconcileEndpointSlices({
            service,
            pods,
            existingSlices: slices,
            maxEndpointsPerSlice: max,
            newSliceName,
          });
          slices = apply(slices, changes);
          checkSlices(step, slices, max);
          const again = reconcileEndpointSlices({
            service,
            pods,
            existingSlices: slices,
            maxEndpointsPerSlice: max,
            newSliceName,
          });
          expect(again).toEqual(EMPTY);
        }
      }),
      { seed: 8101, numRuns: 300 },
    );
  });

  it('packs a fresh Service into ceil(n / max) slices per port list, or one placeholder (seed 8102)', () => {
    fc.assert(
      fc.property(steps(1), fc.integer({ min: 1, max: 5 }), ([step], max) => {
        if (step === undefined) return;
        const changes = reconcileEndpointSlices({
          service: makeService(step.service),
          pods: makePodFacts(step.pods),
          existingSlices: [],
          maxEndpointsPerSlice: max,
          newSliceName: namer(),
        });
        expect(changes.update).toEqual([]);
        expect(changes.delete).toEqual([]);
        for (const family of step.service.families) {
          const counts = new Map<string, number>();
          for (const want of expectedEndpoints(step, family).values()) {
            counts.set(want.ports, (counts.get(want.ports) ?? 0) + 1);
          }
          let slices = 0;
          for (const count of counts.values()) slices += Math.ceil(count / max);
          const created = changes.create.filter((slice) => slice.addressType === family);
          expect(created).toHaveLength(Math.max(slices, 1));
          for (const slice of created) {
            const names = slice.endpoints.map((endpoint) => endpoint.targetRef?.name ?? '');
            expect(names).toEqual([...names].sort());
          }
        }
      }),
      { seed: 8102, numRuns: 300 },
    );
  });

  it('does not depend on the order of the pods or of the existing slices (seed 8103)', () => {
    fc.assert(
      fc.property(steps(3), fc.integer({ min: 1, max: 5 }), (allSteps, max) => {
        let slices: EndpointSlice[] = [];
        for (const [index, step] of allSteps.entries()) {
          const service = makeService(step.service);
          const pods = makePodFacts(step.pods);
          // Both runs draw the same names, and no step reuses a name of an earlier one.
          const start = index * 1000;
          const forward = reconcileEndpointSlices({
            service,
            pods,
            existingSlices: slices,
            maxEndpointsPerSlice: max,
            newSliceName: namer(start),
          });
          const backward = reconcileEndpointSlices({
            service,
            pods: [...pods].reverse(),
            existingSlices: [...slices].reverse(),
            maxEndpointsPerSlice: max,
            newSliceName: namer(start),
          });
          expect(backward).toEqual(forward);
          slices = apply(slices, forward);
        }
      }),
      { seed: 8103, numRuns: 200 },
    );
  });
});
