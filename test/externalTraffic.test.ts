import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseManifests } from '../packages/api/src/index.js';
import { bufferIo, main } from '../packages/cli/src/index.js';
import { Cluster, type ClusterConfigSpec } from '../packages/control-plane/src/index.js';
import { SECOND } from '../packages/core/src/index.js';
import { DataPlane, type ConnectResult } from '../packages/kube-proxy/src/index.js';

// Traffic from outside the cluster, end to end: `knsim connect --from external:IP --json` and the
// library (`DataPlane.connect` with `{kind: 'external'}`) on one small application.
//
// Four nodes. The two `web` pods are pinned to node-1 and node-2, so node-3 and node-4 never have
// a local endpoint; the client pod runs on node-4. Every Service selects the same pods and differs
// only in how it is exposed.

const SEED = '11';
const NODES = ['node-1', 'node-2', 'node-3', 'node-4'] as const;
const WITH_ENDPOINTS = ['node-1', 'node-2'];
const ALLOWED_RANGE = '203.0.113.0/24';

const webPod = (name: string, node: string) => `
apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: shop, labels: { app: web } }
spec:
  nodeName: ${node}
  containers: [{ name: web, image: nginx, ports: [{ name: http, containerPort: 8080 }] }]
`;

const service = (name: string, spec: string, nodePort = '') => `
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: shop }
spec:
  selector: { app: web }
  ports: [{ name: http, port: 80, targetPort: http${nodePort === '' ? '' : `, nodePort: ${nodePort}`} }]
${spec}
`;

const MANIFESTS = [
  `
apiVersion: v1
kind: Namespace
metadata: { name: shop }
`,
  `
apiVersion: v1
kind: Pod
metadata: { name: client, namespace: shop }
spec: { nodeName: node-4, containers: [{ name: c, image: curl }] }
`,
  webPod('web-a', 'node-1'),
  webPod('web-b', 'node-2'),
  service('web', '  type: ClusterIP'),
  service('web-np', '  type: NodePort\n  externalTrafficPolicy: Cluster', '30080'),
  service('web-np-local', '  type: NodePort\n  externalTrafficPolicy: Local', '30081'),
  service('web-lb', '  type: LoadBalancer\n  externalTrafficPolicy: Cluster'),
  service('web-lb-local', '  type: LoadBalancer\n  externalTrafficPolicy: Local'),
  service('web-lb-ranges', `  type: LoadBalancer\n  loadBalancerSourceRanges: [${ALLOWED_RANGE}]`),
  `
apiVersion: v1
kind: Service
metadata: { name: payments, namespace: shop }
spec: { type: ExternalName, externalName: api.partner.example }
`,
].join('\n---\n');

const PARTNER_IP = '192.0.2.10';
const REFUSING_IP = '192.0.2.20';
const SILENT_RANGE = '192.0.2.32/28';
const UNKNOWN_IP = '192.0.2.99';

const CONFIG_SPEC = {
  nodes: NODES.length,
  dns: { upstream: { records: [{ name: 'api.partner.example', type: 'A', data: PARTNER_IP }] } },
  external: {
    endpoints: [
      { name: 'partner-api', address: PARTNER_IP, ports: [443], latency: '20ms', behaviour: 'accept' },
      { name: 'legacy-crm', address: REFUSING_IP, ports: [443], behaviour: 'refuse' },
      { name: 'blackhole', address: SILENT_RANGE, behaviour: 'timeout' },
    ],
  },
} satisfies ClusterConfigSpec;

const CONFIG_YAML = `apiVersion: knsim.dev/v1alpha1
kind: ClusterConfig
nodes: ${NODES.length}
dns:
  upstream:
    records:
      - { name: api.partner.example, type: A, data: ${PARTNER_IP} }
external:
  endpoints:
    - { name: partner-api, address: ${PARTNER_IP}, ports: [443], latency: 20ms, behaviour: accept }
    - { name: legacy-crm, address: ${REFUSING_IP}, ports: [443], behaviour: refuse }
    - { name: blackhole, address: ${SILENT_RANGE}, behaviour: timeout }
`;

interface ClusterJson {
  nodes: { name: string; address: string }[];
  services: {
    namespace: string;
    name: string;
    type: string;
    clusterIP: string | null;
    externalIPs: string[];
    ports: { port: number; nodePort: number | null }[];
    healthCheckNodePort: number | null;
  }[];
}

type ConnectJson = Omit<ConnectResult, 'release' | 'result'> & { result: string };

let dir: string;
let manifestPath: string;
let configPath: string;
let cluster: ClusterJson;

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/** `knsim connect ... --json` on the test application, with the fixed seed and the config file. */
async function connect(from: string, to: string, ...extra: string[]): Promise<ConnectJson> {
  const result = await run(
    'connect',
    '-f',
    manifestPath,
    '--config',
    configPath,
    '--seed',
    SEED,
    '--from',
    from,
    '--to',
    to,
    ...extra,
    '--json',
  );
  expect(result.err).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.out) as ConnectJson;
}

function nodeAddress(name: string): string {
  const node = cluster.nodes.find((n) => n.name === name);
  if (node === undefined) throw new Error(`no node ${name}`);
  return node.address;
}

function serviceJson(name: string): ClusterJson['services'][number] {
  const found = cluster.services.find((s) => s.namespace === 'shop' && s.name === name);
  if (found === undefined) throw new Error(`no Service shop/${name}`);
  return found;
}

function nodePortOf(name: string): number {
  const port = serviceJson(name).ports[0]?.nodePort;
  if (port === undefined || port === null) throw new Error(`shop/${name} has no NodePort`);
  return port;
}

function loadBalancerIpOf(name: string): string {
  const ip = serviceJson(name).externalIPs[0];
  if (ip === undefined) throw new Error(`shop/${name} has no load-balancer address`);
  return ip;
}

/** The node a traced connection through a load balancer entered by (`load balancer IP -> node NAME`). */
function entryNode(result: Pick<ConnectResult, 'hops'>, lbIp: string): string | undefined {
  const prefix = `load balancer ${lbIp} -> node `;
  return result.hops.find((hop) => hop.startsWith(prefix))?.slice(prefix.length);
}

/** The same cluster through the library: converged, with every kube-proxy caught up. */
function libraryCluster(config: ClusterConfigSpec = CONFIG_SPEC): { cluster: Cluster; dataPlane: DataPlane } {
  const built = new Cluster({
    seed: SEED,
    config,
    manifests: parseManifests(MANIFESTS, 'app.yaml').objects,
  });
  const dataPlane = new DataPlane(built);
  built.converge();
  built.runFor(10 * SECOND);
  return { cluster: built, dataPlane };
}

/** `count` flows from distinct clients and source ports, as a busy public endpoint sees them. */
function flows(count: number): { ip: string; sourcePort: number }[] {
  return Array.from({ length: count }, (_, i) => ({
    ip: `203.0.113.${1 + (i % 200)}`,
    sourcePort: 32768 + ((i * 7919) % 28000),
  }));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'knsim-external-'));
  manifestPath = join(dir, 'app.yaml');
  configPath = join(dir, 'cluster.yaml');
  writeFileSync(manifestPath, MANIFESTS);
  writeFileSync(configPath, CONFIG_YAML);
  const result = await run('cluster', '-f', manifestPath, '--config', configPath, '--seed', SEED, '--json');
  expect(result.err).toBe('');
  expect(result.code).toBe(0);
  cluster = JSON.parse(result.out) as ClusterJson;
  expect(cluster.nodes.map((n) => n.name)).toEqual([...NODES]);
});

describe('NodePort from outside the cluster', () => {
  it('given externalTrafficPolicy Cluster, when an external client dials the NodePort on each node IP, then every node forwards it SNATed to that node', async () => {
    const nodePort = nodePortOf('web-np');
    for (const node of NODES) {
      const address = nodeAddress(node);
      const result = await connect('external:198.18.0.5', `${address}:${nodePort}`);
      expect(result).toMatchObject({
        result: 'connected',
        masqueraded: true,
        sourceIPSeenByBackend: address,
        node,
        service: 'shop/web-np',
      });
      expect(result.backend?.pod).toMatch(/^shop\/web-[ab]$/);
      expect(result.candidates).toHaveLength(2);
    }
  });

  it('given externalTrafficPolicy Local, when an external client dials the NodePort on each node IP, then only nodes with a local ready endpoint answer, with the client IP preserved', async () => {
    const nodePort = nodePortOf('web-np-local');
    const client = '198.18.0.6';
    for (const node of NODES) {
      const result = await connect(`external:${client}`, `${nodeAddress(node)}:${nodePort}`);
      if (WITH_ENDPOINTS.includes(node)) {
        expect(result).toMatchObject({
          result: 'connected',
          masqueraded: false,
          sourceIPSeenByBackend: client,
          node,
          backend: { pod: node === 'node-1' ? 'shop/web-a' : 'shop/web-b' },
        });
      } else {
        expect(result).toMatchObject({ result: 'dropped', node, backend: null, sourceIPSeenByBackend: null });
        expect(result.reason).toMatch(/no-local-endpoints/);
      }
    }
  });
});

describe('LoadBalancer from outside the cluster', () => {
  it('given externalTrafficPolicy Cluster, when many clients connect to the load-balancer IP, then flows spread over every ready node and each is SNATed to its entry node', async () => {
    const lbIp = loadBalancerIpOf('web-lb');
    // Through the CLI: one client, the balancer's hop is shown.
    const single = await connect('external:203.0.113.77', `${lbIp}:80`);
    const entry = entryNode(single, lbIp);
    expect(entry).toBeDefined();
    expect(single).toMatchObject({
      result: 'connected',
      masqueraded: true,
      sourceIPSeenByBackend: nodeAddress(entry ?? ''),
      node: entry,
      service: 'shop/web-lb',
    });

    // Through the library: many 5-tuples.
    const { cluster: lib, dataPlane } = libraryCluster();
    const used = new Map<string, number>();
    for (const flow of flows(200)) {
      const result = dataPlane.connect(
        { kind: 'external', ip: flow.ip },
        { ip: lbIp, port: 80, protocol: 'TCP', sourcePort: flow.sourcePort },
      );
      const node = entryNode(result, lbIp);
      expect(node).toBeDefined();
      expect(result.result).toBe('connected');
      expect(result.node).toBe(node);
      expect(result.masqueraded).toBe(true);
      expect(result.sourceIPSeenByBackend).toBe(lib.state.nodes.get(node ?? '')?.address);
      used.set(node ?? '', (used.get(node ?? '') ?? 0) + 1);
    }
    // Cluster policy: nodes without endpoints take traffic too and forward it.
    expect([...used.keys()].sort()).toEqual([...NODES]);
    for (const count of used.values()) expect(count).toBeGreaterThan(20);
  });

  it('given externalTrafficPolicy Local, when many clients connect to the load-balancer IP, then only nodes passing the healthCheckNodePort check receive flows and the client IP is preserved', async () => {
    const lbIp = loadBalancerIpOf('web-lb-local');
    const healthCheckNodePort = serviceJson('web-lb-local').healthCheckNodePort;
    expect(healthCheckNodePort).not.toBeNull();
    expect(healthCheckNodePort).toBeGreaterThanOrEqual(30000);
    expect(healthCheckNodePort).toBeLessThanOrEqual(32767);
    expect(healthCheckNodePort).not.toBe(nodePortOf('web-lb-local'));
    // Only Local LoadBalancers get one.
    expect(serviceJson('web-lb').healthCheckNodePort).toBeNull();

    const client = '203.0.113.78';
    const single = await connect(`external:${client}`, `${lbIp}:80`);
    expect(WITH_ENDPOINTS).toContain(entryNode(single, lbIp));
    expect(single).toMatchObject({ result: 'connected', masqueraded: false, sourceIPSeenByBackend: client });

    const { dataPlane } = libraryCluster();
    const used = new Set<string>();
    for (const flow of flows(100)) {
      const result = dataPlane.connect(
        { kind: 'external', ip: flow.ip },
        { ip: lbIp, port: 80, protocol: 'TCP', sourcePort: flow.sourcePort },
      );
      const node = entryNode(result, lbIp) ?? '';
      used.add(node);
      expect(result).toMatchObject({
        result: 'connected',
        node,
        masqueraded: false,
        sourceIPSeenByBackend: flow.ip,
        // Local policy: the entry node's own pod.
        backend: { pod: node === 'node-1' ? 'shop/web-a' : 'shop/web-b' },
      });
    }
    expect([...used].sort()).toEqual(WITH_ENDPOINTS);
  });

  it('given loadBalancerSourceRanges, when a client inside and a client outside the ranges connect, then the first connects and the second is dropped', async () => {
    const lbIp = loadBalancerIpOf('web-lb-ranges');
    const inside = await connect('external:203.0.113.200', `${lbIp}:80`);
    expect(inside).toMatchObject({ result: 'connected', service: 'shop/web-lb-ranges' });
    const outside = await connect('external:198.18.0.9', `${lbIp}:80`);
    expect(outside).toMatchObject({
      result: 'dropped',
      backend: null,
      sourceIPSeenByBackend: null,
      service: 'shop/web-lb-ranges',
    });
    expect(outside.reason).toMatch(/source-range/);
  });

  it('given --via node/NAME, when an external client connects to a load-balancer IP, then the packet enters by that node whatever the hash and health check say', async () => {
    const lbIp = loadBalancerIpOf('web-lb');
    for (const node of ['node-1', 'node-3']) {
      const result = await connect('external:203.0.113.79', `${lbIp}:80`, '--via', `node/${node}`);
      expect(entryNode(result, lbIp)).toBe(node);
      expect(result).toMatchObject({
        result: 'connected',
        node,
        masqueraded: true,
        sourceIPSeenByBackend: nodeAddress(node),
      });
    }
    // Forced onto a node the Local balancer's health check would skip: that node drops it.
    const localIp = loadBalancerIpOf('web-lb-local');
    const forced = await connect('external:203.0.113.79', `${localIp}:80`, '--via', 'node/node-3');
    expect(entryNode(forced, localIp)).toBe('node-3');
    expect(forced).toMatchObject({ result: 'dropped', node: 'node-3' });
  });

  // The cloud-provider service controller picks load-balancer nodes with
  // nodeIncludedPredicate, nodeUnTaintedPredicate (ToBeDeletedByClusterAutoscaler) and, with
  // StableLoadBalancerNodeSet (GA in 1.30), nodeNotDeletedPredicate; none looks at
  // spec.unschedulable (kubernetes/cloud-provider controllers/service/controller.go,
  // stableNodeSetPredicates / allNodePredicates). A cordoned node stays in the pool.
  it('given a cordoned node, when many clients connect to a Cluster-policy load balancer, then the cordoned node still receives flows (cordon is not an LB exclusion)', () => {
    const { cluster: lib, dataPlane } = libraryCluster();
    lib.cordon('node-3');
    lib.runFor(SECOND);
    if (lib.state.nodes.get('node-3')?.unschedulable !== true)
      throw new Error('precondition: node-3 cordoned');
    const lbIp = lib.state.services.get('shop/web-lb')?.service.status?.loadBalancer?.ingress?.[0]?.ip ?? '';
    const used = new Set<string>();
    for (const flow of flows(200)) {
      const result = dataPlane.connect(
        { kind: 'external', ip: flow.ip },
        { ip: lbIp, port: 80, protocol: 'TCP', sourcePort: flow.sourcePort },
      );
      used.add(entryNode(result, lbIp) ?? '');
    }
    expect([...used].sort()).toEqual([...NODES]);
  });

  // Real behaviour (it was a divergence once): Nodes labelled node.kubernetes.io/exclude-from-external-load-balancers are left
  // out of every load balancer (cloud-provider controllers/service/controller.go
  // nodeIncludedPredicate; v1.LabelNodeExcludeBalancers).
  it('given a node labelled node.kubernetes.io/exclude-from-external-load-balancers, when many clients connect to a load balancer, then that node never receives a flow', () => {
    const { cluster: lib, dataPlane } = libraryCluster({
      ...CONFIG_SPEC,
      nodes: NODES.map((name) =>
        name === 'node-3'
          ? { name, labels: { 'node.kubernetes.io/exclude-from-external-load-balancers': 'true' } }
          : { name },
      ),
    });
    if (
      lib.state.nodes.get('node-3')?.labels['node.kubernetes.io/exclude-from-external-load-balancers'] !==
      'true'
    )
      throw new Error('precondition: node-3 carries the exclusion label');
    const lbIp = lib.state.services.get('shop/web-lb')?.service.status?.loadBalancer?.ingress?.[0]?.ip ?? '';
    const used = new Set<string>();
    for (const flow of flows(200)) {
      const result = dataPlane.connect(
        { kind: 'external', ip: flow.ip },
        { ip: lbIp, port: 80, protocol: 'TCP', sourcePort: flow.sourcePort },
      );
      used.add(entryNode(result, lbIp) ?? '');
    }
    expect([...used].sort()).toEqual(['node-1', 'node-2', 'node-4']);
  });
});

describe('ExternalName and external endpoints', () => {
  it('given an ExternalName Service and an upstream A record, when a pod connects to the Service name, then cluster DNS resolves it and the configured external endpoint sees the pod node IP', async () => {
    const result = await connect('shop/client', 'payments.shop.svc.cluster.local:443');
    expect(result).toMatchObject({
      result: 'connected',
      backend: { ip: PARTNER_IP, port: 443, pod: null },
      // Pod egress to outside the cluster is masqueraded to the node's address.
      sourceIPSeenByBackend: nodeAddress('node-4'),
      service: null,
    });
    expect(result.hops.at(-1)).toBe(`external partner-api (${PARTNER_IP})`);
    const answer = await run(
      'dns',
      '-f',
      manifestPath,
      '--config',
      configPath,
      '--seed',
      SEED,
      '--from',
      'shop/client',
      'payments.shop.svc.cluster.local',
      '--json',
    );
    const dns = JSON.parse(answer.out) as { rcode: string; answer: { type: string; data: string }[] };
    expect(dns.rcode).toBe('NOERROR');
    expect(dns.answer.map((r) => `${r.type} ${r.data}`)).toEqual([
      'CNAME api.partner.example.',
      `A ${PARTNER_IP}`,
    ]);
  });

  it('given external endpoints that refuse or never answer, when a pod connects to them or to an unconfigured address, then it gets refused, timeout, and timeout with no route', async () => {
    const refused = await connect('shop/client', `${REFUSING_IP}:443`);
    expect(refused).toMatchObject({ result: 'refused', sourceIPSeenByBackend: null });
    expect(refused.reason).toMatch(/legacy-crm/);
    // Any address of a CIDR endpoint.
    const silent = await connect('shop/client', '192.0.2.40:443');
    expect(silent).toMatchObject({ result: 'timeout', sourceIPSeenByBackend: null });
    expect(silent.reason).toMatch(/blackhole/);
    const unknown = await connect('shop/client', `${UNKNOWN_IP}:443`);
    expect(unknown).toMatchObject({ result: 'timeout', backend: { ip: UNKNOWN_IP } });
    expect(unknown.reason).toMatch(/no route/);
  });
});

describe('ClusterIP from outside the cluster', () => {
  it('given a ClusterIP Service, when an external client dials it without and then with --via, then it times out, then connects SNATed to the via node', async () => {
    const clusterIP = serviceJson('web').clusterIP ?? '';
    const direct = await connect('external:198.18.0.10', `${clusterIP}:80`);
    expect(direct).toMatchObject({ result: 'timeout', backend: null, node: null });
    expect(direct.reason).toMatch(/not reachable from outside/);
    const routed = await connect('external:198.18.0.10', `${clusterIP}:80`, '--via', 'node/node-3');
    expect(routed).toMatchObject({
      result: 'connected',
      node: 'node-3',
      service: 'shop/web',
      // A non-pod source to a ClusterIP is masqueraded (kube-proxy's "source not local" rule).
      masqueraded: true,
      sourceIPSeenByBackend: nodeAddress('node-3'),
    });
  });
});
