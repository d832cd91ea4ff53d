import type { RawMap } from './FieldReporter.js';

type Draft = Record<string, unknown>;

function isDraft(value: unknown): value is Draft {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function at(value: unknown, ...keys: string[]): Draft | undefined {
  let current = value;
  for (const key of keys) current = isDraft(current) ? current[key] : undefined;
  return isDraft(current) ? current : undefined;
}

function repairPodSpec(spec: Draft | undefined): void {
  if (spec === undefined) return;
  for (const field of ['containers', 'initContainers']) {
    const containers = spec[field];
    if (!Array.isArray(containers)) continue;
    const taken = new Set(containers.map((container) => (isDraft(container) ? container.name : undefined)));
    containers.forEach((container, index) => {
      if (!isDraft(container)) return;
      if (typeof container.name !== 'string' || container.name === '') {
        let name = `${field === 'containers' ? 'container' : 'init'}-${index}`;
        while (taken.has(name)) name = `${name}-x`;
        taken.add(name);
        container.name = name;
      }
      if (Array.isArray(container.ports)) {
        container.ports = container.ports.filter(
          (port) => isDraft(port) && typeof port.containerPort === 'number',
        );
      }
    });
  }
}

/**
 * Makes an object that passed non-strict validation fit the object types: unnamed containers
 * are named `container-<index>` (`init-<index>` for init containers) and container ports without
 * a number are dropped (nothing could reach them). Returns a repaired copy; the input is kept.
 */
export function repairTolerated(object: RawMap): RawMap {
  const copy = structuredClone(object) as Draft;
  switch (copy.kind) {
    case 'Pod':
      repairPodSpec(at(copy, 'spec'));
      break;
    case 'CronJob':
      repairPodSpec(at(copy, 'spec', 'jobTemplate', 'spec', 'template', 'spec'));
      break;
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Job':
      repairPodSpec(at(copy, 'spec', 'template', 'spec'));
      break;
  }
  return copy;
}
