import { SECOND, type Instant } from '@knsim/core';
import { parseSoaData, toFqdn, type DnsQueryType, type DnsRecord, type DnsResponse } from './DnsMessage.js';

/** Options for {@link DnsCache}. */
export interface DnsCacheOptions {
  /** Caps how long an answer is kept, in seconds (CoreDNS `cache 30` caps at 30). Default: no cap. */
  readonly maxTtl?: number;
  /** Caps how long a negative answer is kept, in seconds. Default: no cap. */
  readonly maxNegativeTtl?: number;
}

interface Entry {
  readonly response: DnsResponse;
  readonly storedAt: Instant;
  readonly expiresAt: Instant;
}

/**
 * A DNS cache keyed by (name, type), on the virtual clock (`now` in microseconds). Answers live for
 * their smallest record TTL; negative answers (NXDOMAIN, NODATA) for min(SOA TTL, SOA minimum) per
 * RFC 2308, and not at all without an SOA in authority; SERVFAIL and REFUSED are never cached,
 * nor is anything with TTL 0. Hits come back with TTLs lowered by the whole seconds elapsed, and
 * with the question as asked. Names match case-insensitively.
 *
 * glibc itself caches nothing: use one per pod for applications that do (a JVM, nscd), or in front
 * of CoreDNS for its `cache` plugin.
 *
 * @example
 * ```ts
 * const cache = new DnsCache();
 * cache.put(response, 0); // an A answer with TTL 5
 * cache.get('web.shop.svc.cluster.local.', 'A', 4 * SECOND)?.answer[0]?.ttl; // 1
 * cache.get('web.shop.svc.cluster.local.', 'A', 5 * SECOND); // undefined: expired
 * ```
 */
export class DnsCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxTtl: number;
  readonly #maxNegativeTtl: number;

  constructor(options: DnsCacheOptions = {}) {
    this.#maxTtl = options.maxTtl ?? Infinity;
    this.#maxNegativeTtl = options.maxNegativeTtl ?? Infinity;
  }

  /** Entries held, expired ones included until {@link DnsCache.prune} or a lookup drops them. */
  get size(): number {
    return this.#entries.size;
  }

  /** The cached response for (name, type) at `now`, with aged TTLs, or undefined (a miss or expired). */
  get(name: string, type: DnsQueryType, now: Instant): DnsResponse | undefined {
    const fqdn = toFqdn(name);
    const key = cacheKey(fqdn, type);
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (now >= entry.expiresAt) {
      this.#entries.delete(key);
      return undefined;
    }
    const elapsed = Math.floor((now - entry.storedAt) / SECOND);
    const age = (record: DnsRecord): DnsRecord => ({ ...record, ttl: Math.max(0, record.ttl - elapsed) });
    const { response } = entry;
    return {
      question: { name: fqdn, type },
      rcode: response.rcode,
      answer: response.answer.map(age),
      authority: response.authority.map(age),
      additional: response.additional.map(age),
    };
  }

  /**
   * Stores `response` under its question, received at `now`; returns how many seconds it will be
   * kept (0: not cached).
   */
  put(response: DnsResponse, now: Instant): number {
    const ttl = this.#lifetime(response);
    if (ttl <= 0) return 0;
    const key = cacheKey(toFqdn(response.question.name), response.question.type);
    this.#entries.set(key, { response, storedAt: now, expiresAt: now + ttl * SECOND });
    return ttl;
  }

  /** Drops the entries expired at `now`. */
  prune(now: Instant): void {
    for (const [key, entry] of this.#entries) if (now >= entry.expiresAt) this.#entries.delete(key);
  }

  /** Forgets everything. */
  clear(): void {
    this.#entries.clear();
  }

  #lifetime(response: DnsResponse): number {
    if (response.rcode === 'NOERROR' && response.answer.length > 0) {
      return Math.min(this.#maxTtl, ...response.answer.map((record) => record.ttl));
    }
    if (response.rcode !== 'NXDOMAIN' && response.rcode !== 'NOERROR') return 0;
    const soa = response.authority.find((record) => record.type === 'SOA');
    const minimum = soa === undefined ? undefined : parseSoaData(soa.data)?.minimum;
    if (soa === undefined || minimum === undefined) return 0;
    return Math.min(this.#maxNegativeTtl, soa.ttl, minimum);
  }
}

function cacheKey(fqdn: string, type: DnsQueryType): string {
  return `${fqdn.toLowerCase()} ${type}`;
}
