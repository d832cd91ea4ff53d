import fc from 'fast-check';
import { distributionArb, maybe, opt, record } from './internal.js';

/** kube-proxy modes. */
export type ProxyModeName = 'iptables' | 'nftables' | 'ipvs';

/**
 * The balancing policies built into knsim's registry (`@knsim/kube-proxy`'s `policies`), in a
 * fixed order so that generation does not depend on what else was registered.
 */
export const BALANCING_POLICIES: readonly string[] = [
  'random',
  'nftables',
  'rr',
  'wrr',
  'lc',
  'wlc',
  'sed',
  'nq',
  'sh',
  'dh',
  'mh',
  'maglev',
  'ring_hash',
  'p2c',
  'p2c_peak_ewma',
  'least_request',
  'swrr',
];

const IPVS_SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'sed', 'nq', 'sh', 'dh', 'mh'] as const;

/** Options of {@link clusterConfigArb}. */
export interface ClusterConfigArbOptions {
  /** Fewest nodes. Default 1. */
  readonly minNodes?: number;
  /** Most nodes. Default 5. */
  readonly maxNodes?: number;
  /** Most zones. Default 3. */
  readonly maxZones?: number;
  /** Proxy modes to choose from (the first is what shrinking goes to). Default all three. */
  readonly modes?: readonly ProxyModeName[];
  /**
   * Balancing policies `proxy.policy` may name (registry names); `[]`: never set it (each
   * mode balances its own way). Default {@link BALANCING_POLICIES}.
   */
  readonly policies?: readonly string[];
  /** Generate `timings.proxyPropagation` / `policyEnforcement` (1 ms to 2 s). Default true. */
  readonly timings?: boolean;
}

/** The `cluster` section of a scenario, as plain data (a `ClusterConfigSpec`). */
export type ClusterSection = {
  readonly nodes: number | readonly { readonly name: string; readonly zone?: string }[];
  readonly zones?: readonly string[];
  readonly proxy: {
    readonly mode: ProxyModeName;
    readonly policy?: string;
    readonly ipvs?: { readonly scheduler: string };
  };
  readonly timings?: {
    readonly proxyPropagation?: string | Readonly<Record<string, unknown>>;
    readonly policyEnforcement?: string | Readonly<Record<string, unknown>>;
  };
};

const ZONES = ['zone-a', 'zone-b', 'zone-c', 'zone-d'];

/**
 * The node names of a generated (or any) `cluster` section: `node-1`... for a count, the names
 * of a list. What timeline steps and pinned pods may name.
 *
 * @example
 * ```ts
 * clusterNodeNames({ nodes: 3, proxy: { mode: 'iptables' } }); // ['node-1', 'node-2', 'node-3']
 * ```
 */
export function clusterNodeNames(cluster: { readonly nodes?: ClusterSection['nodes'] }): string[] {
  const nodes = cluster.nodes ?? 3;
  return typeof nodes === 'number'
    ? Array.from({ length: nodes }, (_, i) => `node-${i + 1}`)
    : nodes.map((node) => node.name);
}

/**
 * A scenario's `cluster` section: 1..5 nodes (a count spread over zones, or a list of named
 * nodes with zones), the proxy mode, optionally a balancing policy from the registry (or an
 * IPVS scheduler), and kube-proxy / NetworkPolicy propagation delays within sane bounds.
 * Shrinks toward one node, one zone, the first mode, no policy, default timings.
 *
 * @example
 * ```ts
 * clusterConfigArb({ maxNodes: 3, modes: ['ipvs'], policies: ['maglev', 'p2c'] });
 * // e.g. { nodes: 2, zones: ['zone-a', 'zone-b'], proxy: { mode: 'ipvs', policy: 'p2c' } }
 * ```
 */
export function clusterConfigArb(options: ClusterConfigArbOptions = {}): fc.Arbitrary<ClusterSection> {
  const minNodes = Math.max(1, options.minNodes ?? 1);
  const maxNodes = Math.max(minNodes, options.maxNodes ?? 5);
  const modes = options.modes ?? ['iptables', 'nftables', 'ipvs'];
  if (modes.length === 0) throw new Error('clusterConfigArb: modes may not be empty');
  const policies = options.policies ?? BALANCING_POLICIES;
  const timing = distributionArb(1, 2000);
  return record({
    nodes: fc.integer({ min: minNodes, max: maxNodes }),
    zones: fc.integer({ min: 1, max: Math.max(1, Math.min(options.maxZones ?? 3, ZONES.length)) }),
    listed: fc.boolean(),
    mode: fc.constantFrom(...modes),
    policy: policies.length === 0 ? fc.constant(undefined) : maybe(fc.constantFrom(...policies)),
    scheduler: maybe(fc.constantFrom(...IPVS_SCHEDULERS)),
    timings:
      options.timings === false
        ? fc.constant(undefined)
        : maybe(record({ proxyPropagation: maybe(timing), policyEnforcement: maybe(timing) })),
  }).map(({ nodes, zones, listed, mode, policy, scheduler, timings }): ClusterSection => {
    const zoneNames = ZONES.slice(0, Math.min(zones, nodes));
    const timingSection =
      timings === undefined
        ? undefined
        : {
            ...opt('proxyPropagation', timings.proxyPropagation),
            ...opt('policyEnforcement', timings.policyEnforcement),
          };
    return {
      nodes: listed
        ? Array.from({ length: nodes }, (_, i) => ({
            name: `worker-${i + 1}`,
            zone: zoneNames[i % zoneNames.length] ?? 'zone-a',
          }))
        : nodes,
      ...(listed || zoneNames.length < 2 ? {} : { zones: zoneNames }),
      proxy: {
        mode,
        ...opt('policy', policy),
        ...(mode === 'ipvs' && policy === undefined && scheduler !== undefined
          ? { ipvs: { scheduler } }
          : {}),
      },
      ...(timingSection === undefined || Object.keys(timingSection).length === 0
        ? {}
        : { timings: timingSection }),
    };
  });
}
