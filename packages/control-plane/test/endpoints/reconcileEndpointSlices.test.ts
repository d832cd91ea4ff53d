import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import type { ContainerPort, EndpointPort, EndpointSlice, Pod, Service } from '@knsim/api';
import { RandomStreams } from '@knsim/core';
import type { PodEndpointFacts } from '../../src/endpoints/podToEndpoint.js';
import {
  ENDPOINTSLICE_CONTROLLER_NAME,
  endpointSliceLabels,
  endpointSlicePrefix,
  GENERATE_NAME_ALPHABET,
  generateSliceName,
  HEADLESS_LABEL,
  LAST_CHANGE_TRIGGER_TIME_ANNOTATION,
  MANAGED_BY_LABEL,
  portListKey,
  reconcileEndpointSlices,
  serviceAddressTypes,
  type EndpointSliceChanges,
  type ReconcileEndpointSlicesInput,
} from '../../src/endpoints/reconcileEndpointSlices.js';

const HTTP_PORT: ContainerPort = { name: 'http', containerPort: 8080, protocol: 'TCP' };

function service(spec: Partial<Service['spec']> = {}, meta: Partial<Service['metadata']> = {}): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default', uid: 'svc-uid', ...meta },
    spec: {
      type: 'ClusterIP',
      clusterIP: '10.96.0.10',
      selector: { app: 'web' },
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }],
      ...spec,
    },
  };
}

interface PodOptions {
  readonly ports?: readonly ContainerPort[];
  readonly ready?: boolean;
  readonly hostname?: string;
  readonly subdomain?: string;
  readonly ips?: readonly string[];
}

function pod(index: number, options: PodOptions = {}): Pod {
  const name = `web-${String(index).padStart(5, '0')}`;
  const ips = options.ips ?? [`10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: { app: 'web' } },
    spec: {
      nodeName: `node-${index % 3}`,
      containers: [{ name: 'main', ports: options.ports ?? [HTTP_PORT] }],
      ...(options.hostname === undefined ? {} : { hostname: options.hostname }),
      ...(options.subdomain === undefined ? {} : { subdomain: options.subdomain }),
    },
    status: {
      phase: 'Running',
      podIP: ips[0] ?? '',
      podIPs: ips.map((ip) => ({ ip })),
      conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True' }],
    },
  };
}

function pods(from: number, to: number, options: PodOptions = {}): PodEndpointFacts[] {
  const out: PodEndpointFacts[] = [];
  for (let i = from; i < to; i++) out.push({ pod: pod(i, options) });
  return out;
}

/** Names slices web-0001, web-0002, ... so tests can predict them. */
function counterNames(): (prefix: string) => string {
  let next = 0;
  return (prefix) => `${prefix}${String(++next).padStart(4, '0')}`;
}

/** Applies changes to a set of slices, checking that they make sense as API calls. */
function apply(existing: readonly EndpointSlice[], changes: EndpointSliceChanges): EndpointSlice[] {
  const byName = new Map(existing.map((slice) => [slice.metadata.name ?? '', slice]));
  for (const name of changes.delete) {
    expect(byName.has(name), `delete of unknown slice ${name}`).toBe(true);
    byName.delete(name);
  }
  for (const slice of changes.update) {
    const name = slice.metadata.name ?? '';
    expect(byName.has(name), `update of unknown slice ${name}`).toBe(true);
    byName.set(name, slice);
  }
  for (const slice of changes.create) {
    const name = slice.metadata.name ?? '';
    expect(byName.has(name), `create of existing slice ${name}`).toBe(false);
    byName.set(name, slice);
  }
  return [...byName.values()];
}

function reconcile(
  svc: Service,
  podFacts: readonly PodEndpointFacts[],
  existingSlices: readonly EndpointSlice[],
  extra: Partial<ReconcileEndpointSlicesInput> = {},
  newSliceName = counterNames(),
): EndpointSliceChanges {
  return reconcileEndpointSlices({ service: svc, pods: podFacts, existingSlices, newSliceName, ...extra });
}

const sizes = (slices: readonly EndpointSlice[]): number[] => slices.map((slice) => slice.endpoints.length);
const podNames = (slice: EndpointSlice | undefined): string[] =>
  (slice?.endpoints ?? []).map((endpoint) => endpoint.targetRef?.name ?? '');
const noChanges = { create: [], update: [], delete: [], podsOnMissingNodes: [] };

describe('packing', () => {
  it('puts 250 pods in slices of 100, 100 and 50, endpoints sorted by pod name', () => {
    const changes = reconcile(service(), pods(0, 250).reverse(), []);
    expect(changes.update).toEqual([]);
    expect(changes.delete).toEqual([]);
    expect(sizes(changes.create)).toEqual([100, 100, 50]);
    expect(changes.create.map((slice) => slice.metadata.name)).toEqual(['web-0001', 'web-0002', 'web-0003']);
    const first = podNames(changes.create[0]);
    expect(first).toEqual([...first].sort());
    expect(first[0]).toBe('web-00000');
    expect(podNames(changes.create[2])[49]).toBe('web-00249');
    expect(changes.create[0]?.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(changes.create[0]?.addressType).toBe('IPv4');
    expect(changes.create[0]?.metadata).toMatchObject({
      generateName: 'web-',
      namespace: 'default',
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'svc-uid', controller: true }],
    });
  });

  it('changes nothing when nothing differs, whatever the input order', () => {
    const slices = apply([], reconcile(service(), pods(0, 250), []));
    expect(reconcile(service(), pods(0, 250), slices)).toEqual(noChanges);
    expect(reconcile(service(), pods(0, 250).reverse(), [...slices].reverse())).toEqual(noChanges);
  });

  it('updates a slice in place when 30 of its pods go', () => {
    const slices = apply([], reconcile(service(), pods(0, 250), []));
    const changes = reconcile(service(), [...pods(0, 100), ...pods(130, 250)], slices);
    expect(changes.create).toEqual([]);
    expect(changes.delete).toEqual([]);
    expect(changes.update.map((slice) => slice.metadata.name)).toEqual(['web-0002']);
    expect(sizes(changes.update)).toEqual([70]);
  });

  it('fills the unchanged slice that ends up closest to full', () => {
    // Slices of 100, 70 and 50; 25 new pods fit best into the 70 (gap 5, against 25 for the 50).
    let slices = apply([], reconcile(service(), pods(0, 250), []));
    slices = apply(slices, reconcile(service(), [...pods(0, 100), ...pods(130, 250)], slices));
    const changes = reconcile(service(), [...pods(0, 100), ...pods(130, 250), ...pods(1000, 1025)], slices);
    expect(changes.create).toEqual([]);
    expect(changes.update.map((slice) => slice.metadata.name)).toEqual(['web-0002']);
    expect(sizes(changes.update)).toEqual([95]);
  });

  it('puts new endpoints first into slices being updated anyway, fullest first', () => {
    // Slices of 100, 100, 50. Remove 10 from the first and 20 from the third, add 40: the first
    // (90 left) takes 10, the third (30 left) takes the other 30; the second stays untouched.
    const slices = apply([], reconcile(service(), pods(0, 250), []));
    const changes = reconcile(service(), [...pods(10, 200), ...pods(220, 250), ...pods(1000, 1040)], slices);
    expect(changes.create).toEqual([]);
    expect(changes.delete).toEqual([]);
    expect(changes.update.map((slice) => [slice.metadata.name, slice.endpoints.length])).toEqual([
      ['web-0001', 100],
      ['web-0003', 60],
    ]);
  });

  it('creates a new slice when the leftovers fit nowhere', () => {
    const slices = apply([], reconcile(service(), pods(0, 200), []));
    const changes = reconcile(service(), pods(0, 230), slices, {}, () => 'web-new');
    expect(changes.update).toEqual([]);
    expect(changes.create.map((slice) => [slice.metadata.name, slice.endpoints.length])).toEqual([
      ['web-new', 30],
    ]);
  });

  it('turns a create plus a delete into an update that reuses the name', () => {
    // A new target port changes every pod's port list: the old slices would all be deleted and
    // new ones created; instead the old names are reused.
    const slices = apply([], reconcile(service(), pods(0, 250), []));
    const moved = service({ ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 9090 }] });
    const changes = reconcile(moved, pods(0, 250), slices, {}, () => {
      throw new Error('no name should be generated');
    });
    expect(changes.create).toEqual([]);
    expect(changes.delete).toEqual([]);
    expect(changes.update.map((slice) => slice.metadata.name)).toEqual(['web-0001', 'web-0002', 'web-0003']);
    expect(sizes(changes.update).sort()).toEqual([100, 100, 50]);
    for (const slice of changes.update)
      expect(slice.ports).toEqual([{ name: 'http', port: 9090, protocol: 'TCP' }]);
    expect(reconcile(moved, pods(0, 250), apply(slices, changes))).toEqual(noChanges);
  });

  it('fills an unchanged slice only when less than a full slice remains', () => {
    // A headless Service without ports: its placeholder has the same (empty) port list as the
    // pods, so it is an unchanged slice they could go into, but only if fewer than max remain.
    const headless = service({ clusterIP: 'None', ports: [] });
    const placeholder = apply([], reconcile(headless, [], [], { maxEndpointsPerSlice: 3 }));
    const two = reconcile(headless, pods(0, 2), placeholder, { maxEndpointsPerSlice: 3 });
    expect(two.create).toEqual([]);
    expect(two.update.map((slice) => [slice.metadata.name, slice.endpoints.length])).toEqual([
      ['web-0001', 2],
    ]);
    const three = reconcile(headless, pods(0, 3), placeholder, { maxEndpointsPerSlice: 3 }, () => 'web-new');
    expect(three.update).toEqual([]);
    expect(three.delete).toEqual([]);
    expect(three.create.map((slice) => [slice.metadata.name, slice.endpoints.length])).toEqual([
      ['web-new', 3],
    ]);
  });

  it('honours maxEndpointsPerSlice and rejects values outside 1..1000', () => {
    expect(sizes(reconcile(service(), pods(0, 7), [], { maxEndpointsPerSlice: 3 }).create)).toEqual([
      3, 3, 1,
    ]);
    expect(() => reconcile(service(), [], [], { maxEndpointsPerSlice: 0 })).toThrow(RangeError);
    expect(() => reconcile(service(), [], [], { maxEndpointsPerSlice: 1001 })).toThrow(RangeError);
  });
});

describe('port lists', () => {
  it('puts pods lacking the named port (or with another number) in their own slices', () => {
    const svc = service({
      ports: [
        { name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' },
        { name: 'metrics', port: 9100, protocol: 'TCP', targetPort: 9100 },
      ],
    });
    const podFacts = [
      ...pods(0, 3),
      ...pods(3, 5, { ports: [{ name: 'http', containerPort: 8081, protocol: 'TCP' }] }),
      // Same name, wrong protocol: does not resolve.
      ...pods(5, 6, { ports: [{ name: 'http', containerPort: 8080, protocol: 'UDP' }] }),
    ];
    const changes = reconcile(svc, podFacts, []);
    const byPorts = new Map(changes.create.map((slice) => [portListKey(slice.ports), slice]));
    expect(changes.create).toHaveLength(3);
    const metrics: EndpointPort = { name: 'metrics', port: 9100, protocol: 'TCP' };
    const key8080 = portListKey([{ name: 'http', port: 8080, protocol: 'TCP' }, metrics]);
    const key8081 = portListKey([{ name: 'http', port: 8081, protocol: 'TCP' }, metrics]);
    expect(podNames(byPorts.get(key8080))).toEqual(['web-00000', 'web-00001', 'web-00002']);
    expect(podNames(byPorts.get(key8081))).toEqual(['web-00003', 'web-00004']);
    expect(byPorts.get(portListKey([metrics]))?.ports).toEqual([metrics]);
    expect(podNames(byPorts.get(portListKey([metrics])))).toEqual(['web-00005']);
  });

  it('groups existing slices by port list whatever the port order', () => {
    const svc = service({
      ports: [
        { name: 'a', port: 1, protocol: 'TCP', targetPort: 1 },
        { name: 'b', port: 2, protocol: 'UDP', targetPort: 2 },
      ],
    });
    const slices = apply([], reconcile(svc, pods(0, 5), []));
    const reordered = slices.map((slice) => ({ ...slice, ports: [...(slice.ports ?? [])].reverse() }));
    expect(reconcile(svc, pods(0, 5), reordered)).toEqual(noChanges);
  });
});

describe('placeholder', () => {
  it('creates one port-less, endpoint-less slice for a Service without endpoints', () => {
    const changes = reconcile(service(), [], []);
    expect(changes.create).toHaveLength(1);
    expect(changes.create[0]).toMatchObject({ addressType: 'IPv4', ports: [], endpoints: [] });
    expect(reconcile(service(), [], changes.create)).toEqual(noChanges);
  });

  it('reuses the placeholder for the first endpoints and turns the last slice back into one', () => {
    let slices = apply([], reconcile(service(), [], []));
    const filled = reconcile(service(), pods(0, 3), slices);
    expect(filled.create).toEqual([]);
    expect(filled.delete).toEqual([]);
    expect(filled.update.map((slice) => [slice.metadata.name, slice.endpoints.length])).toEqual([
      ['web-0001', 3],
    ]);
    slices = apply(slices, filled);
    const emptied = reconcile(service(), [], slices);
    expect(emptied.create).toEqual([]);
    expect(emptied.delete).toEqual([]);
    expect(emptied.update).toHaveLength(1);
    expect(emptied.update[0]).toMatchObject({ metadata: { name: 'web-0001' }, ports: [], endpoints: [] });
  });

  it('keeps one placeholder when all of several slices empty out', () => {
    const slices = apply([], reconcile(service(), pods(0, 250), []));
    const changes = reconcile(service(), [], slices);
    expect(changes.create).toEqual([]);
    expect(changes.update).toHaveLength(1);
    expect(changes.update[0]?.endpoints).toEqual([]);
    expect(changes.delete).toHaveLength(2);
  });

  it('counts pods without a usable IP as no endpoints', () => {
    const notRunning = pods(0, 2).map(({ pod: p }) => ({
      pod: { ...p, status: { phase: 'Failed' as const } },
    }));
    expect(reconcile(service(), notRunning, []).create[0]?.endpoints).toEqual([]);
  });
});

describe('labels', () => {
  it('copies the Service labels except reserved ones and adds the controller labels', () => {
    const svc = service(
      {},
      { labels: { app: 'web', tier: 'front', [MANAGED_BY_LABEL]: 'someone', [HEADLESS_LABEL]: 'x' } },
    );
    expect(reconcile(svc, pods(0, 1), []).create[0]?.metadata.labels).toEqual({
      app: 'web',
      tier: 'front',
      'kubernetes.io/service-name': 'web',
      [MANAGED_BY_LABEL]: ENDPOINTSLICE_CONTROLLER_NAME,
    });
  });

  it('marks headless Services (clusterIP None or not set)', () => {
    expect(endpointSliceLabels(service({ clusterIP: 'None' }))[HEADLESS_LABEL]).toBe('');
    expect(endpointSliceLabels(service({ clusterIP: '' }))[HEADLESS_LABEL]).toBe('');
    expect(endpointSliceLabels(service())).not.toHaveProperty(HEADLESS_LABEL);
  });

  it('updates slices when the Service labels change, but not for reserved labels alone', () => {
    const slices = apply([], reconcile(service(), pods(0, 150), []));
    const relabelled = service({}, { labels: { tier: 'back' } });
    const changes = reconcile(relabelled, pods(0, 150), slices);
    expect(changes.create).toEqual([]);
    expect(changes.update).toHaveLength(2);
    for (const slice of changes.update) expect(slice.metadata.labels?.tier).toBe('back');
    const reservedOnly = service({}, { labels: { [HEADLESS_LABEL]: '' } });
    expect(reconcile(reservedOnly, pods(0, 150), slices)).toEqual(noChanges);
  });
});

describe('hostname in slices', () => {
  it('carries the hostname only when the subdomain is the Service name', () => {
    const svc = service({ clusterIP: 'None' });
    const podFacts = [
      { pod: pod(0, { hostname: 'web-0', subdomain: 'web' }) },
      { pod: pod(1, { hostname: 'web-1', subdomain: 'db' }) },
    ];
    const endpoints = reconcile(svc, podFacts, []).create[0]?.endpoints ?? [];
    expect(endpoints.map((endpoint) => endpoint.hostname)).toEqual(['web-0', undefined]);
  });
});

describe('Services without managed slices', () => {
  it('deletes every slice of an ExternalName Service or one without a selector', () => {
    const slices = apply([], reconcile(service(), pods(0, 150), []));
    const external = service({ type: 'ExternalName', externalName: 'example.com' });
    expect(reconcile(external, pods(0, 150), slices)).toEqual({
      ...noChanges,
      delete: ['web-0001', 'web-0002'],
    });
    const { selector: _selector, ...specWithoutSelector } = service().spec;
    const noSelector: Service = { ...service(), spec: specWithoutSelector };
    expect(reconcile(noSelector, pods(0, 150), slices).delete).toEqual(['web-0001', 'web-0002']);
    expect(reconcile(noSelector, pods(0, 150), [])).toEqual(noChanges);
  });
});

describe('address types', () => {
  const dualPods = (from: number, to: number): PodEndpointFacts[] =>
    pods(from, to).map((facts, i) => ({ ...facts, ips: [`10.0.0.${from + i}`, `fd00::${from + i}`] }));

  it('keeps one set of slices per family of the Service', () => {
    const svc = service({ ipFamilies: ['IPv4', 'IPv6'] });
    const changes = reconcile(svc, dualPods(0, 3), []);
    expect(changes.create.map((slice) => [slice.addressType, slice.endpoints[0]?.addresses])).toEqual([
      ['IPv4', ['10.0.0.0']],
      ['IPv6', ['fd00::']],
    ]);
  });

  it('deletes slices of a family the Service dropped, without reusing them', () => {
    const dual = service({ ipFamilies: ['IPv4', 'IPv6'] });
    const slices = apply([], reconcile(dual, dualPods(0, 3), []));
    const changes = reconcile(service({ ipFamilies: ['IPv4'] }), dualPods(0, 3), slices);
    expect(changes).toEqual({ ...noChanges, delete: ['web-0002'] });
  });

  it('gives an IPv6 placeholder to a v6 Service whose pods have only IPv4', () => {
    const changes = reconcile(service({ ipFamilies: ['IPv6'] }), pods(0, 3), []);
    expect(changes.create.map((slice) => [slice.addressType, slice.endpoints.length])).toEqual([['IPv6', 0]]);
  });

  it('defaults to the family of the cluster IP, else IPv4', () => {
    expect(serviceAddressTypes(service({ clusterIP: 'fd00::10' }))).toEqual(['IPv6']);
    expect(serviceAddressTypes(service({ clusterIP: 'None' }))).toEqual(['IPv4']);
    expect(serviceAddressTypes(service({ ipFamilies: ['IPv6', 'IPv4'] }))).toEqual(['IPv6', 'IPv4']);
  });
});

describe('ownership, missing nodes, deletion, annotations', () => {
  it('deletes a slice owned by another Service instead of reusing it', () => {
    const [stale] = apply([], reconcile(service({}, { uid: 'old-uid' }), pods(0, 3), []));
    const changes = reconcile(
      service(),
      pods(0, 3),
      stale === undefined ? [] : [stale],
      {},
      () => 'web-fresh',
    );
    expect(changes.delete).toEqual(['web-0001']);
    expect(changes.create.map((slice) => slice.metadata.name)).toEqual(['web-fresh']);
  });

  it('leaves out pods whose node is missing unless not-ready addresses are published', () => {
    const podFacts = [...pods(0, 2), { pod: pod(2), nodeExists: false }];
    const changes = reconcile(service(), podFacts, []);
    expect(podNames(changes.create[0])).toEqual(['web-00000', 'web-00001']);
    expect(changes.podsOnMissingNodes).toEqual(['web-00002']);
    const publishing = reconcile(service({ publishNotReadyAddresses: true }), podFacts, []);
    expect(podNames(publishing.create[0])).toHaveLength(3);
    expect(publishing.podsOnMissingNodes).toEqual([]);
  });

  it('creates nothing for a Service being deleted, but still updates', () => {
    const deleting = service({}, { deletionTimestamp: '2026-01-01T00:00:00Z' });
    expect(reconcile(deleting, pods(0, 3), [])).toEqual(noChanges);
    const slices = apply([], reconcile(service(), pods(0, 3), []));
    expect(reconcile(deleting, pods(0, 2), slices).update).toHaveLength(1);
  });

  it('writes the trigger time on changed slices and removes it when none is given', () => {
    const changes = reconcile(service(), pods(0, 3), [], { triggerTime: '2026-01-01T00:00:01Z' });
    expect(changes.create[0]?.metadata.annotations).toEqual({
      [LAST_CHANGE_TRIGGER_TIME_ANNOTATION]: '2026-01-01T00:00:01Z',
    });
    const slices = apply([], changes);
    expect(reconcile(service(), pods(0, 3), slices)).toEqual(noChanges);
    expect(reconcile(service(), pods(0, 2), slices).update[0]?.metadata).not.toHaveProperty('annotations');
  });

  it('refreshes endpoints whose conditions changed', () => {
    const slices = apply([], reconcile(service(), pods(0, 3), []));
    const changes = reconcile(service(), [...pods(0, 2), ...pods(2, 3, { ready: false })], slices);
    expect(changes.update[0]?.endpoints[2]?.conditions).toEqual({
      ready: false,
      serving: false,
      terminating: false,
    });
  });
});

describe('names', () => {
  it('generates <service>-<5 characters> from a seeded stream, reproducibly', () => {
    const names = (seed: number): string[] => {
      const stream = new RandomStreams(seed).stream('endpointslice-names');
      return [0, 1, 2].map(() => generateSliceName('web-', stream));
    };
    const first = names(3);
    expect(first).toEqual(names(3));
    for (const name of first) {
      expect(name).toMatch(/^web-.{5}$/);
      for (const char of name.slice(4)) expect(GENERATE_NAME_ALPHABET).toContain(char);
    }
    expect(generateSliceName('x'.repeat(70), new RandomStreams(1).stream('s'))).toHaveLength(63);
    expect(endpointSlicePrefix('web')).toBe('web-');
  });
});

describe('performance', () => {
  it('reconciles a Service with 5,000 pods in a few milliseconds', () => {
    const svc = service();
    const all = pods(0, 5000);
    const time = (run: () => unknown): number => {
      let best = Infinity;
      for (let i = 0; i < 20; i++) {
        const start = performance.now();
        run();
        best = Math.min(best, performance.now() - start);
      }
      return best;
    };
    const fresh = time(() => reconcile(svc, all, []));
    const slices = apply([], reconcile(svc, all, []));
    const steady = time(() => reconcile(svc, all, slices));
    const churn = [...pods(0, 2500), ...pods(2600, 5100)];
    const changed = time(() => reconcile(svc, churn, slices));
    console.log(
      `5000 pods: fresh ${fresh.toFixed(2)} ms, steady ${steady.toFixed(2)} ms, churn ${changed.toFixed(2)} ms`,
    );
    // Generous bounds against slow CI machines; typical runs are a few milliseconds.
    expect(fresh).toBeLessThan(100);
    expect(steady).toBeLessThan(100);
    expect(changed).toBeLessThan(100);
  });
});
