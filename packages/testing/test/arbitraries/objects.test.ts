import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLabelSelector, formatLabelSelector } from '@knsim/api';
import {
  appArb,
  containerPortsArb,
  deploymentArb,
  labelsArb,
  labelSelectorArb,
  namespaceNameArb,
  NAMESPACE_LABEL_VOCABULARY,
  networkPolicyArb,
  serviceArb,
  statefulSetArb,
} from '../../src/arbitraries/index.js';
import { issuesOf, samples } from './support.js';

// Every generated Kubernetes object is one the API server accepts: no error, no warning.
const SEED = 4242;
const RUNS = 150;

const objectArbitraries = {
  deploymentArb: deploymentArb(),
  statefulSetArb: statefulSetArb(),
  serviceArb: serviceArb(),
  networkPolicyArb: networkPolicyArb(),
  'appArb (workload + Services)': appArb().map((app) => app.objects),
};

describe('generated objects pass validateObject', () => {
  for (const [name, arbitrary] of Object.entries(objectArbitraries)) {
    it(`${name}: ${RUNS} samples, seed ${SEED}`, () => {
      for (const sample of samples<unknown>(arbitrary, SEED, RUNS)) {
        for (const object of Array.isArray(sample) ? sample : [sample])
          expect(issuesOf(object), JSON.stringify(object)).toEqual([]);
      }
    });
  }

  it(`namespaces with generated names and labels: ${RUNS} samples, seed ${SEED}`, () => {
    const namespaces = fc
      .tuple(namespaceNameArb(), labelsArb(NAMESPACE_LABEL_VOCABULARY))
      .map(([name, labels]) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } }));
    for (const namespace of samples(namespaces, SEED, RUNS)) expect(issuesOf(namespace)).toEqual([]);
  });

  it(`pods labelled by labelsArb: ${RUNS} samples, seed ${SEED}`, () => {
    const pods = labelsArb().map((labels) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'apps', labels },
      spec: { containers: [{ name: 'c', image: 'i' }] },
    }));
    for (const pod of samples(pods, SEED, RUNS)) expect(issuesOf(pod)).toEqual([]);
  });

  it(`labelSelectorArb: valid in a NetworkPolicy and round-trips through kubectl syntax, seed ${SEED}`, () => {
    for (const selector of samples(labelSelectorArb(), SEED, RUNS)) {
      const policy = {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'p', namespace: 'apps' },
        spec: { podSelector: selector },
      };
      expect(issuesOf(policy)).toEqual([]);
      expect(() => parseLabelSelector(formatLabelSelector(selector))).not.toThrow();
    }
  });

  it(`appArb: Services select the workload's pods and target its container ports, seed ${SEED}`, () => {
    for (const app of samples(appArb(), SEED, RUNS)) {
      const template = app.workload.spec.template;
      const ports = template.spec.containers.flatMap((c) => c.ports ?? []);
      for (const service of app.services) {
        if (service.spec.type === 'ExternalName') continue;
        for (const [key, value] of Object.entries(service.spec.selector ?? {}))
          expect(template.metadata?.labels?.[key]).toBe(value);
        for (const port of service.spec.ports ?? [])
          expect(
            ports.some(
              (c) =>
                (c.name === port.targetPort || c.containerPort === port.targetPort) &&
                (c.protocol ?? 'TCP') === (port.protocol ?? 'TCP'),
            ),
          ).toBe(true);
      }
      if (app.kind === 'StatefulSet')
        expect(app.services.map((s) => s.metadata.name)).toContain(`${app.name}-headless`);
    }
  });

  it(`containerPortsArb: unique names and numbers, seed ${SEED}`, () => {
    for (const ports of samples(containerPortsArb(), SEED, RUNS)) {
      expect(new Set(ports.map((p) => p.name)).size).toBe(ports.length);
      expect(new Set(ports.map((p) => p.containerPort)).size).toBe(ports.length);
    }
  });
});
