import { UserError, type RandomStream } from '@knsim/core';
import { IptablesRandomPolicy } from './IptablesRandomPolicy.js';
import { IpvsDestinationHashPolicy } from './IpvsDestinationHashPolicy.js';
import { IpvsLeastConnectionPolicy, type IpvsLeastConnectionKind } from './IpvsLeastConnectionPolicy.js';
import { IPVS_MH_TABLE_SIZES, IpvsMaglevPolicy } from './IpvsMaglevPolicy.js';
import { IPVS_INACTIVE_TIMEOUT, IpvsRoundRobinPolicy } from './IpvsRoundRobinPolicy.js';
import { IpvsSourceHashPolicy } from './IpvsSourceHashPolicy.js';
import { IpvsWeightedRoundRobinPolicy } from './IpvsWeightedRoundRobinPolicy.js';
import { LeastRequestPolicy } from './LeastRequestPolicy.js';
import type { LoadBalancingPolicy, PolicyFactory, PolicyOptions } from './LoadBalancingPolicy.js';
import { MAGLEV_DEFAULT_TABLE_SIZE, MaglevPolicy } from './MaglevPolicy.js';
import { NftablesRandomPolicy } from './NftablesRandomPolicy.js';
import { PEAK_EWMA_DEFAULT_DECAY, PEAK_EWMA_DEFAULT_RTT, PeakEwmaPolicy } from './PeakEwmaPolicy.js';
import { isPrime, OptionReader, PolicyOptionError } from './policyOptions.js';
import { RING_HASH_DEFAULT_MAX_SIZE, RING_HASH_DEFAULT_MIN_SIZE, RingHashPolicy } from './RingHashPolicy.js';
import { SmoothWeightedRoundRobinPolicy } from './SmoothWeightedRoundRobinPolicy.js';

// Every factory reads its options through an OptionReader, so unknown keys and bad values fail
// with the policy's name and the option's.
const ipvsInactive = (reader: OptionReader) =>
  reader.duration('inactiveTimeout', IPVS_INACTIVE_TIMEOUT, true);

function noOptions<T>(
  name: string,
  make: (rng: RandomStream) => T,
): (rng: RandomStream, options?: PolicyOptions) => T {
  return (rng, options) => {
    new OptionReader(name, options).done();
    return make(rng);
  };
}

function leastConnection(kind: IpvsLeastConnectionKind): PolicyFactory {
  return (_rng, options) => {
    const reader = new OptionReader(kind, options);
    const inactiveTimeout = ipvsInactive(reader);
    reader.done();
    return new IpvsLeastConnectionPolicy(kind, inactiveTimeout);
  };
}

const BUILT_IN: readonly (readonly [string, PolicyFactory])[] = [
  ['random', noOptions('random', (rng) => new IptablesRandomPolicy(rng))],
  ['nftables', noOptions('nftables', (rng) => new NftablesRandomPolicy(rng))],
  [
    'rr',
    (_rng, options) => {
      const reader = new OptionReader('rr', options);
      const inactiveTimeout = ipvsInactive(reader);
      reader.done();
      return new IpvsRoundRobinPolicy(inactiveTimeout);
    },
  ],
  [
    'wrr',
    (_rng, options) => {
      const reader = new OptionReader('wrr', options);
      const inactiveTimeout = ipvsInactive(reader);
      reader.done();
      return new IpvsWeightedRoundRobinPolicy(inactiveTimeout);
    },
  ],
  ['lc', leastConnection('lc')],
  ['wlc', leastConnection('wlc')],
  ['sed', leastConnection('sed')],
  ['nq', leastConnection('nq')],
  [
    'sh',
    (_rng, options) => {
      const reader = new OptionReader('sh', options);
      const policy = new IpvsSourceHashPolicy({
        port: reader.boolean('port', false),
        fallback: reader.boolean('fallback', false),
        inactiveTimeout: ipvsInactive(reader),
      });
      reader.done();
      return policy;
    },
  ],
  [
    'dh',
    (_rng, options) => {
      const reader = new OptionReader('dh', options);
      const inactiveTimeout = ipvsInactive(reader);
      reader.done();
      return new IpvsDestinationHashPolicy(inactiveTimeout);
    },
  ],
  [
    'mh',
    (_rng, options) => {
      const reader = new OptionReader('mh', options);
      const tableSize = reader.integer('tableSize', 4093, 251, 131071);
      if (!IPVS_MH_TABLE_SIZES.includes(tableSize)) {
        throw new PolicyOptionError(
          'mh',
          'tableSize',
          `must be one of ${IPVS_MH_TABLE_SIZES.join(', ')}, got ${tableSize}`,
        );
      }
      const policy = new IpvsMaglevPolicy({
        tableSize,
        port: reader.boolean('port', true),
        fallback: reader.boolean('fallback', false),
        inactiveTimeout: ipvsInactive(reader),
      });
      reader.done();
      return policy;
    },
  ],
  [
    'maglev',
    (_rng, options) => {
      const reader = new OptionReader('maglev', options);
      const tableSize = reader.integer('tableSize', MAGLEV_DEFAULT_TABLE_SIZE, 2, 2 ** 26 - 1);
      if (!isPrime(tableSize))
        throw new PolicyOptionError('maglev', 'tableSize', `must be a prime number, got ${tableSize}`);
      reader.done();
      return new MaglevPolicy({ tableSize });
    },
  ],
  [
    'ring_hash',
    (_rng, options) => {
      const reader = new OptionReader('ring_hash', options);
      const minRingSize = reader.integer(
        'minRingSize',
        RING_HASH_DEFAULT_MIN_SIZE,
        1,
        RING_HASH_DEFAULT_MAX_SIZE,
      );
      const maxRingSize = reader.integer(
        'maxRingSize',
        RING_HASH_DEFAULT_MAX_SIZE,
        minRingSize,
        RING_HASH_DEFAULT_MAX_SIZE,
      );
      reader.done();
      return new RingHashPolicy({ minRingSize, maxRingSize });
    },
  ],
  [
    'p2c',
    (rng, options) => {
      const reader = new OptionReader('p2c', options);
      const choiceCount = reader.integer('choiceCount', 2, 1, 1000);
      reader.done();
      return new LeastRequestPolicy(rng, { selectionMethod: 'n_choices', choiceCount });
    },
  ],
  [
    'least_request',
    (rng, options) => {
      const reader = new OptionReader('least_request', options);
      const ties = reader.choice('ties', ['random', 'first'] as const, 'random');
      reader.done();
      return new LeastRequestPolicy(rng, { selectionMethod: 'full_scan', ties });
    },
  ],
  [
    'p2c_peak_ewma',
    (rng, options) => {
      const reader = new OptionReader('p2c_peak_ewma', options);
      const defaultRtt = reader.duration('defaultRtt', PEAK_EWMA_DEFAULT_RTT);
      const decay = reader.duration('decay', PEAK_EWMA_DEFAULT_DECAY);
      reader.done();
      return new PeakEwmaPolicy(rng, { defaultRtt, decay });
    },
  ],
  ['swrr', noOptions('swrr', () => new SmoothWeightedRoundRobinPolicy())],
];

const registry = new Map<string, PolicyFactory>(BUILT_IN);

/**
 * The policy registry: name -> factory. Built in: `random` (iptables), `nftables`, the IPVS
 * schedulers `rr`, `wrr`, `lc`, `wlc`, `sed`, `nq`, `sh`, `dh`, `mh`, and `maglev`, `ring_hash`,
 * `p2c`, `least_request`, `p2c_peak_ewma`, `swrr`; plus whatever {@link registerPolicy} added.
 *
 * @example
 * ```ts
 * [...policies.keys()]; // ['random', 'nftables', 'rr', ...]
 * const factory = policies.get('maglev')!;
 * ```
 */
export const policies: ReadonlyMap<string, PolicyFactory> = registry;

/**
 * A policy name nobody registered; a user error whose message lists the known names.
 *
 * @example
 * ```ts
 * createPolicy('round_robin', rng); // UnknownPolicyError: unknown load-balancing policy "round_robin" (known: random, ...)
 * ```
 */
export class UnknownPolicyError extends UserError {
  override readonly name = 'UnknownPolicyError';
  constructor(readonly policy: string) {
    super(
      `unknown load-balancing policy ${JSON.stringify(policy)} (known: ${[...registry.keys()].join(', ')})`,
    );
  }
}

/**
 * Adds a user policy under `name` (lowercase letters, digits, `_`, `-`, `.`). Names are unique:
 * registering a taken name throws, so a plugin cannot silently replace a built-in.
 *
 * @example
 * ```ts
 * registerPolicy('first', () => ({ name: 'first', pick: (backends) => backends.find((b) => b.weight > 0) }));
 * createPolicy('first', rng);
 * ```
 */
export function registerPolicy(name: string, factory: PolicyFactory): void {
  if (!/^[a-z0-9][a-z0-9_.-]*$/.test(name)) {
    throw new UserError(
      `policy name ${JSON.stringify(name)}: use lowercase letters, digits, '_', '-' or '.'`,
    );
  }
  if (registry.has(name))
    throw new UserError(`load-balancing policy ${JSON.stringify(name)} is already registered`);
  registry.set(name, factory);
}

/**
 * Creates a policy instance by name, with its own seeded stream and options.
 *
 * @example
 * ```ts
 * const policy = createPolicy('p2c_peak_ewma', sim.rng('client-1/lb'), { decay: '5s' });
 * ```
 */
export function createPolicy(name: string, rng: RandomStream, options?: PolicyOptions): LoadBalancingPolicy {
  const factory = registry.get(name);
  if (factory === undefined) throw new UnknownPolicyError(name);
  return factory(rng, options);
}
