import fc from 'fast-check';
import { APP_NAMES } from './appNames.js';
import { containerPortsArb, type PortSpec } from './containerPortsArb.js';
import type { LabelVocabulary } from './labelsArb.js';
import { namespaceNameArb } from './namespaceNameArb.js';

/** Options of {@link deploymentArb} and {@link statefulSetArb}. */
export interface WorkloadArbOptions {
  /** The namespace. Default: {@link namespaceNameArb}. */
  readonly namespace?: string;
  /** The workload's name (also its `app` label and container name). Default: one of {@link APP_NAMES}. */
  readonly name?: string;
  /** The container's ports. Default: {@link containerPortsArb}. */
  readonly ports?: readonly PortSpec[];
  /** Most replicas (at least 1 is generated). Default 3. */
  readonly maxReplicas?: number;
  /** Vocabulary of the extra pod labels. Default `POD_LABEL_VOCABULARY`. */
  readonly vocabulary?: LabelVocabulary;
}

/** The identity arbitraries of a workload: fixed values where given. */
export function identityArbs(options: WorkloadArbOptions): {
  namespace: fc.Arbitrary<string>;
  name: fc.Arbitrary<string>;
  ports: fc.Arbitrary<readonly PortSpec[]>;
} {
  return {
    namespace: options.namespace === undefined ? namespaceNameArb() : fc.constant(options.namespace),
    name: options.name === undefined ? fc.constantFrom(...APP_NAMES) : fc.constant(options.name),
    ports: options.ports === undefined ? containerPortsArb() : fc.constant(options.ports),
  };
}
