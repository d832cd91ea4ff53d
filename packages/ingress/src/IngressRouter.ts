import {
  DEFAULT_NAMESPACE,
  type Ingress,
  type IngressClass,
  type PathType,
  type Service,
  type ServicePort,
} from '@knsim/api';
import { resolveControllerIdentity, type IngressControllerIdentity } from './IngressControllerIdentity.js';
import { splitFirstLabel, wildcardSuffix } from './matchHost.js';
import { effectivePathMatch, prefixKey, requestPath, rulePath, type PathMatch } from './matchPath.js';
import { normalizeHost } from './normalizeHost.js';
import { objectKey } from './objectKey.js';
import { resolveServiceBackend, serviceBackendRef } from './resolveServiceBackend.js';
import type { RouteDecision, ServiceBackendRef } from './RouteDecision.js';
import { selectIngressClass, type IngressClassVerdict } from './selectIngressClass.js';
import { sortIngresses } from './sortIngresses.js';

/** An HTTP request as the router sees it: the Host header and the request target. */
export interface IngressRequest {
  /** The Host header (port and case do not matter); absent selects the catch-all server. */
  readonly host?: string | undefined;
  /** The request target's path; a query string or fragment is ignored. */
  readonly path: string;
}

/** One location of a server, as the table lists it. */
export interface IngressLocationView {
  readonly match: PathMatch;
  /** The path as the Ingress wrote it (`/` for the server's root location). */
  readonly path: string;
  /** The path type as the Ingress wrote it (`Prefix` for a root location the controller made). */
  readonly pathType: PathType;
  readonly decision: RouteDecision;
}

/** One nginx server: the host it answers and its locations in precedence order. */
export interface IngressServerView {
  /** The rule host (`foo.com`, `*.foo.com`), or `_` for the catch-all server. */
  readonly host: string;
  readonly kind: 'exact' | 'wildcard' | 'catch-all';
  readonly locations: readonly IngressLocationView[];
}

/** Whether the controller claimed an Ingress (see {@link selectIngressClass}). */
export interface IngressClaim {
  /** `namespace/name`. */
  readonly ingress: string;
  readonly verdict: IngressClassVerdict;
}

/** Something in a claimed Ingress the router ignored, and why. */
export interface IngressRouterWarning {
  readonly ingress: string;
  readonly message: string;
}

/** The server name of ingress-nginx's catch-all server. */
export const CATCH_ALL_SERVER = '_';

const ANNOTATION_PREFIX = 'nginx.ingress.kubernetes.io/';
const CANARY_ANNOTATION = `${ANNOTATION_PREFIX}canary`;
// Annotations that change which location or backend takes a request; knsim does not emulate them.
const ROUTING_ANNOTATIONS = [
  'app-root',
  'custom-http-errors',
  'default-backend',
  'force-ssl-redirect',
  'permanent-redirect',
  'rewrite-target',
  'server-alias',
  'ssl-redirect',
  'temporal-redirect',
  'use-regex',
].map((name) => `${ANNOTATION_PREFIX}${name}`);
// strconv.ParseBool's true values, which is how ingress-nginx reads boolean annotations.
const TRUE_VALUES = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);

interface Location {
  match: PathMatch;
  path: string;
  pathType: PathType;
  decision: RouteDecision;
  /** A root location holding a default backend: the first Ingress path `/` (Prefix) takes it over. */
  replaceable: boolean;
}

interface Server {
  readonly host: string;
  readonly exact: Map<string, Location>;
  /** Keyed by {@link prefixKey}; the root location is at `''`. */
  readonly prefix: Map<string, Location>;
}

function notFound(server: string): RouteDecision {
  return Object.freeze({ kind: 'not-found', status: 404, server });
}

function newServer(host: string, root: RouteDecision): Server {
  const rootLocation: Location = {
    match: 'Prefix',
    path: '/',
    pathType: 'Prefix',
    decision: root,
    replaceable: true,
  };
  return { host, exact: new Map(), prefix: new Map([['', rootLocation]]) };
}

function ruleText(host: string | undefined, pathType: PathType, path: string): string {
  const pathPart = `path=${pathType}:${path}`;
  return host === undefined || host === '' ? pathPart : `host=${host} ${pathPart}`;
}

function locationLength(location: Location): number {
  return location.match === 'Exact' ? location.path.length : prefixKey(location.path).length;
}

// Longest first, Exact before Prefix on equal length: the order the Ingress API ranks matches in.
function byPrecedence(a: Location, b: Location): number {
  const length = locationLength(b) - locationLength(a);
  if (length !== 0) return length;
  if (a.match !== b.match) return a.match === 'Exact' ? -1 : 1;
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

function viewOf(server: Server, kind: IngressServerView['kind']): IngressServerView {
  const locations = [...server.exact.values(), ...server.prefix.values()].sort(byPrecedence);
  return Object.freeze({
    host: server.host,
    kind,
    locations: Object.freeze(
      locations.map((location) =>
        Object.freeze({
          match: location.match,
          path: location.path,
          pathType: location.pathType,
          decision: location.decision,
        }),
      ),
    ),
  });
}

function describeDecision(decision: RouteDecision): string {
  const target = (service: ServiceBackendRef, port?: ServicePort): string => {
    const wanted = 'number' in service.port ? String(service.port.number) : service.port.name;
    const resolved = port === undefined || 'number' in service.port ? '' : ` (${port.port})`;
    return `${service.namespace}/${service.name}:${wanted}${resolved}`;
  };
  switch (decision.kind) {
    case 'backend':
      return `${target(decision.service, decision.servicePort)}  [${decision.ingress} ${decision.rule}]`;
    case 'default-backend':
      return `${target(decision.service, decision.servicePort)}  [${decision.ingress} defaultBackend]`;
    case 'not-found':
      return '404 (controller default backend)';
    case 'no-service':
      return `503 ${decision.reason} ${target(decision.service)}  [${decision.ingress} ${decision.rule}]`;
  }
}

/**
 * The routing table of an ingress-nginx-like controller: built once from the Ingresses it claims,
 * then asked for each request. Pure: it reads only its arguments and keeps no reference to them
 * beyond the Services its decisions name.
 *
 * Requests select a server by host (exact host, else the one-label wildcard server, else the
 * catch-all `_` server that holds the host-less rules), then a location in that server (an Exact
 * path equal to the request path, else the longest Prefix by whole elements, else the server's
 * root location: the default backend). See docs/ingress.md.
 */
export class IngressRouter {
  /** The identity the table was built for. */
  readonly identity: IngressControllerIdentity;
  /** Servers in precedence order: exact hosts, wildcard hosts (each by name), then `_`. */
  readonly servers: readonly IngressServerView[];
  /** Every Ingress given to {@link IngressRouter.build}, by `namespace/name`, claimed or not. */
  readonly claims: readonly IngressClaim[];
  /** What the router ignored in the Ingresses it claimed, in the order it met them. */
  readonly warnings: readonly IngressRouterWarning[];

  readonly #exact: ReadonlyMap<string, Server>;
  readonly #wildcard: ReadonlyMap<string, Server>;
  readonly #catchAll: Server;

  private constructor(
    identity: IngressControllerIdentity,
    servers: Map<string, Server>,
    claims: readonly IngressClaim[],
    warnings: readonly IngressRouterWarning[],
  ) {
    this.identity = identity;
    const exact = new Map<string, Server>();
    const wildcard = new Map<string, Server>();
    let catchAll: Server | undefined;
    for (const [host, server] of servers) {
      const suffix = wildcardSuffix(host);
      if (host === CATCH_ALL_SERVER) catchAll = server;
      else if (suffix !== undefined) wildcard.set(suffix, server);
      else exact.set(host, server);
    }
    if (catchAll === undefined) throw new Error('IngressRouter: the catch-all server is missing');
    this.#exact = exact;
    this.#wildcard = wildcard;
    this.#catchAll = catchAll;
    const byHost = (a: Server, b: Server): number => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0);
    this.servers = Object.freeze([
      ...[...exact.values()].sort(byHost).map((server) => viewOf(server, 'exact')),
      ...[...wildcard.values()].sort(byHost).map((server) => viewOf(server, 'wildcard')),
      viewOf(catchAll, 'catch-all'),
    ]);
    this.claims = Object.freeze([...claims]);
    this.warnings = Object.freeze([...warnings]);
  }

  /**
   * Builds the table the way ingress-nginx builds its configuration: the claimed Ingresses in
   * {@link sortIngresses} order, first their servers (and default backends), then their paths,
   * the first Ingress to define a host+path (of one match kind) keeping it.
   *
   * @param ingresses - every Ingress in the cluster; those of other controllers are left out.
   * @param ingressClasses - every IngressClass (the default class is looked up among all of them).
   * @param services - the Services backends are resolved against.
   * @param identity - which Ingresses are ours; fields not given are ingress-nginx's defaults
   *   (`DEFAULT_CONTROLLER_IDENTITY`).
   */
  static build(
    ingresses: readonly Ingress[],
    ingressClasses: readonly IngressClass[],
    services: readonly Service[],
    identity: Partial<IngressControllerIdentity> = {},
  ): IngressRouter {
    const resolvedIdentity = resolveControllerIdentity(identity);
    const serviceIndex = new Map<string, Service>(services.map((service) => [objectKey(service), service]));
    const warnings: IngressRouterWarning[] = [];
    const claims: IngressClaim[] = [];
    const claimed: Ingress[] = [];
    for (const ingress of ingresses) {
      const verdict = selectIngressClass(ingress, ingressClasses, resolvedIdentity);
      claims.push({ ingress: objectKey(ingress), verdict: Object.freeze(verdict) });
      if (verdict.claimed) claimed.push(ingress);
    }
    claims.sort((a, b) => (a.ingress < b.ingress ? -1 : a.ingress > b.ingress ? 1 : 0));

    const ordered: Ingress[] = [];
    for (const ingress of sortIngresses(claimed)) {
      const key = objectKey(ingress);
      const annotations = ingress.metadata.annotations ?? {};
      if (TRUE_VALUES.has(annotations[CANARY_ANNOTATION] ?? '')) {
        warnings.push({ ingress: key, message: 'canary Ingress ignored (canaries are not emulated)' });
        continue;
      }
      for (const annotation of ROUTING_ANNOTATIONS) {
        if (annotations[annotation] !== undefined) {
          warnings.push({ ingress: key, message: `annotation ${annotation} is not emulated` });
        }
      }
      ordered.push(ingress);
    }

    const decide = (
      server: string,
      ingress: Ingress,
      ref: ServiceBackendRef,
      matched: { rule: string; ruleIndex: number; pathIndex: number } | undefined,
    ): RouteDecision => {
      const resolution = resolveServiceBackend(ref, serviceIndex);
      const ingressKey = objectKey(ingress);
      if (!resolution.found) {
        return Object.freeze({
          kind: 'no-service',
          status: 503,
          server,
          ingress: ingressKey,
          rule: matched?.rule ?? 'defaultBackend',
          service: ref,
          reason: resolution.reason,
        });
      }
      if (matched === undefined) {
        return Object.freeze({
          kind: 'default-backend',
          server,
          ingress: ingressKey,
          rule: 'defaultBackend',
          service: ref,
          servicePort: resolution.servicePort,
        });
      }
      return Object.freeze({
        kind: 'backend',
        server,
        ingress: ingressKey,
        ...matched,
        service: ref,
        servicePort: resolution.servicePort,
      });
    };

    // Pass 1 (ingress-nginx's createServers): one server per host, created by the first Ingress
    // naming it, whose root location is that Ingress's defaultBackend or the controller's 404.
    const servers = new Map<string, Server>([[CATCH_ALL_SERVER, newServer(CATCH_ALL_SERVER, notFound('_'))]]);
    for (const ingress of ordered) {
      const key = objectKey(ingress);
      const namespace = ingress.metadata.namespace ?? DEFAULT_NAMESPACE;
      const rules = ingress.spec.rules ?? [];
      const fallback = ingress.spec.defaultBackend;
      const fallbackRef = fallback === undefined ? undefined : serviceBackendRef(namespace, fallback);
      if (fallback !== undefined && fallbackRef === undefined) {
        warnings.push({
          ingress: key,
          message: 'defaultBackend without a service ignored (resource backend)',
        });
      }
      if (fallbackRef !== undefined && rules.length === 0) {
        // Only an Ingress without rules sets the catch-all server's default backend (the first one).
        const root = servers.get(CATCH_ALL_SERVER)?.prefix.get('');
        if (root?.replaceable === true) {
          root.decision = decide(CATCH_ALL_SERVER, ingress, fallbackRef, undefined);
          root.replaceable = false;
        } else {
          warnings.push({
            ingress: key,
            message: 'defaultBackend ignored: an older Ingress set the catch-all one',
          });
        }
      }
      for (const rule of rules) {
        const host = rule.host === undefined || rule.host === '' ? CATCH_ALL_SERVER : rule.host.toLowerCase();
        if (servers.has(host)) continue;
        const root =
          fallbackRef === undefined ? notFound(host) : decide(host, ingress, fallbackRef, undefined);
        servers.set(host, newServer(host, root));
      }
    }

    // Pass 2 (ingress-nginx's getBackendServers): the paths, first Ingress first.
    for (const ingress of ordered) {
      const key = objectKey(ingress);
      const namespace = ingress.metadata.namespace ?? DEFAULT_NAMESPACE;
      (ingress.spec.rules ?? []).forEach((rule, ruleIndex) => {
        const host = rule.host === undefined || rule.host === '' ? CATCH_ALL_SERVER : rule.host.toLowerCase();
        const server = servers.get(host);
        if (server === undefined) return;
        (rule.http?.paths ?? []).forEach((entry, pathIndex) => {
          const path = rulePath(entry.path);
          const text = ruleText(rule.host, entry.pathType, path);
          const ref = serviceBackendRef(namespace, entry.backend);
          if (ref === undefined) {
            warnings.push({ ingress: key, message: `${text}: resource backend ignored (not a Service)` });
            return;
          }
          const match = effectivePathMatch(entry.pathType);
          const table = match === 'Exact' ? server.exact : server.prefix;
          const tableKey = match === 'Exact' ? path : prefixKey(path);
          const decision = decide(host, ingress, ref, { rule: text, ruleIndex, pathIndex });
          const existing = table.get(tableKey);
          if (existing === undefined) {
            table.set(tableKey, { match, path, pathType: entry.pathType, decision, replaceable: false });
          } else if (existing.replaceable) {
            Object.assign(existing, { path, pathType: entry.pathType, decision, replaceable: false });
          } else {
            const owner = 'ingress' in existing.decision ? existing.decision.ingress : 'the controller';
            warnings.push({ ingress: key, message: `${text}: ignored, already defined by ${owner}` });
          }
        });
      });
    }

    return new IngressRouter(resolvedIdentity, servers, claims, warnings);
  }

  /** The decision for one request. Costs a few map lookups per `/` in the path; never sorts. */
  route(request: IngressRequest): RouteDecision {
    const server = this.#serverFor(normalizeHost(request.host));
    const path = requestPath(request.path);
    const exact = server.exact.get(path);
    if (exact !== undefined) return exact.decision;
    // Longest prefix first: the whole path, then the path cut at each `/`, down to the root ('').
    if (!path.endsWith('/')) {
      const whole = server.prefix.get(path);
      if (whole !== undefined) return whole.decision;
    }
    for (let slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
      const hit = server.prefix.get(path.slice(0, slash));
      if (hit !== undefined) return hit.decision;
    }
    const root = server.prefix.get('');
    if (root === undefined) throw new Error(`IngressRouter: server ${server.host} has no root location`);
    return root.decision;
  }

  /** The table as text: one block per server, its locations in precedence order. */
  format(): string {
    const lines: string[] = [];
    for (const server of this.servers) {
      lines.push(`server ${server.host} (${server.kind})`);
      for (const location of server.locations) {
        const type =
          location.pathType === location.match ? location.match : `${location.match}(${location.pathType})`;
        lines.push(`  ${type.padEnd(6)} ${location.path} -> ${describeDecision(location.decision)}`);
      }
    }
    return lines.join('\n');
  }

  #serverFor(host: string | undefined): Server {
    if (host === undefined) return this.#catchAll;
    const exact = this.#exact.get(host);
    if (exact !== undefined) return exact;
    const split = splitFirstLabel(host);
    const wildcard = split === undefined ? undefined : this.#wildcard.get(split.suffix);
    return wildcard ?? this.#catchAll;
  }
}
