import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ContainerPort, EndpointSlice, Pod, Service } from '@knsim/api';
import type { PodEndpointFacts } from '../../src/endpoints/podToEndpoint.js';
import {
  reconcileEndpointSlices,
  type EndpointSliceChanges,
  type ReconcileEndpointSlicesInput,
} from '../../src/endpoints/reconcileEndpointSlices.js';

// reconcileEndpointSlices remembers, per Service object, the pods of its latest call and what it
// derived from each facts object. These tests pass the same objects again, the way the
// EndpointSlice controller does (pods kept in a Set: replaced in place, removed anywhere,
// appended at the end), and check every result against a run that gets fresh copies of
// everything, where nothing can be remembered.

/** What varies about a pod; equal states give equal facts objects. */
interface PodState {
  readonly name: number;
  readonly uid: number;
  readonly phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  readonly ips: 'none' | 'v4' | 'v6' | 'dual';
  readonly ready: boolean;
  readonly terminating: boolean;
  /** 0 and 1: shared container arrays with different ports, 2: none, 3: an equal fresh copy of 0. */
  readonly ports: 0 | 1 | 2 | 3;
  readonly nodeExists: boolean;
  readonly zone: 'a' | 'b' | undefined;
}

interface ServiceState {
  readonly families: readonly ('IPv4' | 'IPv6')[];
  readonly publishNotReady: boolean;
  readonly tier: string | undefined;
  readonly deleting: boolean;
}

type Op =
  | { readonly kind: 'replace'; readonly at: number; readonly pod: PodState }
  | { readonly kind: 'toggle'; readonly at: number }
  | { readonly kind: 'remove'; readonly at: number }
  | { readonly kind: 'append'; readonly pod: PodState }
  | { readonly kind: 'reverse' }
  | { readonly kind: 'repeat'; readonly at: number }
  | { readonly kind: 'service'; readonly service: ServiceState }
  | { readonly kind: 'sameService' };

const podState: fc.Arbitrary<PodState> = fc.record({
  // Few names, so that two pods sometimes share one.
  name: fc.nat(40),
  uid: fc.nat(1),
  phase: fc.constantFrom('Running', 'Running', 'Running', 'Pending', 'Succeeded', 'Failed'),
  ips: fc.constantFrom('v4', 'v4', 'v4', 'dual', 'v6', 'none'),
  ready: fc.boolean(),
  terminating: fc.constantFrom(false, false, false, true),
  ports: fc.constantFrom(0, 0, 0, 0, 1, 2, 3),
  nodeExists: fc.constantFrom(true, true, true, true, false),
  zone: fc.constantFrom('a', 'b', undefined),
});

const serviceState: fc.Arbitrary<ServiceState> = fc.record({
  families: fc.constantFrom<readonly ('IPv4' | 'IPv6')[]>(['IPv4'], ['IPv4'], ['IPv6'], ['IPv4', 'IPv6']),
  publishNotReady: fc.constantFrom(false, false, true),
  tier: fc.constantFrom(undefined, 'front'),
  deleting: fc.constantFrom(false, false, false, false, true),
});

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), pod: podState }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('toggle' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('append' as const), pod: podState }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reverse' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('repeat' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('service' as const), service: serviceState }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'sameService' as const }) },
);

const HTTP: ContainerPort = { name: 'http', containerPort: 8080, protocol: 'TCP' };
const CONTAINERS = [
  [{ name: 'main', ports: [HTTP] }],
  [{ name: 'main', ports: [{ ...HTTP, containerPort: 8081 }] }],
  [{ name: 'main', ports: [] }],
];

function makeService(state: ServiceState): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: 'svc-uid',
      labels: state.tier === undefined ? { app: 'web' } : { app: 'web', tier: state.tier },
      ...(state.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: {
      type: 'ClusterIP',
      clusterIP: '10.96.0.10',
      selector: { app: 'web' },
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }],
      publishNotReadyAddresses: state.publishNotReady,
      ipFamilies: state.families,
    },
  };
}

function makeFacts(state: PodState): PodEndpointFacts {
  const index = state.name + 1;
  const ips = {
    none: [],
    v4: [`10.0.${state.uid}.${index}`],
    v6: [`fd00::${state.uid}:${index.toString(16)}`],
    dual: [`10.0.${state.uid}.${index}`, `fd00::${state.uid}:${index.toString(16)}`],
  }[state.ips];
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `web-${String(state.name).padStart(2, '0')}`,
      namespace: 'default',
      uid: `uid-${state.name}-${state.uid}`,
      labels: { app: 'web' },
    },
    spec: {
      nodeName: `node-${state.name % 3}`,
      containers: state.ports === 3 ? structuredClone(CONTAINERS[0] ?? []) : (CONTAINERS[state.ports] ?? []),
    },
    status: {
      phase: state.phase,
      ...(ips.length === 0 ? {} : { podIP: ips[0] as string, podIPs: ips.map((ip) => ({ ip })) }),
    },
  };
  return {
    pod,
    ready: state.ready,
    terminating: state.terminating,
    ips,
    nodeExists: state.nodeExists,
    ...(state.zone === undefined ? {} : { zone: state.zone }),
  };
}

function apply(existing: readonly EndpointSlice[], changes: EndpointSliceChanges): EndpointSlice[] {
  const byName = new Map(existing.map((slice) => [slice.metadata.name ?? '', slice]));
  for (const name of changes.delete) byName.delete(name);
  for (const slice of [...changes.update, ...changes.create]) byName.set(slice.metadata.name ?? '', slice);
  return [...byName.values()];
}

function namer(): (prefix: string) => string {
  let next = 0;
  return (prefix) => `${prefix}${next++}`;
}

/**
 * Runs the ops twice: once reusing the facts and Service objects (and the slices produced)
 * as a caller with caches would, once with fresh copies of every input. Returns both series
 * of results, serialized when they were returned.
 */
function runBoth(
  initial: readonly PodState[],
  firstService: ServiceState,
  ops: readonly Op[],
  max: number,
): { reused: string[]; fresh: string[]; later: string[] } {
  // Reused world: one facts object per pod version, as the controller's cache keeps them.
  let states = [...initial];
  let facts = states.map(makeFacts);
  let serviceState = firstService;
  let service = makeService(serviceState);
  let reusedSlices: EndpointSlice[] = [];
  let freshSlices: EndpointSlice[] = [];
  const reusedNames = namer();
  const freshNames = namer();
  const reusedResults: EndpointSliceChanges[] = [];
  const reused: string[] = [];
  const fresh: string[] = [];
  const call = (step: number): void => {
    const common: Omit<ReconcileEndpointSlicesInput, 'service' | 'pods' | 'existingSlices' | 'newSliceName'> =
      {
        maxEndpointsPerSlice: max,
        ...(step % 3 === 0 ? { triggerTime: `2026-01-01T00:00:0${step % 10}Z` } : {}),
      };
    const a = reconcileEndpointSlices({
      ...common,
      service,
      pods: [...facts],
      existingSlices: reusedSlices,
      newSliceName: reusedNames,
    });
    const b = reconcileEndpointSlices({
      ...common,
      service: structuredClone(service),
      pods: structuredClone(facts),
      existingSlices: structuredClone(freshSlices),
      newSliceName: freshNames,
    });
    reusedResults.push(a);
    reused.push(JSON.stringify(a));
    fresh.push(JSON.stringify(b));
    reusedSlices = apply(reusedSlices, a);
    freshSlices = apply(freshSlices, b);
  };
  call(0);
  ops.forEach((next, index) => {
    const at = states.length === 0 ? -1 : ('at' in next ? next.at : 0) % states.length;
    switch (next.kind) {
      case 'replace':
      case 'toggle': {
        if (at < 0) break;
        const state =
          next.kind === 'replace' ? next.pod : { ...(states[at] as PodState), ready: !states[at]?.ready };
        states = states.map((old, i) => (i === at ? state : old));
        facts = facts.map((old, i) => (i === at ? makeFacts(state) : old));
        break;
      }
      case 'remove':
        if (at < 0) break;
        states = states.filter((_, i) => i !== at);
        facts = facts.filter((_, i) => i !== at);
        break;
      case 'append':
        states = [...states, next.pod];
        facts = [...facts, makeFacts(next.pod)];
        break;
      case 'reverse':
        states = [...states].reverse();
        facts = [...facts].reverse();
        break;
      case 'repeat':
        // The very same facts object twice (a caller bug the reconciler must still survive).
        if (at < 0) break;
        states = [...states, states[at] as PodState];
        facts = [...facts, facts[at] as PodEndpointFacts];
        break;
      case 'service':
        serviceState = next.service;
        service = makeService(serviceState);
        break;
      case 'sameService':
        service = makeService(serviceState);
        break;
    }
    call(index + 1);
  });
  // Results are never patched afterwards: each still reads as it did when returned.
  return { reused, fresh, later: reusedResults.map((result) => JSON.stringify(result)) };
}

/** Every written slice lists its endpoints by pod name, then address. */
function expectEndpointsInOrder(changes: EndpointSliceChanges): void {
  for (const slice of [...changes.create, ...changes.update]) {
    const keys = slice.endpoints.map((endpoint) => [
      endpoint.targetRef?.name ?? '',
      endpoint.addresses[0] ?? '',
    ]);
    const sorted = [...keys].sort(([a = '', x = ''], [b = '', y = '']) =>
      a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0,
    );
    expect(keys).toEqual(sorted);
  }
}

describe('reconcileEndpointSlices with reused inputs', () => {
  it('returns exactly what fresh inputs give, call after call (seed 8104)', () => {
    fc.assert(
      fc.property(
        fc.array(podState, { maxLength: 30 }),
        serviceState,
        fc.array(op, { minLength: 1, maxLength: 25 }),
        fc.constantFrom(1, 2, 3, 5, 100),
        (initial, service, ops, max) => {
          const { reused, fresh, later } = runBoth(initial, service, ops, max);
          // Serialized, so that the order of keys counts too.
          expect(reused).toEqual(fresh);
          expect(later).toEqual(reused);
          for (const result of reused) expectEndpointsInOrder(JSON.parse(result) as EndpointSliceChanges);
        },
      ),
      { seed: 8104, numRuns: 400 },
    );
  });

  it('updates the one slice of a 15-pod Service as one pod at a time changes', () => {
    const pods: PodState[] = Array.from({ length: 15 }, (_, name) => ({
      name,
      uid: 0,
      phase: 'Running',
      ips: 'v4',
      ready: true,
      terminating: false,
      ports: 0,
      nodeExists: true,
      zone: 'a',
    }));
    const ops: Op[] = [];
    for (let i = 0; i < 60; i++) {
      // Readiness flips, and now and then a pod is deleted and a new one created.
      if (i % 10 === 9)
        ops.push({ kind: 'remove', at: i * 7 }, { kind: 'append', pod: { ...pods[0]!, name: 20 + i } });
      else ops.push({ kind: 'toggle', at: i * 7 });
    }
    const { reused, fresh } = runBoth(
      pods,
      { families: ['IPv4'], publishNotReady: false, tier: undefined, deleting: false },
      ops,
      100,
    );
    expect(reused).toEqual(fresh);
    for (const result of reused.slice(1)) {
      const changes = JSON.parse(result) as EndpointSliceChanges;
      if (changes.update.length === 0) continue;
      expect(changes.create).toEqual([]);
      expect(changes.delete).toEqual([]);
      expect(changes.update).toHaveLength(1);
      const names = changes.update[0]?.endpoints.map((endpoint) => endpoint.targetRef?.name ?? '') ?? [];
      expect(names).toEqual([...names].sort());
    }
  });
});
