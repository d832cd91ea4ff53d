import fc from 'fast-check';
import type { StatefulSet } from '@knsim/api';
import type { PortSpec } from './containerPortsArb.js';
import { maybe, record } from './internal.js';
import { buildPodTemplate, podTemplateShapeArb, type PodTemplateShape } from './podTemplate.js';
import { identityArbs, type WorkloadArbOptions } from './workloadOptions.js';

export interface StatefulSetShape {
  readonly replicas: number;
  readonly parallel: boolean;
  readonly partition: number | undefined;
  readonly template: PodTemplateShape;
}

/** The governing headless Service's name of a generated StatefulSet: `NAME-headless`. */
export function headlessServiceName(name: string): string {
  return `${name}-headless`;
}

export function statefulSetShapeArb(options: WorkloadArbOptions = {}): fc.Arbitrary<StatefulSetShape> {
  return record({
    replicas: fc.integer({ min: 1, max: Math.max(1, options.maxReplicas ?? 3) }),
    parallel: fc.boolean(),
    partition: maybe(fc.integer({ min: 0, max: 2 }), 4),
    template: podTemplateShapeArb(options.vocabulary),
  });
}

export function buildStatefulSet(
  namespace: string,
  name: string,
  ports: readonly PortSpec[],
  shape: StatefulSetShape,
): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace, labels: { app: name } },
    spec: {
      serviceName: headlessServiceName(name),
      replicas: shape.replicas,
      selector: { matchLabels: { app: name } },
      template: buildPodTemplate(name, ports, shape.template),
      ...(shape.parallel ? { podManagementPolicy: 'Parallel' as const } : {}),
      ...(shape.partition === undefined
        ? {}
        : {
            updateStrategy: { type: 'RollingUpdate' as const, rollingUpdate: { partition: shape.partition } },
          }),
    },
  };
}

/**
 * A valid StatefulSet: pods `NAME-0`... with `app: NAME`, governed by the headless Service
 * `NAME-headless` (see `serviceArb` / `appArb` for the Service itself), OrderedReady or
 * Parallel, optionally a rolling-update partition. Shrinks toward one replica, OrderedReady.
 *
 * @example
 * ```ts
 * statefulSetArb({ namespace: 'data', name: 'db' }); // spec.serviceName: 'db-headless'
 * ```
 */
export function statefulSetArb(options: WorkloadArbOptions = {}): fc.Arbitrary<StatefulSet> {
  return record({ ...identityArbs(options), shape: statefulSetShapeArb(options) }).map(
    ({ namespace, name, ports, shape }) => buildStatefulSet(namespace, name, ports, shape),
  );
}
