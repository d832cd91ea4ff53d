import type { DnsQueryType, DnsRcode, DnsResponse } from './DnsMessage.js';

/**
 * What one query to the nameserver produced: a response, no response at all (`timeout`, after
 * the resolver's retries), or an ICMP port-unreachable (`connection-refused`, what kube-proxy's
 * REJECT sends for a Service with no endpoints).
 */
export type QueryOutcome = DnsResponse | 'timeout' | 'connection-refused';

/** Sends one query for a fully qualified name. */
export type QueryFunction = (fqdn: string, type: DnsQueryType) => QueryOutcome;

/** The resolver settings the search walk uses (a `PodResolverConfig` fits). */
export interface ResolverSearchConfig {
  readonly searches: readonly string[];
  readonly ndots: number;
}

/** One query of the walk. */
export interface ResolveAttempt {
  readonly name: string;
  readonly rcode: DnsRcode | 'TIMEOUT' | 'CONNREFUSED';
  /** Records in the answer section. */
  readonly answers: number;
}

/**
 * Why a lookup failed, as glibc reports it in `h_errno`: the name does not exist
 * (`HOST_NOT_FOUND`, getaddrinfo's EAI_NONAME), it exists without this type (`NO_DATA`), the
 * server failed or did not answer (`TRY_AGAIN`, EAI_AGAIN), or refused (`NO_RECOVERY`, EAI_FAIL).
 */
export type ResolveError = 'HOST_NOT_FOUND' | 'NO_DATA' | 'TRY_AGAIN' | 'NO_RECOVERY';

/** The outcome of {@link resolveName}. */
export interface ResolveResult {
  readonly ok: boolean;
  /** On success the answering response; on failure the last response received (if any). */
  readonly response: DnsResponse | undefined;
  readonly error: ResolveError | undefined;
  /** Every query sent, in order: the ndots amplification made visible. */
  readonly tries: readonly ResolveAttempt[];
}

type Verdict =
  | { readonly kind: 'answer' }
  | { readonly kind: 'refused' }
  | { readonly kind: 'error'; readonly error: ResolveError; readonly servfail: boolean };

/**
 * Resolves `name` the way glibc's stub resolver does (`res_nsearch`, used by getaddrinfo),
 * sending each query through `query`:
 *
 * 1. A name with a trailing dot is absolute: one query, whatever it returns.
 * 2. A name with at least `ndots` dots is tried as is first.
 * 3. Then each search domain is appended in turn. The walk goes on after NXDOMAIN, after NODATA
 *    (NOERROR, empty answer: "a wildcard of another type could hide the name higher up") and
 *    after SERVFAIL; it stops at the first answer, and gives up the search list on anything else
 *    (REFUSED, or no reply at all), falling through to step 4.
 * 4. A name not yet tried as is (fewer dots than ndots) is tried as is last.
 *
 * An answer is NOERROR with at least one record (a lone CNAME counts). A refused connection ends
 * the lookup at once. On failure the error is the as-is query's when it went first, else NO_DATA if
 * any search step got NODATA, else TRY_AGAIN if any got SERVFAIL, else the last query's. A
 * timeout is reported as TRY_AGAIN without SERVFAIL, which glibc treats as "stop searching".
 *
 * Other stub resolvers differ (musl stops the search list on NODATA; Go's resolver tries as-is
 * first only when dots >= ndots, like glibc), so this is the glibc behaviour most images have.
 *
 * @example
 * ```ts
 * const result = resolveName('api.example.com', 'A', { searches, ndots: 5 }, (fqdn, type) =>
 *   answerQuery(zone, { name: fqdn, type }, { upstream }),
 * );
 * result.tries.map((t) => t.name);
 * // ['api.example.com.shop.svc.cluster.local.', 'api.example.com.svc.cluster.local.',
 * //  'api.example.com.cluster.local.', 'api.example.com.']
 * ```
 */
export function resolveName(
  name: string,
  type: DnsQueryType,
  config: ResolverSearchConfig,
  query: QueryFunction,
): ResolveResult {
  const tries: ResolveAttempt[] = [];
  let last: DnsResponse | undefined;
  let lastError: ResolveError = 'HOST_NOT_FOUND'; // glibc's h_errno when nothing is asked

  const attempt = (fqdn: string): Verdict => {
    const outcome = query(fqdn, type);
    if (outcome === 'timeout' || outcome === 'connection-refused') {
      tries.push({ name: fqdn, rcode: outcome === 'timeout' ? 'TIMEOUT' : 'CONNREFUSED', answers: 0 });
      lastError = 'TRY_AGAIN';
      return outcome === 'timeout'
        ? { kind: 'error', error: 'TRY_AGAIN', servfail: false }
        : { kind: 'refused' };
    }
    tries.push({ name: fqdn, rcode: outcome.rcode, answers: outcome.answer.length });
    last = outcome;
    if (outcome.rcode === 'NOERROR' && outcome.answer.length > 0) return { kind: 'answer' };
    const error = errorOf(outcome);
    lastError = error;
    return { kind: 'error', error, servfail: outcome.rcode === 'SERVFAIL' };
  };
  const success = (): ResolveResult => ({ ok: true, response: last, error: undefined, tries });
  const failure = (error: ResolveError): ResolveResult => ({ ok: false, response: last, error, tries });

  if (name === '') return failure('HOST_NOT_FOUND');
  let dots = 0;
  for (const char of name) if (char === '.') dots++;
  const trailingDot = name.endsWith('.');
  const asIs = trailingDot ? name : `${name}.`;

  let savedError: ResolveError | undefined;
  let triedAsIs = false;
  if (dots >= config.ndots || trailingDot) {
    const verdict = attempt(asIs);
    if (verdict.kind === 'answer') return success();
    if (verdict.kind === 'refused') return failure('TRY_AGAIN');
    if (trailingDot) return failure(verdict.error);
    savedError = verdict.error;
    triedAsIs = true;
  }

  let gotNodata = false;
  let gotServfail = false;
  let rootOnList = false;
  // RES_DEFNAMES and RES_DNSRCH are on by default: search a single label, or a dotted name
  // without a trailing dot (which is every name that reaches here).
  for (const domain of config.searches) {
    const suffix = domain.startsWith('.') ? domain.slice(1) : domain;
    if (suffix === '') rootOnList = true;
    const fqdn = suffix === '' ? asIs : `${name}.${suffix.endsWith('.') ? suffix : `${suffix}.`}`;
    const verdict = attempt(fqdn);
    if (verdict.kind === 'answer') return success();
    if (verdict.kind === 'refused') return failure('TRY_AGAIN');
    if (verdict.error === 'NO_DATA') gotNodata = true;
    else if (verdict.error === 'TRY_AGAIN' && verdict.servfail) gotServfail = true;
    else if (verdict.error !== 'HOST_NOT_FOUND') break;
  }

  if (!triedAsIs && !rootOnList) {
    const verdict = attempt(asIs);
    if (verdict.kind === 'answer') return success();
    if (verdict.kind === 'refused') return failure('TRY_AGAIN');
  }
  return failure(savedError ?? (gotNodata ? 'NO_DATA' : gotServfail ? 'TRY_AGAIN' : lastError));
}

function errorOf(response: DnsResponse): ResolveError {
  switch (response.rcode) {
    case 'NXDOMAIN':
      return 'HOST_NOT_FOUND';
    case 'SERVFAIL':
      return 'TRY_AGAIN';
    case 'NOERROR':
      return 'NO_DATA';
    case 'REFUSED':
      return 'NO_RECOVERY';
  }
}
