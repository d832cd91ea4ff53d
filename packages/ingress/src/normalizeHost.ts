/**
 * The host name nginx selects a server with, from a Host header: lower-cased, without the port
 * and without one trailing dot. Undefined when nothing is left (no Host header, as in HTTP/1.0),
 * which selects the catch-all server. IPv6 literals keep their brackets (`[::1]:8080` gives `[::1]`).
 */
export function normalizeHost(host: string | undefined): string | undefined {
  if (host === undefined) return undefined;
  let name = host.trim().toLowerCase();
  if (name.startsWith('[')) {
    const end = name.indexOf(']');
    name = end === -1 ? name : name.slice(0, end + 1);
  } else {
    const colon = name.lastIndexOf(':');
    if (colon !== -1) name = name.slice(0, colon);
  }
  if (name.endsWith('.')) name = name.slice(0, -1);
  return name === '' ? undefined : name;
}
