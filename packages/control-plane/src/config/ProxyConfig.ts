import { parseDuration, type Duration } from '@knsim/core';

/** kube-proxy's settings, with KubeProxyConfiguration's own field names. */
export interface ProxyConfigSpec {
  readonly mode?: string;
  readonly iptables?: {
    readonly minSyncPeriod?: string;
    readonly syncPeriod?: string;
    readonly masqueradeAll?: boolean;
    readonly localhostNodePorts?: boolean;
  };
  readonly nftables?: {
    readonly minSyncPeriod?: string;
    readonly syncPeriod?: string;
    readonly masqueradeAll?: boolean;
  };
  readonly ipvs?: {
    readonly scheduler?: string;
    readonly minSyncPeriod?: string;
    readonly syncPeriod?: string;
    readonly strictARP?: boolean;
  };
  readonly nodePortAddresses?: readonly string[];
  readonly detectLocalMode?: string;
  readonly conntrack?: {
    readonly tcpEstablishedTimeout?: string;
    readonly tcpCloseWaitTimeout?: string;
    readonly udpTimeout?: string;
    readonly udpStreamTimeout?: string;
  };
  /**
   * knsim's extension for research: a load-balancing policy from the policy registry (e.g.
   * `maglev`, `p2c`) used by every kube-proxy instead of the mode's own balancing.
   */
  readonly policy?: string;
  readonly policyOptions?: Readonly<Record<string, unknown>>;
}

export type ProxyMode = 'iptables' | 'nftables' | 'ipvs';
export type DetectLocalMode = 'ClusterCIDR' | 'NodeCIDR' | 'BridgeInterface' | 'InterfaceNamePrefix';

export interface ProxyConfig {
  readonly mode: ProxyMode;
  readonly minSyncPeriod: Duration;
  readonly syncPeriod: Duration;
  readonly masqueradeAll: boolean;
  readonly localhostNodePorts: boolean;
  readonly ipvsScheduler: string;
  readonly nodePortAddresses: readonly string[];
  readonly detectLocalMode: DetectLocalMode;
  readonly conntrack: {
    readonly tcpEstablishedTimeout: Duration;
    readonly tcpCloseWaitTimeout: Duration;
    readonly udpTimeout: Duration;
    readonly udpStreamTimeout: Duration;
  };
  /** The balancing policy name: `random` (iptables), `nftables`, the IPVS scheduler, or `policy`. */
  readonly policy: string;
  readonly policyOptions: Readonly<Record<string, unknown>>;
}

const IPVS_SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'sed', 'nq', 'sh', 'dh', 'mh', 'lblc', 'lblcr'];
const FIELDS = new Set([
  'mode',
  'iptables',
  'nftables',
  'ipvs',
  'nodePortAddresses',
  'detectLocalMode',
  'conntrack',
  'policy',
  'policyOptions',
]);

/** KubeProxyConfiguration defaults (v1alpha1) with the user's settings on top; problems go to `problem`. */
export function resolveProxyConfig(
  spec: ProxyConfigSpec | undefined,
  problem: (path: string, reason: string) => void,
): ProxyConfig {
  const given = (spec ?? {}) as ProxyConfigSpec & Record<string, unknown>;
  for (const key of Object.keys(given))
    if (!FIELDS.has(key)) problem(`proxy.${key}`, `unknown field (known: ${[...FIELDS].join(', ')})`);
  const mode = (given.mode ?? 'iptables') as ProxyMode;
  if (!['iptables', 'nftables', 'ipvs'].includes(mode))
    problem('proxy.mode', `expected iptables, nftables or ipvs, got ${JSON.stringify(given.mode)}`);
  const duration = (value: string | undefined, fallback: string, path: string): Duration => {
    try {
      return parseDuration(value ?? fallback);
    } catch (error) {
      problem(path, (error as Error).message);
      return parseDuration(fallback);
    }
  };
  const section = mode === 'ipvs' ? given.ipvs : mode === 'nftables' ? given.nftables : given.iptables;
  const minSyncPeriod = duration(
    section?.minSyncPeriod,
    mode === 'ipvs' ? '0s' : '1s',
    `proxy.${mode}.minSyncPeriod`,
  );
  const syncPeriod = duration(section?.syncPeriod, '30s', `proxy.${mode}.syncPeriod`);
  const scheduler =
    given.ipvs?.scheduler === undefined || given.ipvs.scheduler === '' ? 'rr' : given.ipvs.scheduler;
  if (!IPVS_SCHEDULERS.includes(scheduler))
    problem(
      'proxy.ipvs.scheduler',
      `unknown IPVS scheduler ${JSON.stringify(scheduler)} (known: ${IPVS_SCHEDULERS.join(', ')})`,
    );
  const detectLocalMode = (given.detectLocalMode ?? 'ClusterCIDR') as DetectLocalMode;
  if (!['ClusterCIDR', 'NodeCIDR', 'BridgeInterface', 'InterfaceNamePrefix'].includes(detectLocalMode)) {
    problem(
      'proxy.detectLocalMode',
      'expected ClusterCIDR, NodeCIDR, BridgeInterface or InterfaceNamePrefix',
    );
  }
  const conntrack = given.conntrack ?? {};
  const defaultPolicy = mode === 'ipvs' ? scheduler : mode === 'nftables' ? 'nftables' : 'random';
  return {
    mode,
    minSyncPeriod,
    syncPeriod,
    masqueradeAll:
      (mode === 'nftables' ? given.nftables?.masqueradeAll : given.iptables?.masqueradeAll) ?? false,
    localhostNodePorts: given.iptables?.localhostNodePorts ?? true,
    ipvsScheduler: scheduler,
    nodePortAddresses: [...(given.nodePortAddresses ?? [])],
    detectLocalMode,
    conntrack: {
      tcpEstablishedTimeout: duration(
        conntrack.tcpEstablishedTimeout,
        '24h',
        'proxy.conntrack.tcpEstablishedTimeout',
      ),
      tcpCloseWaitTimeout: duration(
        conntrack.tcpCloseWaitTimeout,
        '1h',
        'proxy.conntrack.tcpCloseWaitTimeout',
      ),
      udpTimeout: duration(conntrack.udpTimeout, '30s', 'proxy.conntrack.udpTimeout'),
      udpStreamTimeout: duration(conntrack.udpStreamTimeout, '120s', 'proxy.conntrack.udpStreamTimeout'),
    },
    policy: given.policy ?? defaultPolicy,
    policyOptions: { ...(given.policyOptions ?? {}) },
  };
}
