import { CHECK_KEYS } from './resolveExpectations.js';
import { ACTION_KEYS } from './resolveTimeline.js';
/**
 * The published JSON Schema (draft 2020-12) of a scenario file. `knsim schema` prints it; editors
 * use it for completion and hover text, and the parser validates every scenario against it before
 * the semantic checks. Kubernetes objects are only checked for `apiVersion` and `kind` here: the
 * API server's validation (`@knsim/api`) judges them later, with its own messages.
 *
 * Shape rules that keep validation errors readable: alternatives are written as maps with
 * `minProperties`/`maxProperties` 1 (one key out of several) or as `oneOf` branches that only say
 * `required`, never as `oneOf` over nested schemas, so one mistake yields one message.
 *
 * @module
 */

/** A JSON Schema node (plain data). */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** The `apiVersion` of scenario files. */
export const SCENARIO_API_VERSION = 'knsim.dev/v1alpha1';

/** The `$id` of {@link SCENARIO_SCHEMA}. */
export const SCENARIO_SCHEMA_ID = 'https://knsim.dev/schemas/scenario-v1alpha1.json';

const ref = (name: string, description: string): JsonSchema => ({ $ref: `#/$defs/${name}`, description });

interface ObjectOptions {
  readonly required?: readonly string[];
  /** Exactly one property (a map that names one alternative). */
  readonly exactlyOne?: boolean;
  readonly extra?: JsonSchema;
}

function object(
  description: string,
  properties: Readonly<Record<string, JsonSchema>>,
  options: ObjectOptions = {},
): JsonSchema {
  return {
    type: 'object',
    description,
    properties,
    additionalProperties: false,
    ...(options.required === undefined ? {} : { required: options.required }),
    ...(options.exactlyOne === true ? { minProperties: 1, maxProperties: 1 } : {}),
    ...(options.extra ?? {}),
  };
}

/** `oneOf` branches that each require one key: "exactly one of these keys". */
function exactlyOneOf(keys: readonly string[]): JsonSchema {
  return { oneOf: keys.map((key) => ({ required: [key] })) };
}

const string = (description: string, extra: JsonSchema = {}): JsonSchema => ({
  type: 'string',
  description,
  ...extra,
});
const integer = (description: string, extra: JsonSchema = {}): JsonSchema => ({
  type: 'integer',
  description,
  ...extra,
});
const number = (description: string, extra: JsonSchema = {}): JsonSchema => ({
  type: 'number',
  description,
  ...extra,
});
const boolean = (description: string): JsonSchema => ({ type: 'boolean', description });
const list = (description: string, items: JsonSchema, extra: JsonSchema = {}): JsonSchema => ({
  type: 'array',
  description,
  items,
  ...extra,
});
const enumOf = (description: string, values: readonly unknown[]): JsonSchema => ({
  description,
  enum: values,
});

/** Go-style durations as `parseDuration` reads them (the parser adds its own precise reason). */
export const DURATION_PATTERN = '^(?:0|(?:(?:[0-9]+(?:\\.[0-9]+)?|\\.[0-9]+)(?:us|µs|ms|s|m|h|d))+)$';
/** `NAMESPACE/NAME` or `NAME` (namespace `default`). */
export const OBJECT_REF_PATTERN = '^(?:[a-z0-9]([-a-z0-9]*[a-z0-9])?/)?[a-z0-9]([-.a-z0-9]*[a-z0-9])?$';
/** `NAMESPACE/NAME` or `NAMESPACE/PREFIX*` (every pod whose name starts with PREFIX). */
export const POD_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-.a-z0-9]*)?\\*?$';
const SOURCE_PATTERN = `^(?:${POD_PATTERN.slice(1, -1)}|node/[a-z0-9][-.a-z0-9]*|external(?::[0-9.]+)?)$`;

const distributionBounds = {
  min: ref('duration', 'Lower bound: smaller draws are raised to it.'),
  max: ref('duration', 'Upper bound: larger draws are lowered to it.'),
};

const defs: Readonly<Record<string, JsonSchema>> = {
  duration: {
    type: 'string',
    title: 'a duration',
    description: 'A duration with a unit: us, ms, s, m, h, d (`250ms`, `1m30s`, `0`).',
    pattern: DURATION_PATTERN,
  },
  distribution: {
    type: ['string', 'object'],
    title: 'a duration or a distribution',
    description:
      'A random duration: a constant (`250ms`) or one of {constant}, {uniform: {min, max}}, {exponential: {mean}}, {lognormal: {median, sigma}}, {normal: {mean, stddev}}; the last three take optional min/max bounds.',
    pattern: DURATION_PATTERN,
    properties: {
      constant: ref('duration', 'Always this duration.'),
      uniform: object(
        'Uniform between min and max.',
        {
          min: ref('duration', 'Smallest value.'),
          max: ref('duration', 'Largest value.'),
        },
        { required: ['min', 'max'] },
      ),
      exponential: object(
        'Exponential with this mean (memoryless delays).',
        { mean: ref('duration', 'Mean of the distribution.'), ...distributionBounds },
        { required: ['mean'] },
      ),
      lognormal: object(
        'Log-normal: median and the sigma of the underlying normal (long right tail).',
        {
          median: ref('duration', 'Median of the distribution.'),
          sigma: number('Standard deviation of the underlying normal distribution.', { minimum: 0 }),
          ...distributionBounds,
        },
        { required: ['median', 'sigma'] },
      ),
      normal: object(
        'Normal, truncated at 0.',
        {
          mean: ref('duration', 'Mean of the distribution.'),
          stddev: ref('duration', 'Standard deviation.'),
          ...distributionBounds,
        },
        { required: ['mean', 'stddev'] },
      ),
    },
    additionalProperties: false,
    minProperties: 1,
    maxProperties: 1,
  },
  objectRef: {
    type: 'string',
    title: 'NAMESPACE/NAME',
    description: 'An object as `NAMESPACE/NAME` (or `NAME` in namespace `default`).',
    pattern: OBJECT_REF_PATTERN,
  },
  podRef: {
    type: 'string',
    title: 'NAMESPACE/POD',
    description:
      'A pod as `NAMESPACE/NAME`, or `NAMESPACE/PREFIX*` for every pod whose name starts with PREFIX.',
    pattern: POD_PATTERN,
  },
  selector: {
    type: 'string',
    title: 'a label selector',
    description: 'A label selector as kubectl takes it (`app=web,tier in (a,b)`).',
    minLength: 1,
  },
  comparator: {
    type: 'object',
    title: 'a comparison',
    description: 'Bounds on the observed number: any of atLeast, atMost, equals.',
    properties: {
      atLeast: number('Passes when the observed value is greater than or equal to this.'),
      atMost: number('Passes when the observed value is less than or equal to this.'),
      equals: number('Passes when the observed value is exactly this.'),
    },
    additionalProperties: false,
    minProperties: 1,
  },
  durationComparator: {
    type: 'object',
    title: 'a comparison of durations',
    description: 'Bounds on an observed duration: any of atLeast, atMost, equals.',
    properties: {
      atLeast: ref('duration', 'Passes when the observed duration is at least this.'),
      atMost: ref('duration', 'Passes when the observed duration is at most this.'),
      equals: ref('duration', 'Passes when the observed duration is exactly this.'),
    },
    additionalProperties: false,
    minProperties: 1,
  },
  kubeObject: {
    type: 'object',
    title: 'a Kubernetes object',
    description: 'An ordinary Kubernetes object (as in a manifest file); validated as the API server would.',
    required: ['apiVersion', 'kind'],
    properties: {
      apiVersion: string("The object's API version (`v1`, `apps/v1`, ...)."),
      kind: string("The object's kind (`Deployment`, `Service`, ...)."),
      metadata: { type: 'object', description: "The object's metadata (name, namespace, labels...)." },
    },
  },
  node: object(
    'One node of the cluster.',
    {
      name: string('Node name (a DNS subdomain).', { minLength: 1 }),
      zone: string('Zone (`topology.kubernetes.io/zone`). Default: the zones round robin.'),
      labels: {
        type: 'object',
        description: 'Node labels.',
        additionalProperties: { type: 'string' },
      },
      taints: list(
        'Node taints.',
        object(
          'A taint.',
          {
            key: string('Taint key.', { minLength: 1 }),
            value: string('Taint value.'),
            effect: enumOf('Taint effect.', ['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
            timeAdded: string('When the taint was added (kept as given).'),
          },
          { required: ['key', 'effect'] },
        ),
      ),
      maxPods: integer('Pods this node runs at most. Default: maxPodsPerNode.', { minimum: 1 }),
      address: string("The node's InternalIP. Default: the next address of nodeNetworkCIDR."),
    },
    { required: ['name'] },
  ),
  cluster: object('The cluster configuration (as a `knsim --config` file); every field is optional.', {
    apiVersion: { const: 'knsim.dev/v1alpha1', description: 'Optional; `knsim.dev/v1alpha1` if given.' },
    kind: { const: 'ClusterConfig', description: 'Optional; `ClusterConfig` if given.' },
    nodes: {
      type: ['integer', 'array'],
      description: 'A node count (`node-1`, `node-2`, ...) or a list of nodes. Default 3.',
      minimum: 0,
      maximum: 5000,
      items: { $ref: '#/$defs/node' },
    },
    zones: list(
      'Zones that counted nodes are spread over (round robin). Default [zone-a].',
      {
        type: 'string',
      },
      { minItems: 1 },
    ),
    clusterCIDR: string('Pod network (`--cluster-cidr`). Default 10.244.0.0/16.'),
    nodeCIDRMaskSize: integer("Prefix length of each node's podCIDR. Default 24.", {
      minimum: 1,
      maximum: 30,
    }),
    serviceCIDR: string('ClusterIP range (`--service-cluster-ip-range`). Default 10.96.0.0/12.'),
    serviceNodePortRange: string('NodePort range `LOW-HIGH`. Default 30000-32767.', {
      pattern: '^[0-9]+-[0-9]+$',
    }),
    clusterDomain: string('Cluster DNS domain. Default cluster.local.'),
    nodeNetworkCIDR: string('Where node InternalIPs come from. Default 172.18.0.0/16.'),
    loadBalancerIPPool: string('Addresses given to LoadBalancer Services. Default 198.51.100.0/24.'),
    maxPodsPerNode: integer('Pods per node (kubelet maxPods). Default 110.', { minimum: 1 }),
    timings: object('Delays of the control plane and kubelets.', {
      controllerSync: ref('distribution', 'One controller sync (informer, work, API calls).'),
      scheduling: ref('distribution', 'One scheduling cycle (one pod at a time).'),
      sandboxCreation: ref('distribution', 'Sandbox creation and CNI ADD (the pod gets its IP).'),
      containerStart: ref('distribution', 'From sandbox ready to containers running.'),
      containerStop: ref('distribution', 'From SIGTERM to exit (capped by the grace period).'),
      jobPodRuntime: ref('distribution', "How long a Job's pod runs before it succeeds."),
      proxyPropagation: ref(
        'distribution',
        "From an EndpointSlice/Service change to a node's kube-proxy seeing it.",
      ),
      policyEnforcement: ref('distribution', 'From a NetworkPolicy-relevant change to a node enforcing it.'),
      nodeMonitorPeriod: ref('duration', 'Node lifecycle controller tick. Default 5s.'),
      nodeMonitorGracePeriod: ref('duration', 'Silence before a node turns Unknown. Default 50s.'),
      nodeLeaseRenewInterval: ref('duration', 'Kubelet lease renewal. Default 10s.'),
      defaultTolerationSeconds: integer('Seconds pods tolerate not-ready/unreachable. Default 300.', {
        minimum: 0,
      }),
      nodeEvictionRate: number('Nodes tainted per second per zone after they fail. Default 0.1.', {
        exclusiveMinimum: 0,
      }),
    }),
    proxy: object("kube-proxy, with KubeProxyConfiguration's field names.", {
      mode: enumOf('Proxy mode. Default iptables.', ['iptables', 'nftables', 'ipvs']),
      iptables: object('iptables mode settings.', {
        minSyncPeriod: ref('duration', 'Minimum interval between rule syncs. Default 1s.'),
        syncPeriod: ref('duration', 'Full resync interval. Default 30s.'),
        masqueradeAll: boolean('SNAT all Service traffic.'),
        localhostNodePorts: boolean('NodePorts answer on localhost. Default true.'),
      }),
      nftables: object('nftables mode settings.', {
        minSyncPeriod: ref('duration', 'Minimum interval between rule syncs. Default 1s.'),
        syncPeriod: ref('duration', 'Full resync interval. Default 30s.'),
        masqueradeAll: boolean('SNAT all Service traffic.'),
      }),
      ipvs: object('IPVS mode settings.', {
        scheduler: enumOf('IPVS scheduler. Default rr.', [
          'rr',
          'wrr',
          'lc',
          'wlc',
          'sed',
          'nq',
          'sh',
          'dh',
          'mh',
          'lblc',
          'lblcr',
          '',
        ]),
        minSyncPeriod: ref('duration', 'Minimum interval between rule syncs. Default 0s.'),
        syncPeriod: ref('duration', 'Full resync interval. Default 30s.'),
        strictARP: boolean('Strict ARP (accepted, no effect in knsim).'),
      }),
      nodePortAddresses: list('Addresses NodePorts answer on (CIDRs).', { type: 'string' }),
      detectLocalMode: enumOf('How kube-proxy tells local traffic. Default ClusterCIDR.', [
        'ClusterCIDR',
        'NodeCIDR',
        'BridgeInterface',
        'InterfaceNamePrefix',
      ]),
      conntrack: object('Conntrack timeouts.', {
        tcpEstablishedTimeout: ref('duration', 'Idle established TCP entries. Default 24h.'),
        tcpCloseWaitTimeout: ref('duration', 'CLOSE_WAIT entries. Default 1h.'),
        udpTimeout: ref('duration', 'UDP entries seen once. Default 30s.'),
        udpStreamTimeout: ref('duration', 'UDP entries seen in both directions. Default 120s.'),
      }),
      policy: string(
        "knsim extension: a registered balancing policy used instead of the mode's own (random, nftables, rr, wrr, lc, wlc, sed, nq, sh, dh, mh, maglev, ring_hash, p2c, p2c_peak_ewma, least_request, swrr).",
        { minLength: 1 },
      ),
      policyOptions: { type: 'object', description: 'Options passed to the balancing policy.' },
    }),
    dns: object('Cluster DNS (CoreDNS behind the kube-dns Service).', {
      enabled: boolean('Run CoreDNS and the kube-dns Service. Default true.'),
      replicas: integer('CoreDNS replicas. Default 2.', { minimum: 0 }),
      ttl: integer('TTL of cluster records, seconds. Default 30.', { minimum: 0, maximum: 3600 }),
      pods: enumOf('Pod records (`pods` option of the kubernetes plugin). Default insecure.', [
        'insecure',
        'verified',
        'disabled',
      ]),
      upstream: object('What the upstream resolver answers for names outside the cluster.', {
        records: list(
          'Upstream records.',
          object(
            'One upstream record.',
            {
              name: string('Owner name.', { minLength: 1 }),
              type: enumOf('Record type.', ['A', 'AAAA', 'CNAME', 'TXT', 'SRV', 'PTR', 'MX', 'NS']),
              data: string('Record data.', { minLength: 1 }),
              ttl: integer('TTL in seconds.', { minimum: 0 }),
            },
            { required: ['name', 'type', 'data'] },
          ),
        ),
        servfail: list('Names the upstream answers SERVFAIL for.', { type: 'string' }),
      }),
    }),
    ingress: object('The Ingress controller knsim provides when the manifests bring none.', {
      controller: enumOf('auto (when the manifests hold an Ingress and no controller), true or false.', [
        'auto',
        true,
        false,
      ]),
      replicas: integer('Controller replicas. Default 1.', { minimum: 0 }),
    }),
    external: object('Hosts outside the cluster that traffic can reach.', {
      endpoints: list(
        'Outside addresses that answer connections.',
        object(
          'One outside address or range.',
          {
            name: string('A name for reports. Default: the address.'),
            address: string('An IPv4 address or CIDR.'),
            ports: list('Ports that accept connections. Default: every port.', {
              type: 'integer',
              minimum: 1,
              maximum: 65535,
            }),
            latency: ref('distribution', 'One-way latency from the cluster edge.'),
            behaviour: enumOf('accept (default), refuse (RST) or timeout.', ['accept', 'refuse', 'timeout']),
          },
          { required: ['address'] },
        ),
      ),
    }),
  }),
  workload: object(
    'A named stream of requests from clients to a target.',
    {
      name: string('Workload name, used by metric expectations.', { minLength: 1 }),
      from: object(
        'Where requests come from: pods (a label selector) or external addresses.',
        {
          pods: object(
            'Client pods.',
            {
              namespace: string('Namespace of the client pods. Default: every namespace.'),
              selector: ref('selector', 'Label selector of the client pods.'),
            },
            { required: ['selector'] },
          ),
          external: object('Clients outside the cluster.', {
            ips: list('Client addresses.', { type: 'string' }),
            via: string('Entry node (`node/NAME`) for ClusterIP targets.'),
          }),
        },
        { exactlyOne: true },
      ),
      to: string('`HOST:PORT`: a DNS name as the client resolves it, an IP, or `service/NS/NAME`.', {
        pattern: '^.+:[0-9]+$',
      }),
      protocol: enumOf('Transport. Default TCP.', ['TCP', 'UDP']),
      arrival: object(
        'When requests are sent.',
        {
          poisson: object(
            'Open loop, Poisson arrivals.',
            { rate: number('Requests per second.', { exclusiveMinimum: 0 }) },
            { required: ['rate'] },
          ),
          constant: object(
            'Open loop, evenly spaced.',
            { rate: number('Requests per second.', { exclusiveMinimum: 0 }) },
            { required: ['rate'] },
          ),
          closedLoop: object(
            'Closed loop: each user sends, waits for the answer, thinks, repeats.',
            {
              users: integer('Concurrent users.', { minimum: 1 }),
              thinkTime: ref('distribution', 'Pause between a response and the next request.'),
            },
            { required: ['users'] },
          ),
        },
        { exactlyOne: true },
      ),
      connection: object('How requests ride on connections.', {
        mode: enumOf('per-request (default), keep-alive or multiplexed.', [
          'per-request',
          'keep-alive',
          'multiplexed',
        ]),
        poolSize: integer('keep-alive: connections per client pod. Default 4.', { minimum: 1 }),
        maxAge: ref('duration', 'Close and reopen a connection after this age (gRPC MaxConnectionAge).'),
        maxAgeJitter: number('Fraction of maxAge added at random. Default 0.1.', { minimum: 0 }),
      }),
      timeout: ref('duration', 'Request timeout (connect included). Default 5s.'),
      retries: object(
        'Retries after a failed attempt.',
        {
          attempts: integer('Retries (0 to 10).', { minimum: 0, maximum: 10 }),
          backoff: ref('duration', 'First backoff. Default 25ms.'),
          maxBackoff: ref('duration', 'Largest backoff. Default 1s.'),
          jitter: number('Fraction of the backoff drawn at random. Default 0.5.', { minimum: 0, maximum: 1 }),
        },
        { required: ['attempts'] },
      ),
      start: ref('duration', 'When the workload starts. Default 0s.'),
      stop: ref('duration', 'When the workload stops. Default: the end of the run.'),
      sample: number('Fraction of requests logged as events. Default 0.', { minimum: 0, maximum: 1 }),
      clientBalancer: object(
        "Balance per request in the client over the Service's ready endpoints (gRPC / Envoy sidecar).",
        {
          policy: string('A registered balancing policy.', { minLength: 1 }),
          options: { type: 'object', description: 'Options passed to the policy.' },
        },
        { required: ['policy'] },
      ),
      http: object(
        'HTTP through the Ingress controller: `to` names the controller (its load balancer IP, or service/ingress-nginx/ingress-nginx-controller:80); each request is routed by host and path.',
        {
          host: string('The Host header. Default: the address dialled.', { minLength: 1 }),
          path: string('The request path (starts with /).', { pattern: '^/' }),
          method: string('The method. Default GET.', { minLength: 1 }),
        },
        { required: ['path'] },
      ),
    },
    { required: ['name', 'from', 'to', 'arrival'] },
  ),
  server: object('How pods answer requests.', {
    selector: ref('selector', 'Pods this applies to. Default: every pod.'),
    namespace: string('Namespace of those pods. Default: every namespace.'),
    serviceTime: ref('distribution', 'Time to serve one request. Default lognormal median 5ms.'),
    concurrency: integer('Requests served at once. Default 64.', { minimum: 1 }),
    queueLimit: integer('Requests waiting beyond the workers; more are refused. Default 1024.', {
      minimum: 0,
    }),
    onTermination: enumOf('On deletion: drain (default) or stop-accepting.', ['drain', 'stop-accepting']),
    overrides: list(
      'Per-pod overrides (a slow pod).',
      object(
        'Override for one pod.',
        {
          pod: string('Pod name.', { minLength: 1 }),
          serviceTime: ref('distribution', 'Time to serve one request on this pod.'),
          concurrency: integer('Requests served at once on this pod.', { minimum: 1 }),
        },
        { required: ['pod'] },
      ),
    ),
  }),
  networkSettings: object('One-way latency per hop kind and packet loss.', {
    sameNode: ref('distribution', 'Latency between pods on the same node. Default 20us.'),
    crossNode: ref('distribution', 'Latency between nodes of one zone. Default lognormal median 150us.'),
    crossZone: ref('distribution', 'Latency between zones. Default lognormal median 600us.'),
    external: ref('distribution', 'Latency to and from outside the cluster. Default lognormal median 5ms.'),
    loss: number("Probability a connection attempt's packets are lost.", { minimum: 0, exclusiveMaximum: 1 }),
  }),
  traffic: object('Workloads, servers and the network (see docs/data-plane.md).', {
    workloads: list('Named request streams.', { $ref: '#/$defs/workload' }),
    servers: list('How pods serve requests; the first entry matching a pod applies.', {
      $ref: '#/$defs/server',
    }),
    network: ref('networkSettings', 'Per-hop latency and loss.'),
  }),
  condition: object(
    'A condition on the cluster state (exactly one).',
    {
      podsReady: object(
        'At least `count` ready pods match the selector.',
        {
          namespace: string('Namespace of the pods. Default: every namespace.'),
          selector: ref('selector', 'Label selector of the pods.'),
          count: integer('How many ready pods are needed at least.', { minimum: 0 }),
        },
        { required: ['selector', 'count'] },
      ),
      endpointsReady: object(
        "At least `count` ready endpoints in the Service's EndpointSlices.",
        {
          service: ref('objectRef', 'The Service, `NAMESPACE/NAME`.'),
          count: integer('How many ready endpoints are needed at least.', { minimum: 0 }),
        },
        { required: ['service', 'count'] },
      ),
      all: list('Every one of these conditions holds.', { $ref: '#/$defs/condition' }, { minItems: 1 }),
      any: list('At least one of these conditions holds.', { $ref: '#/$defs/condition' }, { minItems: 1 }),
    },
    { exactlyOne: true },
  ),
  step: {
    type: 'object',
    description: 'One timeline step: a trigger (at, every or when) and exactly one action.',
    properties: {
      name: string('A name for reports and the log.'),
      at: ref('duration', 'Trigger: once, at this virtual time.'),
      every: ref('duration', 'Trigger: periodically, every this long (first at `from`).'),
      when: ref('condition', 'Trigger: when this condition holds (checked every `check`).'),
      from: ref('duration', 'every/when: start of the window. Default 0s.'),
      until: ref('duration', 'every/when: end of the window (exclusive). Default: the end of the run.'),
      check: ref('duration', 'when: how often the condition is checked. Default 1s.'),
      repeat: boolean('when: fire each time the condition becomes true again (default: once).'),
      apply: {
        type: ['object', 'array'],
        description:
          'Apply Kubernetes objects (kubectl apply): one object, a list of objects, or {file: PATH} (relative to the scenario file).',
        items: { $ref: '#/$defs/kubeObject' },
        if: { type: 'object', required: ['file'] },
        then: object(
          'Objects from a file or folder.',
          { file: string('A manifest file or folder, relative to the scenario file.', { minLength: 1 }) },
          { required: ['file'] },
        ),
        else: { if: { type: 'object' }, then: { $ref: '#/$defs/kubeObject' } },
      },
      delete: object(
        'Delete an object (kubectl delete).',
        {
          kind: string('Object kind (`Deployment`, `Service`, ...).', { minLength: 1 }),
          namespace: string('Namespace. Default: default (ignored for cluster-scoped kinds).'),
          name: string('Object name.', { minLength: 1 }),
        },
        { required: ['kind', 'name'] },
      ),
      patch: object(
        'Patch an object (kubectl patch --type merge).',
        {
          kind: string('Object kind.', { minLength: 1 }),
          namespace: string('Namespace. Default: default.'),
          name: string('Object name.', { minLength: 1 }),
          merge: { type: 'object', description: 'A JSON merge patch (RFC 7386).' },
        },
        { required: ['kind', 'name', 'merge'] },
      ),
      scale: object(
        'Set the replicas of a Deployment, StatefulSet or ReplicaSet (kubectl scale).',
        {
          deployment: ref('objectRef', 'The Deployment, `NAMESPACE/NAME`.'),
          statefulSet: ref('objectRef', 'The StatefulSet, `NAMESPACE/NAME`.'),
          replicaSet: ref('objectRef', 'The ReplicaSet, `NAMESPACE/NAME`.'),
          replicas: integer('The new replica count.', { minimum: 0 }),
        },
        { required: ['replicas'], extra: exactlyOneOf(['deployment', 'statefulSet', 'replicaSet']) },
      ),
      rollout: object(
        'Start a rollout: a new image (kubectl set image) or a restart (kubectl rollout restart).',
        {
          deployment: ref('objectRef', 'The Deployment, `NAMESPACE/NAME`.'),
          statefulSet: ref('objectRef', 'The StatefulSet, `NAMESPACE/NAME`.'),
          daemonSet: ref('objectRef', 'The DaemonSet, `NAMESPACE/NAME`.'),
          image: object(
            "Set one container's image.",
            {
              container: string('Container name.', { minLength: 1 }),
              image: string('New image.', { minLength: 1 }),
            },
            { required: ['container', 'image'] },
          ),
          restart: { const: true, description: 'Restart the pods (a new template annotation).' },
        },
        {
          extra: {
            allOf: [
              exactlyOneOf(['deployment', 'statefulSet', 'daemonSet']),
              exactlyOneOf(['image', 'restart']),
            ],
          },
        },
      ),
      killPod: object(
        "Crash pods' containers (they restart with the kubelet back-off).",
        {
          pod: ref('objectRef', 'One pod, `NAMESPACE/NAME`.'),
          namespace: string("With selector: the pods' namespace. Default: every namespace."),
          selector: ref('selector', 'Pods chosen among those matching this selector.'),
          count: integer("With selector: how many pods (chosen from the run's seed). Default 1.", {
            minimum: 1,
          }),
        },
        { extra: exactlyOneOf(['pod', 'selector']) },
      ),
      crashNode: string('Crash a node: its kubelet stops and its containers are gone.', { minLength: 1 }),
      recoverNode: string("Bring a crashed or partitioned node's kubelet back.", { minLength: 1 }),
      partitionNode: string('Cut a node off from the control plane (its pods keep running).', {
        minLength: 1,
      }),
      drainNode: string('kubectl drain: cordon the node, then evict its pods (DaemonSet pods stay).', {
        minLength: 1,
      }),
      cordonNode: string('kubectl cordon: no new pods on the node.', { minLength: 1 }),
      uncordonNode: string('kubectl uncordon.', { minLength: 1 }),
      failReadiness: object(
        'Make the readiness probes of matching pods fail.',
        {
          namespace: string('Namespace of the pods. Default: every namespace.'),
          selector: ref('selector', 'Label selector of the pods.'),
          duration: ref('duration', 'How long; default: until the end of the run.'),
        },
        { required: ['selector'] },
      ),
      network: ref(
        'networkSettings',
        'Change latency or loss from now on (fields not given keep their value).',
      ),
      dnsOutage: object('CoreDNS stops answering (every query times out).', {
        duration: ref('duration', 'How long; default: until the end of the run.'),
      }),
      policy: object(
        'Change NetworkPolicy: apply one or delete one.',
        {
          apply: { $ref: '#/$defs/kubeObject', description: 'A NetworkPolicy object to create or replace.' },
          delete: ref('objectRef', 'The NetworkPolicy to delete, `NAMESPACE/NAME`.'),
        },
        { exactlyOne: true },
      ),
    },
    additionalProperties: false,
    allOf: [exactlyOneOf(['at', 'every', 'when']), exactlyOneOf(ACTION_KEYS)],
  },
  expectation: {
    type: 'object',
    description: 'One assertion: when (at or over) and exactly one of reach, dns, route, endpoints, metric.',
    properties: {
      name: string('A name for reports.'),
      at: ref('duration', 'Check once, at this virtual time.'),
      over: object('Check over a window: metrics aggregate it; point checks must hold at every `check`.', {
        from: ref('duration', 'Start of the window. Default 0s.'),
        to: ref('duration', 'End of the window. Default: the end of the run.'),
      }),
      check: ref('duration', 'Point checks over a window: how often they are made. Default 1s.'),
      reach: object(
        'A connection from a source to a target has this result.',
        {
          from: string('Source: `NAMESPACE/POD`, `NAMESPACE/PREFIX*`, `node/NAME` or `external[:IP]`.', {
            pattern: SOURCE_PATTERN,
          }),
          to: string(
            'Target: `NAMESPACE/POD`, `NAMESPACE/PREFIX*`, `service/NAMESPACE/NAME`, or a DNS name or IP (no slash).',
            { minLength: 1 },
          ),
          port: integer('Destination port. Default: the first port of the Service or pod.', {
            minimum: 1,
            maximum: 65535,
          }),
          protocol: enumOf('Transport. Default TCP.', ['TCP', 'UDP', 'SCTP']),
          result: enumOf(
            'Expected result: allowed (= connected), blocked (anything but connected), or one exact result.',
            [
              'allowed',
              'blocked',
              'connected',
              'refused',
              'dropped',
              'denied',
              'timeout',
              'nxdomain',
              'dns-failure',
            ],
          ),
        },
        { required: ['from', 'to', 'result'] },
      ),
      dns: object(
        'A DNS query has this answer.',
        {
          from: ref(
            'podRef',
            'Resolve as this pod does (search path included). Default: one query to cluster DNS.',
          ),
          name: string('The name queried.', { minLength: 1 }),
          type: enumOf('Query type. Default A.', [
            'A',
            'AAAA',
            'SRV',
            'PTR',
            'CNAME',
            'TXT',
            'NS',
            'SOA',
            'ANY',
          ]),
          rcode: enumOf('Expected response code. Default NOERROR.', ['NOERROR', 'NXDOMAIN', 'SERVFAIL']),
          answers: object(
            'Expected answer set (order ignored), symbolic or literal.',
            {
              clusterIPOf: ref('objectRef', 'The ClusterIP of this Service.'),
              readyPodIPsOf: ref('objectRef', 'The IPs of the ready pods behind this Service.'),
              values: list('Literal answer data (addresses, names).', { type: 'string' }),
            },
            { exactlyOne: true },
          ),
        },
        { required: ['name'] },
      ),
      route: object(
        'An HTTP request through the Ingress controller is routed so.',
        {
          host: string('Host header. Default: none.'),
          path: string('Request path.', { pattern: '^/' }),
          status: integer('Expected HTTP status.', { minimum: 100, maximum: 599 }),
          service: ref('objectRef', 'Expected backend Service, `NAMESPACE/NAME`.'),
          pod: ref('podRef', 'Expected backend pod, `NAMESPACE/POD` or `NAMESPACE/PREFIX*`.'),
        },
        { required: ['path'] },
      ),
      endpoints: object(
        "The endpoints a node's kube-proxy considers eligible for a Service.",
        {
          service: ref('objectRef', 'The Service, `NAMESPACE/NAME`.'),
          node: string('The deciding node.', { minLength: 1 }),
          port: integer('Service port. Default: the first.', { minimum: 1, maximum: 65535 }),
          eligible: object(
            'What is expected of the eligible endpoints.',
            {
              count: ref('comparator', 'How many there are.'),
              selector: ref('selector', "Every eligible endpoint's pod matches this selector."),
            },
            { extra: { minProperties: 1 } },
          ),
        },
        { required: ['service', 'node', 'eligible'] },
      ),
      metric: object(
        'A traffic metric of one workload over the window.',
        {
          workload: string('The workload (a name under traffic.workloads).', { minLength: 1 }),
          successRatio: ref('comparator', 'Fraction of requests that ended ok (0..1).'),
          requests: ref('comparator', 'Requests sent.'),
          dnsQueriesPerRequest: ref(
            'comparator',
            'DNS queries the clients sent per request (search-path amplification: 1 for a fully qualified name).',
          ),
          outcome: object(
            'Requests that ended with one outcome.',
            {
              name: string(
                'The outcome: ok, timeout, refused, reset, no_endpoints, dns_failure, dropped, denied (or a custom name).',
                { minLength: 1 },
              ),
              count: ref('comparator', 'How many requests.'),
              ratio: ref('comparator', 'Fraction of the requests (0..1).'),
            },
            { required: ['name'], extra: { anyOf: [{ required: ['count'] }, { required: ['ratio'] }] } },
          ),
          latency: object(
            'A latency statistic of successful requests (from the intended send time).',
            {
              p50: ref('durationComparator', 'Median.'),
              p90: ref('durationComparator', '90th percentile.'),
              p99: ref('durationComparator', '99th percentile.'),
              p999: ref('durationComparator', '99.9th percentile.'),
              mean: ref('durationComparator', 'Mean.'),
              max: ref('durationComparator', 'Maximum.'),
            },
            { exactlyOne: true },
          ),
          fairness: object(
            'How evenly the workload spread over backend pods.',
            {
              of: enumOf('Count requests (default) or connections per backend.', ['requests', 'connections']),
              jain: ref('comparator', "Jain's index (1 = perfectly even, 1/n = one backend takes all)."),
              maxOverMean: ref('comparator', 'Busiest backend over the mean (1 = even).'),
              cv: ref('comparator', 'Coefficient of variation (0 = even).'),
            },
            { extra: exactlyOneOf(['jain', 'maxOverMean', 'cv']) },
          ),
        },
        {
          required: ['workload'],
          extra: exactlyOneOf([
            'successRatio',
            'requests',
            'dnsQueriesPerRequest',
            'outcome',
            'latency',
            'fairness',
          ]),
        },
      ),
    },
    additionalProperties: false,
    allOf: [exactlyOneOf(CHECK_KEYS), { not: { required: ['at', 'over'] } }],
  },
};

/** The JSON Schema of a scenario file (draft 2020-12). */
export const SCENARIO_SCHEMA: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: SCENARIO_SCHEMA_ID,
  title: 'knsim scenario',
  description:
    'A knsim scenario: cluster, manifests, traffic, a timeline of changes and faults, and expectations. See docs/scenarios.md.',
  type: 'object',
  required: ['apiVersion', 'kind', 'duration'],
  additionalProperties: false,
  properties: {
    apiVersion: { const: SCENARIO_API_VERSION, description: 'Always `knsim.dev/v1alpha1`.' },
    kind: { const: 'Scenario', description: 'Always `Scenario`.' },
    metadata: object('About the scenario (reports show it).', {
      name: string('Scenario name.'),
      description: string('What the scenario checks.'),
      labels: {
        type: 'object',
        description: 'Free-form labels (for scenario libraries).',
        additionalProperties: { type: 'string' },
      },
    }),
    seed: {
      type: ['integer', 'string'],
      title: 'a seed (letters, digits, _ . : -)',
      description: 'Run seed: every random choice derives from it. Default 1.',
      pattern: '^[A-Za-z0-9_.:-]{1,128}$',
      minimum: 0,
    },
    duration: ref('duration', 'Simulated time the run lasts.'),
    cluster: ref(
      'cluster',
      'The cluster configuration: nodes, CIDRs, proxy mode and policy, delays, DNS, Ingress, external hosts.',
    ),
    include: list(
      'Manifest files and folders (recursive: .yaml, .yml, .json), relative to the scenario file.',
      { type: 'string', minLength: 1 },
    ),
    manifests: list('Kubernetes objects written inline.', { $ref: '#/$defs/kubeObject' }),
    traffic: ref('traffic', 'Workloads, servers and the network.'),
    timeline: list('Changes and faults over time.', { $ref: '#/$defs/step' }),
    expect: list('Assertions checked during or after the run.', { $ref: '#/$defs/expectation' }),
  },
  $defs: defs,
};
