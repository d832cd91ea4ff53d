import type { ClusterDnsView, DnsEndpoint, DnsEndpointSlice, DnsService } from '../src/index.js';

/** A ready endpoint at `ip`, optionally with a hostname. */
export function ready(ip: string, hostname?: string, podName?: string): DnsEndpoint {
  return {
    addresses: [ip],
    ready: true,
    ...(hostname === undefined ? {} : { hostname }),
    ...(podName === undefined ? {} : { podName }),
  };
}

/** A not-ready endpoint at `ip`. */
export function notReady(ip: string, hostname?: string): DnsEndpoint {
  return { addresses: [ip], ready: false, ...(hostname === undefined ? {} : { hostname }) };
}

export function clusterIpService(
  namespace: string,
  name: string,
  clusterIPs: readonly string[],
  ports: DnsService['ports'] = [{ name: 'http', protocol: 'TCP', port: 80 }],
): DnsService {
  return { namespace, name, type: 'ClusterIP', headless: false, clusterIPs, ports };
}

export function headlessService(
  namespace: string,
  name: string,
  ports: DnsService['ports'] = [],
): DnsService {
  return { namespace, name, type: 'ClusterIP', headless: true, clusterIPs: [], ports };
}

export function externalNameService(namespace: string, name: string, externalName: string): DnsService {
  return { namespace, name, type: 'ExternalName', headless: false, clusterIPs: [], externalName, ports: [] };
}

export function slice(
  namespace: string,
  serviceName: string,
  name: string,
  endpoints: readonly DnsEndpoint[],
  ports: DnsEndpointSlice['ports'] = [{ name: 'http', protocol: 'TCP', port: 8080 }],
): DnsEndpointSlice {
  return { namespace, serviceName, name, endpoints, ports };
}

/**
 * A small cluster exercising every record kind:
 * - default/kubernetes (ClusterIP 10.96.0.1, https/443);
 * - kube-system/kube-dns (10.96.0.10, dns/53 UDP, dns-tcp/53 TCP, metrics/9153) backed by two CoreDNS pods;
 * - shop/web (10.96.0.20, http/80) with one ready and one not-ready endpoint;
 * - shop/api (10.96.0.21, one unnamed port 8080); shop/dual (dual-stack);
 * - data/db (headless StatefulSet: db-0, db-1 ready, db-2 not ready, one ready endpoint without hostname);
 * - data/empty (headless, nothing ready); data/db6 (headless, IPv6);
 * - shop/payments, shop/alias, shop/broken, shop/dangling (ExternalName: out of zone, in zone,
 *   unresolvable, in zone but missing).
 */
export const VIEW: ClusterDnsView = {
  namespaces: ['default', 'kube-system', 'shop', 'data', 'quiet'],
  services: [
    clusterIpService('default', 'kubernetes', ['10.96.0.1'], [{ name: 'https', protocol: 'TCP', port: 443 }]),
    clusterIpService(
      'kube-system',
      'kube-dns',
      ['10.96.0.10'],
      [
        { name: 'dns', protocol: 'UDP', port: 53 },
        { name: 'dns-tcp', protocol: 'TCP', port: 53 },
        { name: 'metrics', protocol: 'TCP', port: 9153 },
      ],
    ),
    clusterIpService('shop', 'web', ['10.96.0.20']),
    clusterIpService('shop', 'api', ['10.96.0.21'], [{ name: '', protocol: 'TCP', port: 8080 }]),
    clusterIpService('shop', 'dual', ['10.96.0.30', 'fd00:10:96::30']),
    headlessService('data', 'db', [{ name: 'postgres', protocol: 'TCP', port: 5432 }]),
    headlessService('data', 'empty', [{ name: 'postgres', protocol: 'TCP', port: 5432 }]),
    headlessService('data', 'db6', [{ name: 'postgres', protocol: 'TCP', port: 5432 }]),
    externalNameService('shop', 'payments', 'api.stripe.example'),
    externalNameService('shop', 'alias', 'web.shop.svc.cluster.local'),
    externalNameService('shop', 'broken', 'nowhere.example'),
    externalNameService('shop', 'dangling', 'missing.shop.svc.cluster.local'),
  ],
  endpointSlices: [
    slice(
      'kube-system',
      'kube-dns',
      'kube-dns-x1',
      [ready('10.244.0.2', undefined, 'coredns-a'), ready('10.244.1.3', undefined, 'coredns-b')],
      [
        { name: 'dns', protocol: 'UDP', port: 53 },
        { name: 'dns-tcp', protocol: 'TCP', port: 53 },
        { name: 'metrics', protocol: 'TCP', port: 9153 },
      ],
    ),
    slice('shop', 'web', 'web-x1', [ready('10.244.1.5', undefined, 'web-abc'), notReady('10.244.2.6')]),
    slice(
      'default',
      'kubernetes',
      'kubernetes',
      [ready('192.168.0.10')],
      [{ name: 'https', protocol: 'TCP', port: 6443 }],
    ),
    slice('data', 'db', 'db-b', [ready('10.244.3.13')], [{ name: 'postgres', protocol: 'TCP', port: 5432 }]),
    slice(
      'data',
      'db',
      'db-a',
      [ready('10.244.1.10', 'db-0'), ready('10.244.2.11', 'db-1'), notReady('10.244.3.12', 'db-2')],
      [{ name: 'postgres', protocol: 'TCP', port: 5432 }],
    ),
    slice(
      'data',
      'empty',
      'empty-a',
      [notReady('10.244.1.20')],
      [{ name: 'postgres', protocol: 'TCP', port: 5432 }],
    ),
    slice(
      'data',
      'db6',
      'db6-a',
      [ready('fd00:10:244:1::10', 'db6-0')],
      [{ name: 'postgres', protocol: 'TCP', port: 5432 }],
    ),
  ],
  pods: [
    { namespace: 'shop', name: 'web-abc', ip: '10.244.1.5' },
    { namespace: 'shop', name: 'web-old', ip: '10.244.2.6', terminating: true },
    { namespace: 'shop', name: 'lonely', ip: '10.244.2.7' },
    { namespace: 'data', name: 'db-0', ip: '10.244.1.10' },
    { namespace: 'shop', name: 'six', ip: 'fd00:10:244:1::99' },
  ],
};
