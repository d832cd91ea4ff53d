import { normalizeHost } from './normalizeHost.js';

// ingress-nginx turns `*.foo.com` into the server_name regex `^[\w-]+\.foo\.com$`: one label.
const WILDCARD_LABEL = /^[a-z0-9_-]+$/;

/**
 * The one-label wildcard a host of `*.suffix` form stands for, as its suffix (`*.foo.com` gives
 * `foo.com`); undefined for an exact host.
 */
export function wildcardSuffix(ruleHost: string): string | undefined {
  return ruleHost.startsWith('*.') ? ruleHost.slice(2).toLowerCase() : undefined;
}

/**
 * The first label of a normalized request host and the rest, when the first label is one a
 * wildcard can stand for; undefined otherwise.
 */
export function splitFirstLabel(
  host: string,
): { readonly label: string; readonly suffix: string } | undefined {
  const dot = host.indexOf('.');
  if (dot <= 0) return undefined;
  const label = host.slice(0, dot);
  return WILDCARD_LABEL.test(label) ? { label, suffix: host.slice(dot + 1) } : undefined;
}

/**
 * Whether an Ingress rule's `host` accepts a request's Host header, by the Ingress API's rules:
 * an absent or empty rule host accepts every request; `*.foo.com` accepts exactly one more label
 * (`bar.foo.com`, not `foo.com` nor `baz.bar.foo.com`); any other host must be equal, ignoring
 * case, the port and a trailing dot. This is the rule-level test: the router also ranks servers
 * (an exact host beats a wildcard, and a host-less rule is used only when no host matched).
 */
export function matchHost(ruleHost: string | undefined, requestHost: string | undefined): boolean {
  if (ruleHost === undefined || ruleHost === '') return true;
  const host = normalizeHost(requestHost);
  if (host === undefined) return false;
  const suffix = wildcardSuffix(ruleHost);
  if (suffix === undefined) return host === ruleHost.toLowerCase();
  return splitFirstLabel(host)?.suffix === suffix;
}
