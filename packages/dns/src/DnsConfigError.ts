import { UserError } from '@knsim/core';

/**
 * A cluster DNS setting the real component refuses: a TTL outside CoreDNS's 0-3600 seconds, an
 * empty zone, an unknown `pods` mode. The message says which setting and why.
 *
 * @example
 * ```ts
 * buildDnsZone(view, { ttl: 7200 });
 * // DnsConfigError: ttl must be in range [0, 3600]: 7200
 * ```
 */
export class DnsConfigError extends UserError {
  override readonly name = 'DnsConfigError';
}
