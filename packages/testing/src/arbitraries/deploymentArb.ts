import fc from 'fast-check';
import type { Deployment, DeploymentStrategy, IntOrString } from '@knsim/api';
import type { PortSpec } from './containerPortsArb.js';
import { CROSS_SHRINK, maybe, opt, record } from './internal.js';
import { buildPodTemplate, podTemplateShapeArb, type PodTemplateShape } from './podTemplate.js';
import { identityArbs, type WorkloadArbOptions } from './workloadOptions.js';

export interface DeploymentShape {
  readonly replicas: number;
  readonly strategy: DeploymentStrategy | undefined;
  readonly minReadySeconds: number | undefined;
  readonly template: PodTemplateShape;
}

const intOrPercent = (max: number): fc.Arbitrary<IntOrString> =>
  fc.oneof(fc.integer({ min: 0, max }), fc.constantFrom('25%', '50%', '100%'));

export function deploymentShapeArb(options: WorkloadArbOptions = {}): fc.Arbitrary<DeploymentShape> {
  return record({
    replicas: fc.integer({ min: 1, max: Math.max(1, options.maxReplicas ?? 3) }),
    strategy: fc.oneof(
      CROSS_SHRINK,
      fc.constant(undefined),
      record({ maxSurge: maybe(intOrPercent(2)), maxUnavailable: maybe(intOrPercent(1)) }).map(
        ({ maxSurge, maxUnavailable }): DeploymentStrategy => {
          // Both zero would be refused: nothing could ever be replaced.
          const zero = (value: IntOrString | undefined) => value === 0;
          const unavailable = zero(maxSurge) && zero(maxUnavailable) ? 1 : maxUnavailable;
          const rolling = { ...opt('maxSurge', maxSurge), ...opt('maxUnavailable', unavailable) };
          return {
            type: 'RollingUpdate',
            ...(Object.keys(rolling).length === 0 ? {} : { rollingUpdate: rolling }),
          };
        },
      ),
      fc.constant<DeploymentStrategy>({ type: 'Recreate' }),
    ),
    minReadySeconds: maybe(fc.integer({ min: 1, max: 5 })),
    template: podTemplateShapeArb(options.vocabulary),
  });
}

export function buildDeployment(
  namespace: string,
  name: string,
  ports: readonly PortSpec[],
  shape: DeploymentShape,
): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { app: name } },
    spec: {
      replicas: shape.replicas,
      selector: { matchLabels: { app: name } },
      template: buildPodTemplate(name, ports, shape.template),
      ...opt('strategy', shape.strategy),
      ...opt('minReadySeconds', shape.minReadySeconds),
    },
  };
}

/**
 * A valid Deployment: `app: NAME` selector and pod label (plus labels from the vocabulary), one
 * container named after the app listening on the given ports, optionally a readiness probe
 * (HTTP on the first TCP port by name, TCP by number, or exec), a rolling-update or Recreate
 * strategy, minReadySeconds and a termination grace period. Shrinks toward one replica and
 * the defaults.
 *
 * @example
 * ```ts
 * deploymentArb({ namespace: 'shop', name: 'web', maxReplicas: 5 });
 * fc.assert(fc.property(deploymentArb(), (d) => validateObject(d).length === 0));
 * ```
 */
export function deploymentArb(options: WorkloadArbOptions = {}): fc.Arbitrary<Deployment> {
  return record({ ...identityArbs(options), shape: deploymentShapeArb(options) }).map(
    ({ namespace, name, ports, shape }) => buildDeployment(namespace, name, ports, shape),
  );
}
