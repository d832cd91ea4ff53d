import fc from 'fast-check';
import type { KubeObject, Namespace, NetworkPolicy, Pod } from '@knsim/api';
import type { ServerSpec, WorkloadSpec } from '@knsim/traffic';
import type { ScenarioDocument } from '../ScenarioDocument.js';
import { appShapeArb, buildApp, type App, type AppKind } from './appArb.js';
import { APP_NAMES } from './appNames.js';
import {
  buildChurnTimeline,
  CHURN_ACTION_KINDS,
  churnIntentArb,
  type ChurnActionKind,
} from './churnTimelineArb.js';
import { clusterConfigArb, clusterNodeNames, type ProxyModeName } from './clusterConfigArb.js';
import { distributionArb, maybe, pick, record } from './internal.js';
import { labelsArb, NAMESPACE_LABEL_VOCABULARY, POD_LABEL_VOCABULARY } from './labelsArb.js';
import { NAMESPACE_NAMES, namespaceNameArb } from './namespaceNameArb.js';
import { networkPolicyArb } from './networkPolicyArb.js';
import { serviceKindOf, type ServiceKind } from './serviceArb.js';
import { buildTrafficWorkload, trafficWorkloadShapeArb, type TrafficTarget } from './trafficWorkloadArb.js';

/** Options of {@link scenarioArb}: sizes and choices, so that runs stay fast. */
export interface ScenarioArbOptions {
  /** The run seed; default: generated (1 upward). */
  readonly seed?: number;
  /** Shortest run, in seconds. Default 60. */
  readonly minDuration?: number;
  /** Longest run, in seconds. Default 180. */
  readonly maxDuration?: number;
  /** Most nodes. Default 4. */
  readonly maxNodes?: number;
  /** Proxy modes. Default all. */
  readonly modes?: readonly ProxyModeName[];
  /** Balancing policies `proxy.policy` may name; `[]` never sets one. Default: every built-in policy. */
  readonly balancingPolicies?: readonly string[];
  /** Most namespaces. Default 2. */
  readonly maxNamespaces?: number;
  /** Most apps (at least one). Default 3. */
  readonly maxApps?: number;
  /** Most replicas per workload (and per scale step). Default 3. */
  readonly maxReplicas?: number;
  /** Workload kinds of the apps. Default both. */
  readonly appKinds?: readonly AppKind[];
  /** Service kinds of the apps. Default all. */
  readonly serviceKinds?: readonly ServiceKind[];
  /** Most client pods (at least one). Default 2. */
  readonly maxClients?: number;
  /** Most NetworkPolicies in the manifests. Default 2. */
  readonly maxNetworkPolicies?: number;
  /** Most traffic workloads (at least one is generated when an app has a Service with a cluster IP). Default 2. */
  readonly maxWorkloads?: number;
  /** Highest request rate per workload, per second. Default 50. */
  readonly maxRate?: number;
  /** Client-side balancers workloads may use; `[]` never. Default `['p2c', 'least_request', 'swrr']`. */
  readonly clientBalancers?: readonly string[];
  /** Most timeline steps. Default 6. */
  readonly maxSteps?: number;
  /** Timeline actions. Default every one (`CHURN_ACTION_KINDS`). */
  readonly timelineKinds?: readonly ChurnActionKind[];
}

/** The labels of generated client pods, and their selector: `app=client`. */
export const CLIENT_LABELS = { app: 'client' } as const;

const asDocument = (object: object): Readonly<Record<string, unknown>> =>
  object as Readonly<Record<string, unknown>>;

/**
 * A complete scenario document (no `expect`): seed, duration, a `cluster` section, manifests
 * (namespaces with labels, apps with their Services, client pods `client-N` labelled
 * `app=client`, optionally NetworkPolicies), traffic (workloads from the clients to the apps'
 * Services, a server entry per app) and a churn timeline. Valid by construction:
 * `parseScenario(scenarioYaml(doc))` accepts it and every step names what exists when it
 * fires. Defaults keep a run to about a second of wall time (at most 4 nodes, 3 apps of 3
 * replicas, 1-3 minutes, 50 requests/s per workload). Shrinks toward one node, one namespace,
 * one single-replica app, one client, no policies, slow traffic, an empty timeline and the
 * shortest duration.
 *
 * @example
 * ```ts
 * await fc.assert(
 *   fc.asyncProperty(scenarioArb({ modes: ['ipvs'], maxSteps: 4 }), async (doc) => {
 *     const run = await runDocument(doc);
 *     expect(run.report.workloads.every((w) => w.requests > 0)).toBe(true);
 *   }),
 *   { numRuns: 20, seed: 42 },
 * );
 * ```
 */
export function scenarioArb(options: ScenarioArbOptions = {}): fc.Arbitrary<ScenarioDocument> {
  const minDuration = Math.max(2, options.minDuration ?? 60);
  const maxDuration = Math.max(minDuration, options.maxDuration ?? 180);
  const maxNamespaces = Math.max(1, Math.min(options.maxNamespaces ?? 2, NAMESPACE_NAMES.length));
  const maxApps = Math.max(1, options.maxApps ?? 3);
  const maxReplicas = Math.max(1, options.maxReplicas ?? 3);
  const maxSteps = Math.max(0, options.maxSteps ?? 6);
  const maxRate = options.maxRate ?? 50;
  const policyContext = {
    namespaces: NAMESPACE_NAMES,
    podVocabulary: { app: [...APP_NAMES, 'client'], ...POD_LABEL_VOCABULARY },
  };
  const policyArb = networkPolicyArb(policyContext);
  const timelineKinds = options.timelineKinds ?? CHURN_ACTION_KINDS;
  return record({
    seed: options.seed === undefined ? fc.integer({ min: 1, max: 1_000_000 }) : fc.constant(options.seed),
    duration: fc.integer({ min: minDuration, max: maxDuration }),
    cluster: clusterConfigArb({
      maxNodes: Math.max(1, options.maxNodes ?? 4),
      ...(options.modes === undefined ? {} : { modes: options.modes }),
      ...(options.balancingPolicies === undefined ? {} : { policies: options.balancingPolicies }),
    }),
    namespaces: fc.uniqueArray(namespaceNameArb(), { minLength: 1, maxLength: maxNamespaces }),
    namespaceLabels: fc.array(labelsArb(NAMESPACE_LABEL_VOCABULARY), {
      minLength: maxNamespaces,
      maxLength: maxNamespaces,
    }),
    apps: fc.array(
      record({
        namespace: fc.nat({ max: 7 }),
        name: fc.nat({ max: APP_NAMES.length - 1 }),
        shape: appShapeArb({
          maxReplicas,
          ...(options.appKinds === undefined ? {} : { kinds: options.appKinds }),
          ...(options.serviceKinds === undefined ? {} : { serviceKinds: options.serviceKinds }),
        }),
        serviceTime: distributionArb(1, 50),
        concurrency: fc.integer({ min: 4, max: 64 }),
      }),
      { minLength: 1, maxLength: maxApps },
    ),
    clients: fc.array(record({ namespace: fc.nat({ max: 7 }), node: maybe(fc.nat({ max: 7 }), 3) }), {
      minLength: 1,
      maxLength: Math.max(1, options.maxClients ?? 2),
    }),
    policies: fc.array(record({ namespace: fc.nat({ max: 7 }), policy: policyArb }), {
      maxLength: Math.max(0, options.maxNetworkPolicies ?? 2),
    }),
    // At least one workload (when there is a target and workloads are wanted).
    workloads: fc.array(trafficWorkloadShapeArb(maxRate), {
      minLength: Math.min(1, Math.max(0, options.maxWorkloads ?? 2)),
      maxLength: Math.max(0, options.maxWorkloads ?? 2),
    }),
    timeline:
      maxSteps === 0
        ? fc.constant([])
        : fc.array(churnIntentArb(timelineKinds, policyArb), { maxLength: maxSteps }),
  }).map((parts): ScenarioDocument => {
    const nodes = clusterNodeNames(parts.cluster);
    const namespaces: Namespace[] = parts.namespaces.map((name, i) => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: parts.namespaceLabels[i] ?? {} },
    }));
    // Apps: names unique within a namespace (the next free name when one is taken).
    const taken = new Set<string>();
    const apps: App[] = parts.apps.map(({ namespace: nsIndex, name: nameIndex, shape }) => {
      const namespace = pick(parts.namespaces, nsIndex);
      let offset = 0;
      while (taken.has(`${namespace}/${pick(APP_NAMES, nameIndex + offset)}`)) offset++;
      const name = pick(APP_NAMES, nameIndex + offset);
      taken.add(`${namespace}/${name}`);
      return buildApp(namespace, name, shape);
    });
    const clients: Pod[] = parts.clients.map(({ namespace, node }, i) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `client-${i + 1}`,
        namespace: pick(parts.namespaces, namespace),
        labels: { ...CLIENT_LABELS },
      },
      spec: {
        ...(node === undefined ? {} : { nodeName: pick(nodes, node) }),
        containers: [{ name: 'client', image: 'example/client:1' }],
      },
    }));
    const policies: NetworkPolicy[] = parts.policies.map(({ namespace, policy }, i) => ({
      ...policy,
      metadata: { name: `np-${i + 1}`, namespace: pick(parts.namespaces, namespace) },
    }));
    // Traffic goes to the apps' Services on TCP or UDP ports: by cluster IP, or for a headless
    // Service by DNS name to the pods' port.
    const targets: TrafficTarget[] = apps.flatMap((app) =>
      app.services
        .filter((service) => serviceKindOf(service) !== 'ExternalName')
        .flatMap((service) => {
          const headless = serviceKindOf(service) === 'Headless';
          return (service.spec.ports ?? [])
            .filter((port) => (port.protocol ?? 'TCP') !== 'SCTP')
            .map((port) => ({
              namespace: app.namespace,
              service: service.metadata.name ?? '',
              port: headless
                ? (app.ports.find((p) => p.name === port.name)?.containerPort ?? port.port)
                : port.port,
              ...(port.protocol === 'UDP' ? { protocol: 'UDP' as const } : {}),
              ...(headless ? { headless } : {}),
            }));
        }),
    );
    const clientGroups = [...new Set(clients.map((pod) => pod.metadata.namespace ?? 'default'))].map(
      (namespace) => ({
        namespace,
        selector: `app=${CLIENT_LABELS.app}`,
      }),
    );
    const workloads: WorkloadSpec[] =
      targets.length === 0
        ? []
        : parts.workloads.map((shape, i) =>
            buildTrafficWorkload(
              {
                clients: clientGroups,
                targets,
                name: `load-${i + 1}`,
                ...(options.clientBalancers === undefined
                  ? {}
                  : { clientBalancers: options.clientBalancers }),
              },
              shape,
            ),
          );
    const servers: ServerSpec[] = apps.map((app, i) => ({
      namespace: app.namespace,
      selector: app.selector,
      serviceTime: parts.apps[i]?.serviceTime ?? '5ms',
      concurrency: parts.apps[i]?.concurrency ?? 64,
    }));
    const timeline = buildChurnTimeline(
      parts.timeline,
      {
        nodes,
        apps,
        pods: clients,
        namespaces: parts.namespaces,
        policies,
        maxReplicas,
      },
      parts.duration,
      maxSteps,
    );
    const manifests: KubeObject[] = [
      ...namespaces,
      ...apps.flatMap((app) => app.objects),
      ...clients,
      ...policies,
    ];
    return {
      apiVersion: 'knsim.dev/v1alpha1',
      kind: 'Scenario',
      metadata: { name: 'generated' },
      seed: parts.seed,
      duration: `${parts.duration}s`,
      cluster: asDocument(parts.cluster),
      manifests: manifests.map(asDocument),
      traffic: { ...(workloads.length === 0 ? {} : { workloads }), servers },
      ...(timeline.length === 0 ? {} : { timeline }),
    };
  });
}
