import fc from 'fast-check';
import type { Container, PodTemplateSpec, Probe } from '@knsim/api';
import { labelsArb, POD_LABEL_VOCABULARY, type LabelVocabulary } from './labelsArb.js';
import type { PortSpec } from './containerPortsArb.js';
import { maybe, opt, record, type Labels } from './internal.js';

// The pod template shared by the Deployment and StatefulSet arbitraries (internal).

export interface PodTemplateShape {
  readonly labels: Labels;
  readonly probe: { readonly period: number; readonly delay: number; readonly tcp: boolean } | undefined;
  readonly grace: number | undefined;
}

export function podTemplateShapeArb(
  vocabulary: LabelVocabulary = POD_LABEL_VOCABULARY,
): fc.Arbitrary<PodTemplateShape> {
  return record({
    labels: labelsArb(vocabulary),
    probe: maybe(
      record({
        period: fc.integer({ min: 1, max: 5 }),
        delay: fc.integer({ min: 0, max: 2 }),
        tcp: fc.boolean(),
      }),
    ),
    grace: maybe(fc.integer({ min: 1, max: 30 })),
  });
}

/** The image of an app's container: `example/NAME:VERSION`. */
export function appImage(name: string, version = 1): string {
  return `example/${name}:${version}`;
}

export function buildPodTemplate(
  name: string,
  ports: readonly PortSpec[],
  shape: PodTemplateShape,
): PodTemplateSpec {
  const tcp = ports.find((port) => port.protocol === 'TCP');
  let probe: Probe | undefined;
  if (shape.probe !== undefined) {
    const timing = {
      periodSeconds: shape.probe.period,
      ...(shape.probe.delay === 0 ? {} : { initialDelaySeconds: shape.probe.delay }),
    };
    probe =
      tcp === undefined
        ? { exec: { command: ['true'] }, ...timing }
        : shape.probe.tcp
          ? { tcpSocket: { port: tcp.containerPort }, ...timing }
          : { httpGet: { path: '/healthz', port: tcp.name }, ...timing };
  }
  const container: Container = {
    name,
    image: appImage(name),
    ports: ports.map((port) => ({
      name: port.name,
      containerPort: port.containerPort,
      ...(port.protocol === 'TCP' ? {} : { protocol: port.protocol }),
    })),
    ...opt('readinessProbe', probe),
  };
  return {
    // `app` last: the vocabulary never overrides it.
    metadata: { labels: { ...shape.labels, app: name } },
    spec: { containers: [container], ...opt('terminationGracePeriodSeconds', shape.grace) },
  };
}
