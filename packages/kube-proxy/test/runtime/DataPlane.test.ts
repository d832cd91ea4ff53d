import { describe, expect, it } from 'vitest';
import { parseManifests } from '@knsim/api';
import { MILLISECOND, SECOND } from '@knsim/core';
import { Cluster, type ClusterConfigSpec } from '@knsim/control-plane';
import { DataPlane, type ConnectResult, type DirectPick } from '../../src/runtime/DataPlane.js';
import { IptablesRandomPolicy, registerPolicy, type Backend } from '../../src/policies/index.js';

const manifests = (web: number, extra = '') => `
apiVersion: v1
kind: Pod
metadata: { name: client, namespace: shop, labels: { app: client } }
spec: { nodeName: node-1, containers: [{ name: c, image: curl }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  replicas: ${web}
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: nginx, ports: [{ name: http, containerPort: 8080 }] }] }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { selector: { app: web }, ports: [{ port: 80, targetPort: http }]${extra} }
`;

function setup(web: number, extra = '', config: ClusterConfigSpec = { nodes: 3 }) {
  const cluster = new Cluster({
    seed: 3,
    config,
    manifests: parseManifests(manifests(web, extra), 'm.yaml').objects,
  });
  const dataPlane = new DataPlane(cluster);
  cluster.converge();
  cluster.runFor(10 * SECOND); // let every kube-proxy catch up
  const service = cluster.state.services.get('shop/web')!.service;
  return { cluster, dataPlane, clusterIP: service.spec.clusterIP!, service };
}

describe('DataPlane.connect', () => {
  it('connects a pod to a ClusterIP through its node kube-proxy, keeping the pod IP as source', () => {
    const { cluster, dataPlane, clusterIP } = setup(3);
    const result = dataPlane.connect(
      { kind: 'pod', pod: 'shop/client' },
      { ip: clusterIP, port: 80, protocol: 'TCP' },
    );
    expect(result.result).toBe('connected');
    expect(result.node).toBe('node-1');
    expect(result.service).toBe('shop/web');
    expect(result.candidates).toHaveLength(3);
    expect(result.backend?.port).toBe(8080);
    expect(result.backend?.pod).toMatch(/^shop\/web-/);
    expect(result.masqueraded).toBe(false);
    expect(result.sourceIPSeenByBackend).toBe(cluster.state.pods.get('shop/client')?.podIP);
  });

  it('masquerades a hairpin: a pod reaching its own Service and landing on itself (connect and route)', () => {
    const { cluster, dataPlane, clusterIP } = setup(2);
    const [self, other] = [...cluster.state.pods.values()]
      .filter((pod) => pod.key.startsWith('shop/web-'))
      .map((pod) => pod.key);
    const target = { ip: clusterIP, port: 80, protocol: 'TCP' } as const;
    const route = dataPlane.route({ kind: 'pod', pod: self! }, target);
    const seen = new Map<string, ConnectResult>();
    for (let i = 0; i < 40; i++) {
      const direct = dataPlane.connect({ kind: 'pod', pod: self! }, target);
      const routed = route.connect();
      for (const result of [direct, routed]) seen.set(result.backend?.pod ?? '', result);
    }
    const node = cluster.state.pods.get(self!)!.nodeName!;
    // To itself: SNAT to its node's address; to the other endpoint: its own pod IP.
    expect(seen.get(self!)).toMatchObject({
      masqueraded: true,
      sourceIPSeenByBackend: cluster.state.nodes.get(node)!.address,
    });
    expect(seen.get(other!)).toMatchObject({
      masqueraded: false,
      sourceIPSeenByBackend: cluster.state.pods.get(self!)!.podIP,
    });
  });

  it('refuses (REJECT) when the Service has no endpoints, and refuses an undeclared port on a pod', () => {
    const { cluster, dataPlane, clusterIP } = setup(0);
    expect(
      dataPlane.connect({ kind: 'pod', pod: 'shop/client' }, { ip: clusterIP, port: 80, protocol: 'TCP' }),
    ).toMatchObject({ result: 'refused', reason: 'no endpoints (REJECT)' });
    const web = setup(1);
    const pod = [...web.cluster.state.pods.values()].find((p) => p.key.startsWith('shop/web-'))!;
    expect(
      web.dataPlane.connect(
        { kind: 'pod', pod: 'shop/client' },
        { ip: pod.podIP!, port: 9999, protocol: 'TCP' },
      ).result,
    ).toBe('refused');
    void cluster;
  });

  it('drops NodePort traffic on a node without local endpoints under externalTrafficPolicy Local, and preserves the client IP', () => {
    const { cluster, dataPlane, service } = setup(1, ', type: NodePort, externalTrafficPolicy: Local');
    const nodePort = service.spec.ports![0]!.nodePort!;
    const podNode = [...cluster.state.pods.values()].find((p) => p.key.startsWith('shop/web-'))!.nodeName!;
    const other = [...cluster.state.nodes.values()].find((n) => n.name !== podNode)!;
    const here = cluster.state.nodes.get(podNode)!;
    expect(
      dataPlane.connect(
        { kind: 'external', ip: '198.18.0.5' },
        { ip: other.address, port: nodePort, protocol: 'TCP' },
      ),
    ).toMatchObject({ result: 'dropped' });
    const ok = dataPlane.connect(
      { kind: 'external', ip: '198.18.0.5' },
      { ip: here.address, port: nodePort, protocol: 'TCP' },
    );
    expect(ok).toMatchObject({
      result: 'connected',
      masqueraded: false,
      sourceIPSeenByBackend: '198.18.0.5',
    });
  });

  it("answers a Local LoadBalancer Service's health check on every node: 200 where its own rules have a local ready endpoint, 503 elsewhere", () => {
    const { cluster, dataPlane, service } = setup(1, ', type: LoadBalancer, externalTrafficPolicy: Local');
    const port = service.spec.healthCheckNodePort!;
    expect(port).toBeGreaterThanOrEqual(30000);
    const podNode = [...cluster.state.pods.values()].find((p) => p.key.startsWith('shop/web-'))!.nodeName!;
    const answers = [...cluster.state.nodes.values()].map((node) => {
      const result = dataPlane.connect({ kind: 'external' }, { ip: node.address, port, protocol: 'TCP' });
      expect(result.result).toBe('connected');
      return [node.name, result.reason.match(/HTTP (\d+)/)?.[1]];
    });
    expect(Object.fromEntries(answers)).toEqual(
      Object.fromEntries(['node-1', 'node-2', 'node-3'].map((n) => [n, n === podNode ? '200' : '503'])),
    );
    // The cloud balancer only sends to the healthy node.
    const lb = service.status!.loadBalancer!.ingress![0]!.ip!;
    for (let i = 0; i < 20; i++) {
      const result = dataPlane.connect(
        { kind: 'external', ip: `198.18.0.${i + 1}` },
        { ip: lb, port: 80, protocol: 'TCP', sourcePort: 40000 + i },
      );
      expect(result).toMatchObject({
        result: 'connected',
        node: podNode,
        sourceIPSeenByBackend: `198.18.0.${i + 1}`,
      });
    }
  });

  it("keeps a partitioned node's rules as they were when its watch was cut, and catches up when it heals", () => {
    const { cluster, dataPlane, clusterIP } = setup(2);
    const from = { kind: 'pod' as const, pod: 'shop/client' }; // on node-1
    const target = { ip: clusterIP, port: 80, protocol: 'TCP' as const };
    expect(dataPlane.connect(from, target).candidates).toHaveLength(2);
    cluster.partitionNode('node-1');
    cluster.scale('Deployment', 'shop', 'web', 4);
    cluster.runFor(30 * SECOND);
    // The new pods the scheduler put on node-1 cannot start there: the others are ready.
    const elsewhere = dataPlane.connect({ kind: 'node', node: 'node-2' }, target).candidates;
    expect(elsewhere.length).toBeGreaterThan(2);
    expect(dataPlane.connect(from, target).candidates).toHaveLength(2);
    cluster.recoverNode('node-1');
    cluster.runFor(10 * SECOND);
    expect(dataPlane.connect(from, target).candidates).toEqual(
      dataPlane.connect({ kind: 'node', node: 'node-2' }, target).candidates,
    );
  });

  it('SNATs external NodePort traffic to the node under externalTrafficPolicy Cluster', () => {
    const { cluster, dataPlane, service } = setup(2, ', type: NodePort');
    const node = cluster.state.nodes.get('node-3')!;
    const result = dataPlane.connect(
      { kind: 'external' },
      { ip: node.address, port: service.spec.ports![0]!.nodePort!, protocol: 'TCP' },
    );
    expect(result).toMatchObject({
      result: 'connected',
      masqueraded: true,
      sourceIPSeenByBackend: node.address,
      node: 'node-3',
    });
  });

  it('keeps sending to a deleted pod until the node kube-proxy has caught up (stale endpoint)', () => {
    const { cluster, dataPlane, clusterIP } = setup(1, '', {
      nodes: 2,
      timings: { proxyPropagation: '2s' },
    });
    const pod = [...cluster.state.pods.values()].find((p) => p.key.startsWith('shop/web-'))!;
    cluster.delete('Pod', 'shop', pod.name);
    cluster.runFor(1500 * MILLISECOND); // the pod is gone (stopped after ~1 s), the rules are not updated yet
    const stale = dataPlane.connect(
      { kind: 'pod', pod: 'shop/client' },
      { ip: clusterIP, port: 80, protocol: 'TCP' },
    );
    expect(stale.candidates).toContain(`${pod.podIP}:8080`);
    cluster.converge();
    cluster.runFor(10 * SECOND);
    const fresh = dataPlane.connect(
      { kind: 'pod', pod: 'shop/client' },
      { ip: clusterIP, port: 80, protocol: 'TCP' },
    );
    expect(fresh.candidates).not.toContain(`${pod.podIP}:8080`);
    expect(fresh.result).toBe('connected');
  });

  it('pins a client to one backend with sessionAffinity ClientIP', () => {
    const { dataPlane, clusterIP } = setup(5, ', sessionAffinity: ClientIP');
    const backends = new Set(
      Array.from(
        { length: 20 },
        () =>
          dataPlane.connect({ kind: 'pod', pod: 'shop/client' }, { ip: clusterIP, port: 80, protocol: 'TCP' })
            .backend?.ip,
      ),
    );
    expect(backends.size).toBe(1);
  });

  it('IPVS mh: a deleted endpoint with open connections drains at weight 0, keeping its table slots (connections hashing there are refused) until the periodic check deletes it', () => {
    const { cluster, dataPlane, clusterIP } = setup(3, '', {
      nodes: 3,
      proxy: { mode: 'ipvs', ipvs: { scheduler: 'mh' } },
    });
    const connectFrom = (sourcePort: number) =>
      dataPlane.connect(
        { kind: 'pod', pod: 'shop/client' },
        { ip: clusterIP, port: 80, protocol: 'TCP', sourcePort },
      );
    const ports = Array.from({ length: 300 }, (_, i) => 20_000 + i);
    const before = ports.map(connectFrom);
    expect(before.every((r) => r.result === 'connected')).toBe(true);
    // Scale down (no replacement pod joins the table): the removed pod's connections stay open.
    const webPods = () => [...cluster.state.pods.keys()].filter((key) => key.startsWith('shop/web-'));
    const all = webPods();
    cluster.scale('Deployment', 'shop', 'web', 2);
    cluster.converge();
    const victimPod = all.find((key) => !webPods().includes(key))!;
    const held = before.filter((r) => r.backend?.pod === victimPod);
    for (const r of before) if (r.backend?.pod !== victimPod) r.release?.(cluster.now, 0, true);
    cluster.runFor(10 * SECOND);
    const draining = ports.map(connectFrom);
    ports.forEach((_, i) => {
      const was = before[i]!;
      const now = draining[i]!;
      if (was.backend?.pod === victimPod) {
        expect(now).toMatchObject({ result: 'refused', reason: 'no endpoint could be picked' });
      } else {
        // Maglev keeps every other flow where it was.
        expect(now.result).toBe('connected');
        expect(now.backend?.pod).toBe(was.backend?.pod);
      }
      now.release?.(cluster.now, 0, true);
    });
    expect(held.length).toBeGreaterThan(50);

    // The held connections end; after IPVS's inactive timeout (120 s) and the next 1-minute check
    // the real server is deleted and the table is rebuilt over the two remaining endpoints.
    for (const r of held) r.release?.(cluster.now, 0, true);
    cluster.runFor(200 * SECOND);
    connectFrom(1).release?.(cluster.now, 0, true); // the first connection after the check
    const after = ports.map(connectFrom);
    expect(after.every((r) => r.result === 'connected' && r.backend?.pod !== victimPod)).toBe(true);
  });

  it('a connection to the API server through the kubernetes Service carries its release hook (connection counting policies)', () => {
    const { cluster, dataPlane } = setup(1, '', {
      nodes: 2,
      proxy: { mode: 'ipvs', ipvs: { scheduler: 'lc' } },
    });
    const ip = cluster.state.services.get('default/kubernetes')!.service.spec.clusterIP!;
    const result = dataPlane.connect({ kind: 'pod', pod: 'shop/client' }, { ip, port: 443, protocol: 'TCP' });
    expect(result.result).toBe('connected');
    expect(result.backend?.port).toBe(6443);
    expect(result.release).toBeTypeOf('function');
  });

  it('in iptables mode a deleted endpoint simply leaves the rules: no connection is refused', () => {
    const { cluster, dataPlane, clusterIP } = setup(3);
    const held = dataPlane.connect(
      { kind: 'pod', pod: 'shop/client' },
      { ip: clusterIP, port: 80, protocol: 'TCP' },
    );
    const [namespace, name] = held.backend!.pod!.split('/') as [string, string];
    cluster.delete('Pod', namespace, name);
    cluster.converge();
    cluster.runFor(10 * SECOND);
    const results = Array.from({ length: 100 }, () =>
      dataPlane.connect({ kind: 'pod', pod: 'shop/client' }, { ip: clusterIP, port: 80, protocol: 'TCP' }),
    );
    expect(results.every((r) => r.result === 'connected' && r.backend?.pod !== held.backend?.pod)).toBe(true);
  });

  it('spreads connections over every backend in iptables mode', () => {
    const { dataPlane, clusterIP } = setup(4);
    const backends = new Set(
      Array.from(
        { length: 200 },
        () =>
          dataPlane.connect({ kind: 'pod', pod: 'shop/client' }, { ip: clusterIP, port: 80, protocol: 'TCP' })
            .backend?.ip,
      ),
    );
    expect(backends.size).toBe(4);
  });
});

describe('DataPlane.connect: UDP conntrack', () => {
  const udpManifests = `
apiVersion: v1
kind: Pod
metadata: { name: client, namespace: shop, labels: { app: client } }
spec: { nodeName: node-1, containers: [{ name: c, image: curl }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: stats, namespace: shop }
spec:
  replicas: 4
  selector: { matchLabels: { app: stats } }
  template:
    metadata: { labels: { app: stats } }
    spec: { containers: [{ name: s, image: statsd, ports: [{ containerPort: 8125, protocol: UDP }, { containerPort: 8125 }] }] }
---
apiVersion: v1
kind: Service
metadata: { name: stats, namespace: shop }
spec:
  selector: { app: stats }
  ports: [{ name: udp, port: 8125, protocol: UDP }, { name: tcp, port: 8125, protocol: TCP }]
`;
  function udpSetup() {
    const cluster = new Cluster({
      seed: 5,
      config: { nodes: 3 },
      manifests: parseManifests(udpManifests, 'm.yaml').objects,
    });
    const dataPlane = new DataPlane(cluster);
    cluster.converge();
    cluster.runFor(10 * SECOND);
    const ip = cluster.state.services.get('shop/stats')!.service.spec.clusterIP!;
    const send = (sourcePort: number, protocol: 'UDP' | 'TCP' = 'UDP') =>
      dataPlane.connect({ kind: 'pod', pod: 'shop/client' }, { ip, port: 8125, protocol, sourcePort });
    return { cluster, send };
  }
  const ports = Array.from({ length: 40 }, (_, i) => 40_000 + i);

  it('keeps a UDP flow (same 5-tuple) on its endpoint while the entry lives; TCP connections are new each time', () => {
    const { cluster, send } = udpSetup();
    for (const port of ports.slice(0, 5)) {
      const pods = new Set(Array.from({ length: 20 }, () => send(port).backend?.pod));
      expect(pods.size).toBe(1);
      cluster.runFor(20 * SECOND); // each exchange refreshes the entry
    }
    expect(new Set(ports.map((port) => send(port).backend?.pod)).size).toBe(4);
    expect(new Set(Array.from({ length: 40 }, () => send(40_000, 'TCP').backend?.pod)).size).toBeGreaterThan(
      1,
    );
    expect(send(41_000).hops.some((h) => h.startsWith('conntrack'))).toBe(false);
    expect(send(41_000).hops.some((h) => h.startsWith('conntrack'))).toBe(true);
  });

  it('live UDP entries survive the sweep of expired ones (thousands of flows)', () => {
    const { cluster, send } = udpSetup();
    const flows = Array.from({ length: 4200 }, (_, i) => 20_000 + i);
    for (const port of flows.slice(0, 2000)) send(port);
    cluster.runFor(31 * SECOND); // the first 2,000 entries expire
    const live = flows.slice(2000).map((port) => send(port).backend?.pod); // crossing 4,096 sweeps
    cluster.runFor(SECOND);
    flows.slice(2000).forEach((port, i) => expect(send(port).backend?.pod).toBe(live[i]));
  });

  it('forgets a UDP flow after udpTimeout (30 s) without traffic', () => {
    const { cluster, send } = udpSetup();
    const first = ports.map((port) => send(port).backend?.pod);
    cluster.runFor(31 * SECOND);
    const later = ports.map((port) => send(port).backend?.pod);
    expect(later.filter((pod, i) => pod !== first[i]).length).toBeGreaterThan(10);
  });

  it('flushes the UDP entries of a removed endpoint once the node has synced: the flows move to live pods', () => {
    const { cluster, send } = udpSetup();
    const podsOf = () => [...cluster.state.pods.keys()].filter((key) => key.startsWith('shop/stats-'));
    const before = podsOf();
    const first = ports.map((port) => send(port).backend?.pod);
    cluster.scale('Deployment', 'shop', 'stats', 3);
    cluster.converge();
    const removed = before.find((key) => !podsOf().includes(key))!;
    cluster.runFor(5 * SECOND);
    const after = ports.map((port) => send(port));
    expect(first.filter((pod) => pod === removed).length).toBeGreaterThan(0);
    after.forEach((result, i) => {
      expect(result.result).toBe('connected');
      expect(result.backend?.pod).not.toBe(removed);
      // Flows whose endpoint is still there stay on it.
      if (first[i] !== removed) expect(result.backend?.pod).toBe(first[i]);
    });
  });
});

describe('DataPlane.route', () => {
  // A route caches decisions and results; connect() decides each time. Twin clusters with one
  // seed must see the same connections either way, whatever the mode, policy or affinity.
  // `pinned`: one client always lands on one backend (source hashing, affinity).
  const variants: readonly { name: string; config: ClusterConfigSpec; extra?: string; pinned?: boolean }[] = [
    { name: 'iptables random', config: { nodes: 3 } },
    { name: 'nftables random', config: { nodes: 3, proxy: { mode: 'nftables' } } },
    { name: 'ipvs rr', config: { nodes: 3, proxy: { mode: 'ipvs', ipvs: { scheduler: 'rr' } } } },
    { name: 'ipvs lc', config: { nodes: 3, proxy: { mode: 'ipvs', ipvs: { scheduler: 'lc' } } } },
    {
      name: 'ipvs mh',
      config: { nodes: 3, proxy: { mode: 'ipvs', ipvs: { scheduler: 'mh' } } },
      pinned: true,
    },
    { name: 'least_request', config: { nodes: 3, proxy: { policy: 'least_request' } } as ClusterConfigSpec },
    { name: 'session affinity', config: { nodes: 3 }, extra: ', sessionAffinity: ClientIP', pinned: true },
  ];

  for (const variant of variants) {
    it(`gives the connections connect() gives (${variant.name}), across a scale-down`, () => {
      const run = (viaRoute: boolean) => {
        const { cluster, dataPlane, clusterIP } = setup(4, variant.extra ?? '', variant.config);
        const target = { ip: clusterIP, port: 80, protocol: 'TCP' as const };
        const route = dataPlane.route({ kind: 'pod', pod: 'shop/client' }, target);
        const seen: string[] = [];
        for (let i = 0; i < 120; i++) {
          if (i === 60) cluster.scale('Deployment', 'shop', 'web', 2);
          cluster.runFor(50 * MILLISECOND);
          const result = viaRoute
            ? route.connect()
            : dataPlane.connect({ kind: 'pod', pod: 'shop/client' }, target, { trace: false });
          seen.push(`${result.result} ${result.reason} ${result.backend?.pod ?? '-'} ${result.node ?? '-'}`);
          // Connections end at once, so counting policies see the same open counts both ways.
          result.release?.(cluster.now, 1_000, result.result === 'connected');
        }
        return seen;
      };
      const routed = run(true);
      expect(routed).toEqual(run(false));
      expect(new Set(routed.slice(0, 60)).size).toBe(variant.pinned === true ? 1 : 4);
    });
  }

  it('names results by position: one position, one result object, until the version changes', () => {
    const { cluster, dataPlane, clusterIP } = setup(4, '', { nodes: 3 });
    const route = dataPlane.route(
      { kind: 'pod', pod: 'shop/client' },
      { ip: clusterIP, port: 80, protocol: 'TCP' },
    );
    const byPosition = new Map<number, ConnectResult>();
    let version = -1;
    for (let i = 0; i < 200; i++) {
      if (i === 100) {
        cluster.scale('Deployment', 'shop', 'web', 2);
        cluster.runFor(10 * SECOND);
      }
      const position = route.connectAt();
      expect(position).toBeGreaterThanOrEqual(0);
      if (route.version !== version) {
        byPosition.clear();
        version = route.version;
      }
      const result = route.resultAt(position);
      expect(byPosition.get(position) ?? result).toBe(result);
      byPosition.set(position, result);
    }
    // Four backends before the scale-down, two after it (a new version, renumbered).
    expect(byPosition.size).toBe(2);
    expect(new Set([...byPosition.values()].map((r) => r.backend?.pod)).size).toBe(2);
  });

  for (const variant of variants) {
    it(`a caller keeping the direct pick connects as connectAt() does (${variant.name}), across a scale-down`, () => {
      const run = (direct: boolean) => {
        const { cluster, dataPlane, clusterIP } = setup(4, variant.extra ?? '', variant.config);
        const route = dataPlane.route(
          { kind: 'pod', pod: 'shop/client' },
          { ip: clusterIP, port: 80, protocol: 'TCP' },
        );
        let held: DirectPick | undefined;
        let heldUntil = 0;
        let heldState: unknown;
        let drawn = 0;
        const seen: string[] = [];
        for (let i = 0; i < 120; i++) {
          if (i === 60) cluster.scale('Deployment', 'shop', 'web', 2);
          cluster.runFor(50 * MILLISECOND);
          let position: number;
          if (direct && held !== undefined && heldState === cluster.state && cluster.now < heldUntil) {
            position = held.draw(held.rng, held.count);
            drawn++;
          } else {
            position = route.connectAt();
          }
          const result = position >= 0 ? route.resultAt(position) : route.lastResult!;
          // What a caller keeps: the fields as they are now (the route may change them later).
          held = route.directPick();
          heldUntil = held?.validUntil ?? 0;
          heldState = held?.state;
          seen.push(`${route.version} ${position} ${result.result} ${result.backend?.pod ?? '-'}`);
          result.release?.(cluster.now, 1_000, result.result === 'connected');
        }
        return { seen, drawn };
      };
      const directly = run(true);
      expect(directly.seen).toEqual(run(false).seen);
      // kube-proxy's own random choice offers the direct pick; the others never do.
      const plain = variant.config.proxy?.mode !== 'ipvs' && variant.config.proxy?.policy === undefined;
      expect(directly.drawn > 0).toBe(plain && variant.extra === undefined);
    });
  }

  it("a user's subclass of the iptables policy picks with its own pick on a route", () => {
    class AlwaysLast extends IptablesRandomPolicy {
      override readonly name = 'always_last';
      override pick(backends: readonly Backend[]): Backend | undefined {
        return backends.at(-1);
      }
    }
    registerPolicy('always_last', (rng) => new AlwaysLast(rng));
    const { dataPlane, clusterIP } = setup(4, '', {
      nodes: 3,
      proxy: { policy: 'always_last' },
    } as ClusterConfigSpec);
    const route = dataPlane.route(
      { kind: 'pod', pod: 'shop/client' },
      { ip: clusterIP, port: 80, protocol: 'TCP' },
    );
    const pods = new Set(Array.from({ length: 30 }, () => route.connect().backend?.pod));
    expect(pods.size).toBe(1);
  });

  it('a route with no position for its result answers -1 and leaves the result in lastResult', () => {
    const { dataPlane } = setup(2, '', { nodes: 3 });
    const route = dataPlane.route(
      { kind: 'pod', pod: 'shop/client' },
      { ip: '10.96.200.200', port: 80, protocol: 'TCP' },
    );
    expect(route.connectAt()).toBe(-1);
    expect(route.lastResult?.result).not.toBe('connected');
    expect(route.connect()).toBe(route.lastResult);
  });
});
