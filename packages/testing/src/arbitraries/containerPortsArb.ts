import fc from 'fast-check';
import type { Protocol } from '@knsim/api';

/** A port an app listens on: the container port and the Service port usually put in front of it. */
export interface PortSpec {
  /** The container port's name (an IANA_SVC_NAME): what named targetPorts and policy ports use. */
  readonly name: string;
  readonly containerPort: number;
  readonly protocol: Protocol;
  /** The Service port number generated Services expose it on. */
  readonly servicePort: number;
}

/** The ports apps are drawn from: HTTP first (what shrinking goes to), one UDP and one SCTP port. */
export const PORT_VOCABULARY: readonly PortSpec[] = [
  { name: 'http', containerPort: 8080, protocol: 'TCP', servicePort: 80 },
  { name: 'grpc', containerPort: 9090, protocol: 'TCP', servicePort: 9090 },
  { name: 'metrics', containerPort: 9100, protocol: 'TCP', servicePort: 9100 },
  { name: 'dns', containerPort: 5353, protocol: 'UDP', servicePort: 53 },
  { name: 'diameter', containerPort: 3868, protocol: 'SCTP', servicePort: 3868 },
];

/**
 * The ports of an app: one to three distinct entries of a vocabulary (unique names and numbers,
 * so they are valid container ports and Service ports together). Shrinks toward `[http]`.
 *
 * @example
 * ```ts
 * containerPortsArb(); // e.g. [{ name: 'http', containerPort: 8080, protocol: 'TCP', servicePort: 80 }]
 * ```
 */
export function containerPortsArb(
  vocabulary: readonly PortSpec[] = PORT_VOCABULARY,
  maxLength = 3,
): fc.Arbitrary<readonly PortSpec[]> {
  if (vocabulary.length === 0) throw new Error('containerPortsArb: empty vocabulary');
  // The first port is always there; the others are a sub-array (shrinks by removing them).
  const [first, ...rest] = vocabulary as [PortSpec, ...PortSpec[]];
  return fc
    .subarray(rest, { maxLength: Math.max(0, Math.min(maxLength - 1, rest.length)) })
    .map((more) => [first, ...more]);
}
