import type { Deployment, Ingress, IngressRule, KubeObject, Pod, Service } from '@knsim/api';
import { SECOND } from '@knsim/core';
import { Cluster, INGRESS_CONTROLLER_LABELS, type ClusterConfigSpec } from '@knsim/control-plane';
import { DataPlane } from '@knsim/kube-proxy';
import { IngressController, type IngressControllerOptions } from '../../src/index.js';

/** A Deployment of `replicas` pods labelled `app: name`, listening on `port` (named http). */
export function deployment(
  namespace: string,
  name: string,
  replicas: number,
  options: { labels?: Record<string, string>; port?: number; args?: string[] } = {},
): Deployment {
  const labels = options.labels ?? { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'controller',
              image: 'nginx',
              ...(options.args === undefined ? {} : { args: options.args }),
              ports: [{ name: 'http', containerPort: options.port ?? 8080 }],
            },
          ],
        },
      },
    },
  };
}

/** A pod labelled `app: label` declaring only `port` (so it refuses any other). */
export function pod(namespace: string, name: string, label: string, port: number, nodeName?: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: label } },
    spec: {
      ...(nodeName === undefined ? {} : { nodeName }),
      containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: port }] }],
    },
  };
}

/** A Service `name` selecting `app: name` (or `selector`), port 80 to `targetPort`. */
export function service(
  namespace: string,
  name: string,
  options: {
    targetPort?: number | string;
    type?: Service['spec']['type'];
    selector?: Record<string, string>;
  } = {},
): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: {
      ...(options.type === undefined ? {} : { type: options.type }),
      selector: options.selector ?? { app: name },
      ports: [{ name: 'http', port: 80, targetPort: options.targetPort ?? 'http' }],
    },
  };
}

/** An Ingress with these rules (class-less unless `className`). */
export function ingress(
  namespace: string,
  name: string,
  rules: IngressRule[],
  options: { className?: string; defaultBackend?: string } = {},
): Ingress {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace },
    spec: {
      ...(options.className === undefined ? {} : { ingressClassName: options.className }),
      ...(options.defaultBackend === undefined
        ? {}
        : { defaultBackend: { service: { name: options.defaultBackend, port: { number: 80 } } } }),
      rules,
    },
  };
}

/** A rule for `host` with Prefix paths, each to a Service's port 80. */
export function rule(host: string | undefined, paths: Record<string, string>): IngressRule {
  const http = {
    paths: Object.entries(paths).map(([path, name]) => ({
      path,
      pathType: 'Prefix' as const,
      backend: { service: { name, port: { number: 80 } } },
    })),
  };
  return host === undefined ? { http } : { host, http };
}

/** A user's own ingress-nginx: a Deployment with the controller labels and a Service of `type`. */
export function userController(
  namespace: string,
  name: string,
  type: 'LoadBalancer' | 'NodePort',
  args: string[],
) {
  return [
    deployment(namespace, name, 1, { labels: { ...INGRESS_CONTROLLER_LABELS }, port: 80, args }),
    service(namespace, name, { type, selector: { ...INGRESS_CONTROLLER_LABELS } }),
  ];
}

/** Builds, converges and lets every kube-proxy catch up; then attaches the controller. */
export function setup(
  manifests: KubeObject[],
  options: { config?: ClusterConfigSpec; controller?: IngressControllerOptions } = {},
) {
  const cluster = new Cluster({ seed: 7, config: options.config ?? { nodes: 3 }, manifests });
  const dataPlane = new DataPlane(cluster);
  cluster.converge();
  cluster.runFor(10 * SECOND);
  const controller = new IngressController(cluster, dataPlane, options.controller);
  return { cluster, dataPlane, controller };
}
