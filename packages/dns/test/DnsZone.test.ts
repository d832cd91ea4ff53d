import { describe, expect, it } from 'vitest';
import { buildDnsZone, DnsConfigError, type DnsZoneOptions } from '../src/index.js';
import { clusterIpService, VIEW } from './fixtures.js';

describe('buildDnsZone', () => {
  it('defaults to CoreDNS: cluster.local, TTL 5, pods disabled, reverse zones, serial 0', () => {
    const zone = buildDnsZone(VIEW);
    expect([zone.zone, zone.ttl, zone.podsMode, zone.reverseZones, zone.serial]).toEqual([
      'cluster.local.',
      5,
      'disabled',
      true,
      0,
    ]);
    expect(zone.nameserverIPs).toEqual([]);
  });

  it('normalises the zone and nameserver addresses', () => {
    const zone = buildDnsZone(VIEW, { zone: 'Corp.Internal.', nameserverIPs: ['FD00:0::53'] });
    expect(zone.zone).toBe('corp.internal.');
    expect(zone.nameserverIPs).toEqual(['fd00::53']);
  });

  it.each<[DnsZoneOptions, string]>([
    [{ ttl: 3601 }, 'ttl must be in range [0, 3600]: 3601'],
    [{ ttl: -1 }, 'ttl must be in range [0, 3600]: -1'],
    [{ ttl: 1.5 }, 'ttl must be in range [0, 3600]: 1.5'],
    [{ zone: '' }, 'zone must be a domain name: ""'],
    [{ podsMode: 'sometimes' as never }, 'pods must be one of disabled, insecure, verified: sometimes'],
    [{ serial: -1 }, 'serial must be an unsigned 32-bit integer: -1'],
    [{ nameserverIPs: ['dns'] }, 'nameserver address is not an IP: dns'],
  ])('refuses %j', (options, message) => {
    expect(() => buildDnsZone(VIEW, options)).toThrow(DnsConfigError);
    expect(() => buildDnsZone(VIEW, options)).toThrow(message);
  });

  it('accepts TTL 0 and 3600', () => {
    expect(buildDnsZone(VIEW, { ttl: 0 }).ttl).toBe(0);
    expect(buildDnsZone(VIEW, { ttl: 3600 }).ttl).toBe(3600);
  });

  it('indexes Services case-insensitively; the first of two with one name wins', () => {
    const zone = buildDnsZone({
      services: [
        clusterIpService('shop', 'web', ['10.96.0.20']),
        clusterIpService('shop', 'web', ['10.96.0.99']),
      ],
      endpointSlices: [],
    });
    expect(zone.serviceCount).toBe(1);
    expect(zone.service('Shop', 'WEB')?.clusterIPs).toEqual([{ ip: '10.96.0.20', family: 'IPv4' }]);
    expect(zone.namespaceExists('SHOP')).toBe(true);
    expect(zone.namespaceExists('data')).toBe(false);
  });

  it('keeps only ready endpoints, slices ordered by name', () => {
    const zone = buildDnsZone(VIEW);
    expect(
      zone.endpointGroups('data', 'db').map((group) => group.addresses.map((address) => address.hostname)),
    ).toEqual([['db-0', 'db-1'], ['10-244-3-13']]);
    expect(zone.endpointsByHostname('data', 'db', 'DB-1').map((match) => match.address.ip)).toEqual([
      '10.244.2.11',
    ]);
    expect(zone.ptrTargets('10.96.0.20')).toEqual(['web.shop.svc.cluster.local.']);
    expect(zone.podHasIp('shop', '10.244.2.6')).toBe(false); // terminating
  });

  it('matches the cluster zone and the reverse zones', () => {
    const zone = buildDnsZone(VIEW);
    expect(zone.matchZone('web.shop.svc.cluster.local.')).toEqual({ name: 'cluster.local.', reverse: false });
    expect(zone.matchZone('1.0.96.10.in-addr.arpa.')).toEqual({ name: 'in-addr.arpa.', reverse: true });
    expect(zone.matchZone('notcluster.local.')).toBeUndefined();
    expect(buildDnsZone(VIEW, { reverseZones: false }).matchZone('1.0.96.10.in-addr.arpa.')).toBeUndefined();
  });
});
