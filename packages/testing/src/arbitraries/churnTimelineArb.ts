import fc from 'fast-check';
import type { KubeObject, NetworkPolicy, Pod } from '@knsim/api';
import { parseDuration, SECOND } from '@knsim/core';
import type { App } from './appArb.js';
import { maybe, pick, record, seconds } from './internal.js';
import { NAMESPACE_LABEL_VOCABULARY, POD_LABEL_VOCABULARY, type LabelVocabulary } from './labelsArb.js';
import { networkPolicyArb } from './networkPolicyArb.js';
import { appImage } from './podTemplate.js';

/** The actions {@link churnTimelineArb} generates (the keys of the timeline steps it writes). */
export type ChurnActionKind =
  | 'apply'
  | 'delete'
  | 'patch'
  | 'scale'
  | 'rollout'
  | 'killPod'
  | 'crashNode'
  | 'partitionNode'
  | 'recoverNode'
  | 'cordonNode'
  | 'uncordonNode'
  | 'drainNode'
  | 'failReadiness'
  | 'network'
  | 'dnsOutage'
  | 'policy';

/** Every {@link ChurnActionKind}. */
export const CHURN_ACTION_KINDS: readonly ChurnActionKind[] = [
  'apply',
  'delete',
  'patch',
  'scale',
  'rollout',
  'killPod',
  'crashNode',
  'partitionNode',
  'recoverNode',
  'cordonNode',
  'uncordonNode',
  'drainNode',
  'failReadiness',
  'network',
  'dnsOutage',
  'policy',
];

/** A timeline step as the scenario file holds it: `at:` and one action. */
export type TimelineStepDocument = Readonly<Record<string, unknown>>;

/** What a churn timeline acts on: the objects of the scenario at time 0. */
export interface ChurnContext {
  /** Node names (see `clusterNodeNames`). */
  readonly nodes: readonly string[];
  /** The apps (workloads and Services) in the manifests. */
  readonly apps: readonly App[];
  /** Bare pods in the manifests (clients): deleted, relabelled. */
  readonly pods?: readonly Pod[];
  /** Namespaces that exist as Namespace objects (their labels get patched; new pods go there). Default: the apps' namespaces. */
  readonly namespaces?: readonly string[];
  /** NetworkPolicies in the manifests (replaced, deleted). */
  readonly policies?: readonly NetworkPolicy[];
  /** Where new and replacement policies come from (namespace and name are set by the timeline). Default {@link networkPolicyArb}. */
  readonly policyArb?: fc.Arbitrary<NetworkPolicy>;
  /** Pod label vocabulary of label patches (never `app`). Default `POD_LABEL_VOCABULARY`. */
  readonly podVocabulary?: LabelVocabulary;
  /** Namespace label vocabulary of label patches. Default `NAMESPACE_LABEL_VOCABULARY`. */
  readonly namespaceVocabulary?: LabelVocabulary;
  /** Most replicas of a scale step. Default 3. */
  readonly maxReplicas?: number;
}

/** Options of {@link churnTimelineArb}. */
export interface ChurnTimelineOptions {
  /** The scenario's duration (`2m`): every step lies strictly inside it. At least 2s. */
  readonly duration: string;
  /** Most steps. Default 8. */
  readonly maxSteps?: number;
  /** Actions to generate. Default {@link CHURN_ACTION_KINDS}. */
  readonly kinds?: readonly ChurnActionKind[];
}

// ---------------------------------------------------------------------------------------------
// Intents: what the array shrinks over. Each is independent of the context (indices pick the
// objects when the timeline is built), and may expand into two steps (a fault and its repair).

/** One generated change, before it is placed in time and checked against the cluster model. */
export type ChurnIntent =
  | { readonly type: 'scale'; readonly at: number; readonly app: number; readonly replicas: number }
  | {
      readonly type: 'rollout';
      readonly at: number;
      readonly app: number;
      readonly version: number | undefined;
    }
  | { readonly type: 'killPod'; readonly at: number; readonly app: number; readonly count: number }
  | {
      readonly type: 'failReadiness';
      readonly at: number;
      readonly app: number;
      readonly duration: number | undefined;
    }
  | {
      readonly type: 'nodeFault';
      readonly at: number;
      readonly node: number;
      readonly fault: 'crashNode' | 'partitionNode';
      readonly recoverAfter: number | undefined;
    }
  | {
      readonly type: 'cordon';
      readonly at: number;
      readonly node: number;
      readonly action: 'cordonNode' | 'drainNode';
      readonly uncordonAfter: number | undefined;
    }
  | {
      readonly type: 'applyPod';
      readonly at: number;
      readonly namespace: number;
      readonly node: number | undefined;
      readonly deleteAfter: number | undefined;
    }
  | {
      readonly type: 'delete';
      readonly at: number;
      readonly target: number;
      readonly reapplyAfter: number | undefined;
    }
  | {
      readonly type: 'patch';
      readonly at: number;
      readonly target: 'template' | 'pod' | 'namespace';
      readonly pick: number;
      readonly key: number;
      readonly value: number;
    }
  | {
      readonly type: 'policy';
      readonly at: number;
      readonly op: 'create' | 'replace' | 'delete';
      readonly pick: number;
      readonly policy: NetworkPolicy;
    }
  | {
      readonly type: 'network';
      readonly at: number;
      readonly crossNodeUs: number;
      readonly loss: number | undefined;
    }
  | { readonly type: 'dnsOutage'; readonly at: number; readonly duration: number | undefined };

/** The arbitrary of one intent, over the kinds asked for. */
export function churnIntentArb(
  kinds: readonly ChurnActionKind[],
  policyArb: fc.Arbitrary<NetworkPolicy>,
): fc.Arbitrary<ChurnIntent> {
  const has = (kind: ChurnActionKind) => kinds.includes(kind);
  // Time as per mille of the run (1..999), so intents do not depend on the duration.
  const at = fc.integer({ min: 1, max: 999 });
  const index = fc.nat({ max: 15 });
  const delay = (min: number, max: number, enabled: boolean) =>
    enabled ? maybe(fc.integer({ min, max }), 3) : fc.constant(undefined);
  const choices: fc.Arbitrary<ChurnIntent>[] = [];
  if (has('scale'))
    choices.push(
      record({ at, app: index, replicas: fc.integer({ min: 0, max: 5 }) }).map((i) => ({
        type: 'scale' as const,
        ...i,
      })),
    );
  if (has('rollout'))
    choices.push(
      record({ at, app: index, version: maybe(fc.integer({ min: 2, max: 9 })) }).map((i) => ({
        type: 'rollout' as const,
        ...i,
      })),
    );
  if (has('killPod'))
    choices.push(
      record({ at, app: index, count: fc.integer({ min: 1, max: 2 }) }).map((i) => ({
        type: 'killPod' as const,
        ...i,
      })),
    );
  if (has('failReadiness'))
    choices.push(
      record({ at, app: index, duration: maybe(fc.integer({ min: 2, max: 60 }), 4) }).map((i) => ({
        type: 'failReadiness' as const,
        ...i,
      })),
    );
  const faults = (['crashNode', 'partitionNode'] as const).filter(has);
  if (faults.length > 0)
    choices.push(
      record({
        at,
        node: index,
        fault: fc.constantFrom(...faults),
        recoverAfter: delay(5, 120, has('recoverNode')),
      }).map((i) => ({ type: 'nodeFault' as const, ...i })),
    );
  const cordons = (['cordonNode', 'drainNode'] as const).filter(has);
  if (cordons.length > 0)
    choices.push(
      record({
        at,
        node: index,
        action: fc.constantFrom(...cordons),
        uncordonAfter: delay(5, 120, has('uncordonNode')),
      }).map((i) => ({ type: 'cordon' as const, ...i })),
    );
  if (has('apply'))
    choices.push(
      record({ at, namespace: index, node: maybe(index, 3), deleteAfter: delay(5, 90, has('delete')) }).map(
        (i) => ({
          type: 'applyPod' as const,
          ...i,
        }),
      ),
    );
  if (has('delete'))
    choices.push(
      record({ at, target: index, reapplyAfter: delay(5, 90, has('apply')) }).map((i) => ({
        type: 'delete' as const,
        ...i,
      })),
    );
  if (has('patch'))
    choices.push(
      record({
        at,
        target: fc.constantFrom('template' as const, 'pod' as const, 'namespace' as const),
        pick: index,
        key: index,
        value: index,
      }).map((i) => ({ type: 'patch' as const, ...i })),
    );
  if (has('policy'))
    choices.push(
      record({
        at,
        op: fc.constantFrom('create' as const, 'replace' as const, 'delete' as const),
        pick: index,
        policy: policyArb,
      }).map((i) => ({ type: 'policy' as const, ...i })),
    );
  if (has('network'))
    choices.push(
      record({
        at,
        crossNodeUs: fc.integer({ min: 50, max: 5000 }),
        loss: maybe(
          fc.integer({ min: 1, max: 20 }).map((n) => n / 100),
          3,
        ),
      }).map((i) => ({ type: 'network' as const, ...i })),
    );
  if (has('dnsOutage'))
    choices.push(
      record({ at, duration: maybe(fc.integer({ min: 2, max: 30 }), 4) }).map((i) => ({
        type: 'dnsOutage' as const,
        ...i,
      })),
    );
  if (choices.length === 0) throw new Error('churnTimelineArb: no action kind to generate');
  return fc.oneof(...choices);
}

// ---------------------------------------------------------------------------------------------
// Building: intents expand into steps, sorted by time, then a small model of the cluster drops
// every step that would be refused (a second crash of a down node, a scale of a deleted
// Deployment...) and the rest of its intent's steps.

interface Model {
  readonly objects: Set<string>;
  readonly nodes: Map<string, 'running' | 'down'>;
}

interface Planned {
  readonly at: number;
  readonly intent: number;
  readonly seq: number;
  readonly step: Readonly<Record<string, unknown>>;
  readonly valid: (model: Model) => boolean;
  readonly effect: (model: Model) => void;
}

const always = (): boolean => true;
const nothing = (): void => undefined;
const keyOf = (object: KubeObject): string =>
  `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name ?? ''}`;
const ref = (object: { readonly namespace: string; readonly name: string }): string =>
  `${object.namespace}/${object.name}`;

function workloadField(app: App): 'deployment' | 'statefulSet' {
  return app.kind === 'Deployment' ? 'deployment' : 'statefulSet';
}

/** Builds the timeline of a list of intents (exported for `scenarioArb`). */
export function buildChurnTimeline(
  intents: readonly ChurnIntent[],
  context: ChurnContext,
  durationSeconds: number,
  maxSteps: number,
): TimelineStepDocument[] {
  const apps = context.apps;
  const pods = context.pods ?? [];
  const namespaces = context.namespaces ?? [...new Set(apps.map((app) => app.namespace))];
  const policies = context.policies ?? [];
  const podVocabulary = Object.entries(context.podVocabulary ?? POD_LABEL_VOCABULARY).filter(
    ([key, values]) => key !== 'app' && values.length > 0,
  );
  const namespaceVocabulary = Object.entries(
    context.namespaceVocabulary ?? NAMESPACE_LABEL_VOCABULARY,
  ).filter(([, values]) => values.length > 0);
  const deletable: KubeObject[] = [...apps.flatMap((app) => app.objects), ...pods];
  const maxReplicas = context.maxReplicas ?? 3;
  const end = Math.max(2, durationSeconds);
  const planned: Planned[] = [];
  intents.forEach((intent, index) => {
    const at = Math.min(end - 1, Math.max(1, Math.round((intent.at * end) / 1000)));
    let seq = 0;
    const plan = (
      time: number,
      step: Readonly<Record<string, unknown>>,
      valid: Planned['valid'] = always,
      effect: Planned['effect'] = nothing,
    ): void => {
      if (time >= end) return; // a repair after the end of the run: left out
      planned.push({ at: time, intent: index, seq: seq++, step, valid, effect });
    };
    const later = (after: number | undefined, fn: (time: number) => void): void => {
      if (after !== undefined) fn(at + after);
    };
    switch (intent.type) {
      case 'scale':
      case 'rollout': {
        if (apps.length === 0) return;
        const app = pick(apps, intent.app);
        const exists = (m: Model) => m.objects.has(keyOf(app.workload));
        const target = { [workloadField(app)]: ref(app) };
        if (intent.type === 'scale')
          plan(at, { scale: { ...target, replicas: Math.min(intent.replicas, maxReplicas) } }, exists);
        else
          plan(
            at,
            {
              rollout: {
                ...target,
                ...(intent.version === undefined
                  ? { restart: true }
                  : { image: { container: app.container, image: appImage(app.name, intent.version) } }),
              },
            },
            exists,
          );
        return;
      }
      case 'killPod':
      case 'failReadiness': {
        if (apps.length === 0) return;
        const app = pick(apps, intent.app);
        if (intent.type === 'killPod')
          plan(at, { killPod: { namespace: app.namespace, selector: app.selector, count: intent.count } });
        else
          plan(at, {
            failReadiness: {
              namespace: app.namespace,
              selector: app.selector,
              ...(intent.duration === undefined ? {} : { duration: seconds(intent.duration) }),
            },
          });
        return;
      }
      case 'nodeFault': {
        if (context.nodes.length === 0) return;
        const node = pick(context.nodes, intent.node);
        plan(
          at,
          { [intent.fault]: node },
          (m) => m.nodes.get(node) === 'running',
          (m) => void m.nodes.set(node, 'down'),
        );
        later(intent.recoverAfter, (time) =>
          plan(
            time,
            { recoverNode: node },
            (m) => m.nodes.get(node) === 'down',
            (m) => void m.nodes.set(node, 'running'),
          ),
        );
        return;
      }
      case 'cordon': {
        if (context.nodes.length === 0) return;
        const node = pick(context.nodes, intent.node);
        plan(at, { [intent.action]: node });
        later(intent.uncordonAfter, (time) => plan(time, { uncordonNode: node }));
        return;
      }
      case 'applyPod': {
        if (namespaces.length === 0) return;
        const pod: Pod = {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: `churn-${index}`,
            namespace: pick(namespaces, intent.namespace),
            labels: { app: 'churn' },
          },
          spec: {
            ...(intent.node === undefined || context.nodes.length === 0
              ? {}
              : { nodeName: pick(context.nodes, intent.node) }),
            containers: [{ name: 'churn', image: 'example/churn:1' }],
          },
        };
        const key = keyOf(pod);
        plan(
          at,
          { apply: pod },
          (m) => !m.objects.has(key),
          (m) => void m.objects.add(key),
        );
        later(intent.deleteAfter, (time) =>
          plan(
            time,
            { delete: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name } },
            (m) => m.objects.has(key),
            (m) => void m.objects.delete(key),
          ),
        );
        return;
      }
      case 'delete': {
        if (deletable.length === 0) return;
        const object = pick(deletable, intent.target);
        const key = keyOf(object);
        plan(
          at,
          { delete: { kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name } },
          (m) => m.objects.has(key),
          (m) => void m.objects.delete(key),
        );
        // A deleted pod terminates for a while (its name stays taken): only controllers and
        // Services come back.
        if (object.kind !== 'Pod')
          later(intent.reapplyAfter, (time) =>
            plan(
              time,
              { apply: object },
              (m) => !m.objects.has(key),
              (m) => void m.objects.add(key),
            ),
          );
        return;
      }
      case 'patch': {
        if (intent.target === 'namespace') {
          if (namespaces.length === 0 || namespaceVocabulary.length === 0) return;
          const namespace = pick(namespaces, intent.pick);
          const [key, values] = pick(namespaceVocabulary, intent.key);
          plan(at, {
            patch: {
              kind: 'Namespace',
              name: namespace,
              merge: { metadata: { labels: { [key]: pick(values, intent.value) } } },
            },
          });
          return;
        }
        if (podVocabulary.length === 0) return;
        const [key, values] = pick(podVocabulary, intent.key);
        const labels = { [key]: pick(values, intent.value) };
        if (intent.target === 'pod' && pods.length > 0) {
          const pod = pick(pods, intent.pick);
          const podKey = keyOf(pod);
          plan(
            at,
            {
              patch: {
                kind: 'Pod',
                namespace: pod.metadata.namespace,
                name: pod.metadata.name,
                merge: { metadata: { labels } },
              },
            },
            (m) => m.objects.has(podKey),
          );
          return;
        }
        if (apps.length === 0) return;
        // The pod template's labels (a rollout): `app` stays, so the selector still matches.
        const app = pick(apps, intent.pick);
        plan(
          at,
          {
            patch: {
              kind: app.kind,
              namespace: app.namespace,
              name: app.name,
              merge: { spec: { template: { metadata: { labels } } } },
            },
          },
          (m) => m.objects.has(keyOf(app.workload)),
        );
        return;
      }
      case 'policy': {
        const existing = policies.map((p) => ({
          namespace: p.metadata.namespace ?? 'default',
          name: p.metadata.name ?? '',
        }));
        const op = intent.op !== 'create' && existing.length === 0 ? 'create' : intent.op;
        const target =
          op === 'create'
            ? namespaces.length === 0
              ? undefined
              : { namespace: pick(namespaces, intent.pick), name: `churn-policy-${index}` }
            : pick(existing, intent.pick);
        if (target === undefined) return;
        const key = `NetworkPolicy/${ref(target)}`;
        if (op === 'delete') {
          plan(
            at,
            { policy: { delete: ref(target) } },
            (m) => m.objects.has(key),
            (m) => void m.objects.delete(key),
          );
          return;
        }
        const policy: NetworkPolicy = {
          ...intent.policy,
          metadata: { name: target.name, namespace: target.namespace },
        };
        plan(at, { policy: { apply: policy } }, always, (m) => void m.objects.add(key));
        return;
      }
      case 'network':
        plan(at, {
          network: {
            crossNode: `${intent.crossNodeUs}us`,
            ...(intent.loss === undefined ? {} : { loss: intent.loss }),
          },
        });
        return;
      case 'dnsOutage':
        plan(at, { dnsOutage: intent.duration === undefined ? {} : { duration: seconds(intent.duration) } });
        return;
    }
  });
  planned.sort((a, b) => a.at - b.at || a.intent - b.intent || a.seq - b.seq);
  const model: Model = {
    objects: new Set([
      ...deletable.map(keyOf),
      ...policies.map(keyOf),
      ...namespaces.map((namespace) => `Namespace//${namespace}`),
    ]),
    nodes: new Map(context.nodes.map((node) => [node, 'running' as const])),
  };
  const dropped = new Set<number>();
  const steps: TimelineStepDocument[] = [];
  for (const entry of planned) {
    if (steps.length >= maxSteps) break;
    if (dropped.has(entry.intent)) continue;
    if (!entry.valid(model)) {
      dropped.add(entry.intent);
      continue;
    }
    entry.effect(model);
    steps.push({ at: seconds(entry.at), ...entry.step });
  }
  return steps;
}

/**
 * Churn timelines: steps `at:` + one action, in time order inside the run, over the scenario's
 * objects: apply (new pods) and delete (workloads, Services, pods; re-applied later), label
 * patches (a Deployment's or StatefulSet's pod template, a pod, a namespace), scale, rollout
 * (restart or new image), killPod by selector, failReadiness for a while, node crash or
 * partition (and recovery), cordon or drain (and uncordon), network latency/loss changes, DNS
 * outages, and NetworkPolicy create/replace/delete. A small model of the cluster keeps every
 * step valid when it fires: nothing names an object already deleted, a node is only crashed
 * when up and only recovered when down. Shrinking removes steps (a fault and its repair go
 * together, the repair alone can go) and moves them earlier.
 *
 * @example
 * ```ts
 * const timeline = churnTimelineArb(
 *   { nodes: ['node-1', 'node-2'], apps: [app] },
 *   { duration: '2m', maxSteps: 5, kinds: ['crashNode', 'recoverNode', 'scale'] },
 * );
 * // e.g. [{ at: '12s', crashNode: 'node-2' }, { at: '40s', scale: { deployment: 'shop/web', replicas: 3 } }, { at: '1m5s', recoverNode: 'node-2' }]
 * ```
 */
export function churnTimelineArb(
  context: ChurnContext,
  options: ChurnTimelineOptions,
): fc.Arbitrary<TimelineStepDocument[]> {
  const durationSeconds = Math.floor(parseDuration(options.duration) / SECOND);
  if (durationSeconds < 2) throw new Error('churnTimelineArb: the duration must be at least 2s');
  const maxSteps = options.maxSteps ?? 8;
  const namespaces = context.namespaces ?? [...new Set(context.apps.map((app) => app.namespace))];
  const policyArb = context.policyArb ?? networkPolicyArb(namespaces.length === 0 ? {} : { namespaces });
  return fc
    .array(churnIntentArb(options.kinds ?? CHURN_ACTION_KINDS, policyArb), { maxLength: maxSteps })
    .map((intents) => buildChurnTimeline(intents, context, durationSeconds, maxSteps));
}
