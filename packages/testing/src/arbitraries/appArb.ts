import fc from 'fast-check';
import type { Deployment, KubeObject, Service, StatefulSet } from '@knsim/api';
import { APP_NAMES } from './appNames.js';
import { containerPortsArb, type PortSpec } from './containerPortsArb.js';
import { buildDeployment, deploymentShapeArb, type DeploymentShape } from './deploymentArb.js';
import { record, type Labels } from './internal.js';
import type { LabelVocabulary } from './labelsArb.js';
import { namespaceNameArb } from './namespaceNameArb.js';
import {
  buildService,
  SERVICE_KINDS,
  serviceNameFor,
  serviceShapeArb,
  type ServiceKind,
  type ServiceShape,
} from './serviceArb.js';
import { buildStatefulSet, statefulSetShapeArb, type StatefulSetShape } from './statefulSetArb.js';

/** The workload kinds an app may have. */
export type AppKind = 'Deployment' | 'StatefulSet';

/** A generated app: one workload and its Services, consistent with each other. */
export interface App {
  readonly namespace: string;
  readonly name: string;
  readonly kind: AppKind;
  readonly replicas: number;
  /** The pods' selector as kubectl takes it: `app=NAME`. */
  readonly selector: string;
  /** The pod template's labels (`app: NAME` and labels from the vocabulary). */
  readonly podLabels: Labels;
  /** The container's name (the app's name): what image rollouts name. */
  readonly container: string;
  readonly ports: readonly PortSpec[];
  readonly workload: Deployment | StatefulSet;
  readonly services: readonly Service[];
  /** The workload, then its Services: what to put in `manifests`. */
  readonly objects: readonly KubeObject[];
}

/** Options of {@link appArb}. */
export interface AppArbOptions {
  /** The namespace. Default: {@link namespaceNameArb}. */
  readonly namespace?: string;
  /** The app's name. Default: one of `APP_NAMES`. */
  readonly name?: string;
  /** Workload kinds to choose from (the first is what shrinking goes to). Default both. */
  readonly kinds?: readonly AppKind[];
  /** Service kinds to choose from. Default all (`SERVICE_KINDS`). */
  readonly serviceKinds?: readonly ServiceKind[];
  /** Most replicas. Default 3. */
  readonly maxReplicas?: number;
  /** Most Services besides a StatefulSet's governing one. Default 2. */
  readonly maxServices?: number;
  /** Vocabulary of extra pod labels. */
  readonly vocabulary?: LabelVocabulary;
}

export interface AppShape {
  readonly kind: AppKind;
  readonly ports: readonly PortSpec[];
  readonly deployment: DeploymentShape;
  readonly statefulSet: StatefulSetShape;
  readonly serviceKinds: readonly ServiceKind[];
  readonly services: readonly ServiceShape[];
}

export function appShapeArb(options: AppArbOptions = {}): fc.Arbitrary<AppShape> {
  const kinds = options.kinds ?? ['Deployment', 'StatefulSet'];
  const serviceKinds = options.serviceKinds ?? SERVICE_KINDS;
  if (kinds.length === 0) throw new Error('appArb: kinds may not be empty');
  const maxServices = Math.max(0, Math.min(options.maxServices ?? 2, serviceKinds.length));
  const workload = {
    ...(options.maxReplicas === undefined ? {} : { maxReplicas: options.maxReplicas }),
    ...(options.vocabulary === undefined ? {} : { vocabulary: options.vocabulary }),
  };
  return record({
    kind: fc.constantFrom(...kinds),
    ports: containerPortsArb(),
    deployment: deploymentShapeArb(workload),
    statefulSet: statefulSetShapeArb(workload),
    serviceKinds: fc.subarray([...serviceKinds], {
      minLength: Math.min(1, maxServices),
      maxLength: maxServices,
    }),
    services: fc.array(serviceShapeArb(), { minLength: 3, maxLength: 3 }),
  });
}

export function buildApp(namespace: string, name: string, shape: AppShape): App {
  const workload =
    shape.kind === 'Deployment'
      ? buildDeployment(namespace, name, shape.ports, shape.deployment)
      : buildStatefulSet(namespace, name, shape.ports, shape.statefulSet);
  // A StatefulSet always gets its governing headless Service.
  const kinds: ServiceKind[] =
    shape.kind === 'StatefulSet'
      ? ['Headless', ...shape.serviceKinds.filter((k) => k !== 'Headless')]
      : [...shape.serviceKinds];
  const aliasTarget = kinds.find((k) => k === 'ClusterIP' || k === 'NodePort' || k === 'LoadBalancer');
  const services = kinds.map((kind, index) =>
    buildService(
      {
        namespace,
        name: serviceNameFor(name, kind),
        kind,
        selector: { app: name },
        ports: shape.ports,
        ...(aliasTarget === undefined
          ? {}
          : { externalName: `${serviceNameFor(name, aliasTarget)}.${namespace}.svc.cluster.local` }),
      },
      shape.services[index % shape.services.length] as ServiceShape,
    ),
  );
  return {
    namespace,
    name,
    kind: shape.kind,
    replicas: workload.spec.replicas ?? 1,
    selector: `app=${name}`,
    podLabels: workload.spec.template.metadata?.labels ?? { app: name },
    container: name,
    ports: shape.ports,
    workload,
    services,
    objects: [workload, ...services],
  };
}

/**
 * A consistent app in a namespace: a Deployment or a StatefulSet (`app: NAME`), and one or two
 * Services in front of it whose ports and targetPorts match the container's ports (a
 * StatefulSet also gets its governing headless Service `NAME-headless`; an ExternalName
 * Service aliases the app's own ClusterIP Service by DNS name when it has one). Shrinks toward
 * a one-replica Deployment behind a one-port ClusterIP Service.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(appArb({ namespace: 'shop', name: 'web' }), (app) => {
 *   cluster.applyAll([...app.objects]);
 * }));
 * ```
 */
export function appArb(options: AppArbOptions = {}): fc.Arbitrary<App> {
  return record({
    namespace: options.namespace === undefined ? namespaceNameArb() : fc.constant(options.namespace),
    name: options.name === undefined ? fc.constantFrom(...APP_NAMES) : fc.constant(options.name),
    shape: appShapeArb(options),
  }).map(({ namespace, name, shape }) => buildApp(namespace, name, shape));
}
