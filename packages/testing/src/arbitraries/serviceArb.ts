import fc from 'fast-check';
import type { Service, ServicePort } from '@knsim/api';
import { APP_NAMES } from './appNames.js';
import { containerPortsArb, type PortSpec } from './containerPortsArb.js';
import { maybe, opt, pickDistinct, rarely, record, type Labels } from './internal.js';
import { namespaceNameArb } from './namespaceNameArb.js';

/** The kinds of Service generated: the four types, and headless (ClusterIP `None`). */
export type ServiceKind = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName' | 'Headless';

/** Every {@link ServiceKind}, simplest first. */
export const SERVICE_KINDS: readonly ServiceKind[] = [
  'ClusterIP',
  'NodePort',
  'LoadBalancer',
  'Headless',
  'ExternalName',
];

const SUFFIX: Readonly<Record<ServiceKind, string>> = {
  ClusterIP: '',
  NodePort: '-np',
  LoadBalancer: '-lb',
  Headless: '-headless',
  ExternalName: '-ext',
};

/**
 * The name generated Services of an app get, one per kind: `web`, `web-np`, `web-lb`,
 * `web-headless` (the StatefulSet's governing Service), `web-ext`.
 *
 * @example
 * ```ts
 * serviceNameFor('web', 'LoadBalancer'); // 'web-lb'
 * ```
 */
export function serviceNameFor(app: string, kind: ServiceKind): string {
  return app + SUFFIX[kind];
}

/**
 * The {@link ServiceKind} of a Service.
 *
 * @example
 * ```ts
 * serviceKindOf({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { clusterIP: 'None' } }); // 'Headless'
 * ```
 */
export function serviceKindOf(service: Service): ServiceKind {
  const type = service.spec.type ?? 'ClusterIP';
  return type === 'ClusterIP' && service.spec.clusterIP === 'None' ? 'Headless' : type;
}

export interface ServiceShape {
  readonly portPicks: readonly number[];
  readonly byName: readonly boolean[];
  readonly externalTrafficPolicy: 'Cluster' | 'Local' | undefined;
  readonly affinity: { readonly timeout: number | undefined } | undefined;
  readonly internalLocal: boolean;
  readonly publishNotReady: boolean;
}

export function serviceShapeArb(): fc.Arbitrary<ServiceShape> {
  return record({
    portPicks: fc.uniqueArray(fc.nat({ max: 4 }), { minLength: 1, maxLength: 3 }),
    byName: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    externalTrafficPolicy: maybe(fc.constantFrom('Cluster' as const, 'Local' as const), 3),
    affinity: maybe(record({ timeout: maybe(fc.integer({ min: 10, max: 3600 })) }), 5),
    // Rare (one in five): Local internal traffic fails clients on nodes without an endpoint.
    internalLocal: rarely(),
    publishNotReady: rarely(),
  });
}

/** What a Service of an app is built from. */
export interface ServiceContext {
  readonly namespace: string;
  readonly name: string;
  readonly kind: ServiceKind;
  /** The pods' labels the Service selects (ignored for ExternalName). */
  readonly selector: Labels;
  /** The pods' ports (at least one). */
  readonly ports: readonly PortSpec[];
  /** ExternalName's target. Default `example.com`. */
  readonly externalName?: string;
}

export function buildService(context: ServiceContext, shape: ServiceShape): Service {
  const { kind } = context;
  const metadata = {
    name: context.name,
    namespace: context.namespace,
    labels: { app: context.selector['app'] ?? context.name },
  };
  if (kind === 'ExternalName') {
    return {
      apiVersion: 'v1',
      kind: 'Service',
      metadata,
      spec: { type: 'ExternalName', externalName: context.externalName ?? 'example.com' },
    };
  }
  const chosen = pickDistinct(context.ports, shape.portPicks);
  const ports = chosen.map((port, index): ServicePort => ({
    // Always named: required with several ports, and what `port: NAME` references use.
    name: port.name,
    ...(port.protocol === 'TCP' ? {} : { protocol: port.protocol }),
    port: port.servicePort,
    targetPort: shape.byName[index] === true ? port.name : port.containerPort,
  }));
  const external = kind === 'NodePort' || kind === 'LoadBalancer';
  // LoadBalancer always says its policy (Cluster or Local both matter); NodePort may leave the default.
  const etp =
    kind === 'LoadBalancer' ? (shape.externalTrafficPolicy ?? 'Cluster') : shape.externalTrafficPolicy;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata,
    spec: {
      ...(kind === 'ClusterIP' || kind === 'Headless' ? {} : { type: kind }),
      ...(kind === 'Headless' ? { clusterIP: 'None' } : {}),
      selector: context.selector,
      ports,
      ...(external ? opt('externalTrafficPolicy', etp) : {}),
      ...(shape.affinity === undefined || kind === 'Headless'
        ? {}
        : {
            sessionAffinity: 'ClientIP' as const,
            ...(shape.affinity.timeout === undefined
              ? {}
              : { sessionAffinityConfig: { clientIP: { timeoutSeconds: shape.affinity.timeout } } }),
          }),
      ...(shape.internalLocal && kind !== 'Headless' ? { internalTrafficPolicy: 'Local' as const } : {}),
      ...(shape.publishNotReady && kind === 'Headless' ? { publishNotReadyAddresses: true } : {}),
    },
  };
}

/** Options of {@link serviceArb}. */
export interface ServiceArbOptions {
  readonly namespace?: string;
  /** The app the Service fronts: its name is derived ({@link serviceNameFor}). Default: one of `APP_NAMES`. */
  readonly app?: string;
  /** The selected pods' labels. Default `{ app: APP }`. */
  readonly selector?: Labels;
  /** The pods' ports. Default: {@link containerPortsArb}. */
  readonly ports?: readonly PortSpec[];
  /** Kinds to choose from. Default {@link SERVICE_KINDS}. */
  readonly kinds?: readonly ServiceKind[];
  /** ExternalName's target. Default `example.com`. */
  readonly externalName?: string;
}

/**
 * A valid Service of any kind (ClusterIP, NodePort, LoadBalancer with externalTrafficPolicy
 * Cluster or Local, headless, ExternalName) in front of pods with the given ports: one to
 * three of them, each named after the container port, targeting it by name or number;
 * optionally ClientIP affinity or `internalTrafficPolicy: Local`. Node ports and IPs are left to
 * the allocator, so any number of generated Services can coexist. Shrinks toward a one-port
 * ClusterIP Service.
 *
 * @example
 * ```ts
 * serviceArb({ namespace: 'shop', app: 'web', ports: [PORT_VOCABULARY[0]], kinds: ['LoadBalancer'] });
 * ```
 */
export function serviceArb(options: ServiceArbOptions = {}): fc.Arbitrary<Service> {
  const kinds = options.kinds ?? SERVICE_KINDS;
  if (kinds.length === 0) throw new Error('serviceArb: kinds may not be empty');
  return record({
    namespace: options.namespace === undefined ? namespaceNameArb() : fc.constant(options.namespace),
    app: options.app === undefined ? fc.constantFrom(...APP_NAMES) : fc.constant(options.app),
    ports: options.ports === undefined ? containerPortsArb() : fc.constant(options.ports),
    kind: fc.constantFrom(...kinds),
    shape: serviceShapeArb(),
  }).map(({ namespace, app, ports, kind, shape }) =>
    buildService(
      {
        namespace,
        name: serviceNameFor(app, kind),
        kind,
        selector: options.selector ?? { app },
        ports,
        ...opt('externalName', options.externalName),
      },
      shape,
    ),
  );
}
