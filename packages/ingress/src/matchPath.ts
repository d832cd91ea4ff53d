import type { PathType } from '@knsim/api';

/** How knsim matches a path type: ImplementationSpecific is matched as Prefix (see docs/ingress.md). */
export type PathMatch = 'Exact' | 'Prefix';

/** The matching a path type gets here: Exact stays Exact, Prefix and ImplementationSpecific are Prefix. */
export function effectivePathMatch(pathType: PathType): PathMatch {
  return pathType === 'Exact' ? 'Exact' : 'Prefix';
}

/**
 * The path a rule path stands for: `/` when empty or absent (ingress-nginx's root location).
 */
export function rulePath(path: string | undefined): string {
  return path === undefined || path === '' ? '/' : path;
}

/**
 * The key of a Prefix path: the path without its trailing slash (`/aaa/bbb/` and `/aaa/bbb` are
 * the same prefix; `/` is the empty key, which matches everything). Prefix matching is by whole
 * `/`-separated elements, so a prefix key matches a request path that equals it or continues it
 * with `/`.
 */
export function prefixKey(path: string): string {
  return path.endsWith('/') ? path.slice(0, -1) : path;
}

/**
 * The request path without its query string and fragment; `/` when nothing is left, and a path
 * not starting with `/` is read as if it did (nginx refuses such requests before routing).
 */
export function requestPath(path: string): string {
  let end = path.length;
  const query = path.indexOf('?');
  if (query !== -1) end = query;
  const fragment = path.indexOf('#');
  if (fragment !== -1 && fragment < end) end = fragment;
  const bare = path.slice(0, end);
  return bare.startsWith('/') ? bare : `/${bare}`;
}

/**
 * Whether a rule path of type `pathType` matches a request path (its query string is ignored).
 * Exact: equal, case-sensitive (`/foo` does not match `/foo/`). Prefix (and ImplementationSpecific):
 * the rule's `/`-separated elements start the request's, a trailing slash ignored on either side
 * (`/aaa/bbb` matches `/aaa/bbb`, `/aaa/bbb/` and `/aaa/bbb/ccc`, not `/aaa/bbbxyz`).
 */
export function matchPath(pathType: PathType, path: string | undefined, request: string): boolean {
  const target = requestPath(request);
  const rule = rulePath(path);
  if (effectivePathMatch(pathType) === 'Exact') return target === rule;
  const key = prefixKey(rule);
  return target === key || target.startsWith(`${key}/`);
}
