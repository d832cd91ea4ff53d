import { formatIpv4, parseIpv4, parseIpv4Cidr } from '@knsim/api';
import type { PersistentMap, RandomStream } from '@knsim/core';

/**
 * The ClusterIP range as the API server sees it: network and broadcast excluded, split into a
 * static band at the bottom (size clamp(size/16, 16, 256), 0 for ranges of 16 or fewer
 * addresses) reserved for explicit IPs, and a dynamic band above it for automatic allocation.
 */
export interface ServiceIpRange {
  readonly first: number;
  readonly last: number;
  readonly offset: number;
}

export function serviceIpRange(serviceCIDR: string): ServiceIpRange {
  const cidr = parseIpv4Cidr(serviceCIDR);
  const fullSize = cidr.size;
  const first = cidr.network + 1;
  const last = cidr.network + fullSize - 2;
  const offset = fullSize <= 16 ? 0 : Math.min(Math.max(Math.floor(fullSize / 16), 16), 256);
  return { first, last, offset };
}

/** The first usable IP of the range: `kubernetes.default` gets it. */
export function firstServiceIp(serviceCIDR: string): string {
  return formatIpv4(serviceIpRange(serviceCIDR).first);
}

/** The conventional kube-dns address: the tenth address of the range. */
export function dnsServiceIp(serviceCIDR: string): string {
  return formatIpv4(parseIpv4Cidr(serviceCIDR).network + 10);
}

export type AllocationResult =
  { readonly ok: true; readonly value: string } | { readonly ok: false; readonly reason: string };

/**
 * Picks a ClusterIP as the API server does: a random start in the dynamic band, then a linear
 * scan with wrap-around for the first free address; then the same in the static band. Note the
 * choice is not uniform over free addresses (a free IP after a run of used ones is likelier).
 */
export function allocateClusterIp(
  range: ServiceIpRange,
  used: PersistentMap<string>,
  rng: RandomStream,
): AllocationResult {
  const upperSize = range.last - range.first + 1 - range.offset;
  const bands: [number, number][] = [
    [range.first + range.offset, upperSize],
    [range.first, range.offset],
  ];
  for (const [base, size] of bands) {
    if (size <= 0) continue;
    const start = rng.int(0, size - 1);
    for (let i = 0; i < size; i++) {
      const ip = formatIpv4(base + ((start + i) % size));
      if (!used.has(ip)) return { ok: true, value: ip };
    }
  }
  return { ok: false, reason: 'failed to allocate a serviceIP: range is full' };
}

/** Checks an explicit `spec.clusterIP` with the API server's messages. */
export function checkRequestedClusterIp(
  range: ServiceIpRange,
  used: PersistentMap<string>,
  ip: string,
  owner: string,
): AllocationResult {
  const value = parseIpv4(ip);
  if (value === undefined)
    return { ok: false, reason: `failed to allocate IP ${ip}: not a valid IPv4 address` };
  if (value < range.first || value > range.last) {
    return { ok: false, reason: `failed to allocate IP ${ip}: provided IP ${ip} is not in the valid range` };
  }
  const holder = used.get(ip);
  if (holder !== undefined && holder !== owner)
    return { ok: false, reason: `failed to allocate IP ${ip}: provided IP is already allocated` };
  return { ok: true, value: ip };
}

/** The NodePort range with its static band (clamp(size/32, 16, 128); 86 for 30000-32767). */
export interface NodePortRange {
  readonly base: number;
  readonly size: number;
  readonly offset: number;
}

export function nodePortRange(range: { base: number; size: number }): NodePortRange {
  const offset = range.size <= 16 ? 0 : Math.min(Math.max(Math.floor(range.size / 32), 16), 128);
  return { ...range, offset };
}

/** Random start then linear scan in the upper band, then the lower band (as the port allocator). */
export function allocateNodePort(
  range: NodePortRange,
  used: PersistentMap<string>,
  rng: RandomStream,
  alsoTaken: ReadonlySet<number> = new Set(),
): AllocationResult {
  const bands: [number, number][] = [
    [range.base + range.offset, range.size - range.offset],
    [range.base, range.offset],
  ];
  for (const [base, size] of bands) {
    if (size <= 0) continue;
    const start = rng.int(0, size - 1);
    for (let i = 0; i < size; i++) {
      const port = base + ((start + i) % size);
      if (!used.has(String(port)) && !alsoTaken.has(port)) return { ok: true, value: String(port) };
    }
  }
  return { ok: false, reason: 'failed to allocate a nodePort: range is full' };
}

export function checkRequestedNodePort(
  range: NodePortRange,
  used: PersistentMap<string>,
  port: number,
  owner: string,
): AllocationResult {
  if (port < range.base || port >= range.base + range.size) {
    return {
      ok: false,
      reason: `provided port is not in the valid range. The range of valid ports is ${range.base}-${range.base + range.size - 1}`,
    };
  }
  const holder = used.get(String(port));
  if (holder !== undefined && holder !== owner)
    return { ok: false, reason: 'provided port is already allocated' };
  return { ok: true, value: String(port) };
}

/** A MetalLB-like pool: the lowest free address of the pool (network/broadcast excluded). */
export function allocateLoadBalancerIp(pool: string, used: PersistentMap<string>): AllocationResult {
  const cidr = parseIpv4Cidr(pool);
  const low = cidr.size > 2 ? cidr.network + 1 : cidr.network;
  const high = cidr.size > 2 ? cidr.network + cidr.size - 2 : cidr.network + cidr.size - 1;
  for (let value = low; value <= high; value++) {
    const ip = formatIpv4(value);
    if (!used.has(ip)) return { ok: true, value: ip };
  }
  return { ok: false, reason: `no free address left in the load-balancer pool ${pool}` };
}
