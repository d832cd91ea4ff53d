import type { NetworkPolicy, PolicyType } from '@knsim/api';

/**
 * The directions a policy isolates. An explicit non-empty `policyTypes` wins; otherwise the API
 * server's defaulting (`SetDefaults_NetworkPolicy` in kubernetes `pkg/apis/networking/v1`):
 * Ingress always, plus Egress when `egress` holds at least one rule, so `egress: []` alone does
 * not isolate egress.
 */
export function effectivePolicyTypes(policy: NetworkPolicy): readonly PolicyType[] {
  const explicit = policy.spec.policyTypes;
  if (explicit !== undefined && explicit.length > 0) return explicit;
  return (policy.spec.egress?.length ?? 0) > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}
