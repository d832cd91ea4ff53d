import type { FieldReporter, RawMap } from './FieldReporter.js';
import { dns1123LabelProblems, dns1123SubdomainProblems } from './nameChecks.js';
import { MAX_ENDPOINTS_PER_SLICE } from './EndpointSlice.js';
import { PROTOCOLS } from './ObjectMeta.js';

/** Checks an EndpointSlice: address type, addresses of that type, conditions, names and ports. */
export function validateEndpointSlice(report: FieldReporter, object: RawMap): void {
  if (object.addressType === undefined) report.required(['addressType']);
  const addressType = report.oneOf(object.addressType, ['addressType'], ['FQDN', 'IPv4', 'IPv6']);
  if (object.endpoints === undefined) report.required(['endpoints'], 'may be empty, but must be present');
  const endpoints = report.list(object.endpoints, ['endpoints']) ?? [];
  if (endpoints.length > MAX_ENDPOINTS_PER_SLICE) {
    report.invalid(
      ['endpoints'],
      `${endpoints.length} endpoints`,
      `must have at most ${MAX_ENDPOINTS_PER_SLICE} items`,
    );
  }
  endpoints.forEach((raw, index) => {
    const at = ['endpoints', index];
    const endpoint = report.map(raw, at);
    if (endpoint === undefined) return;
    const addresses = report.strings(endpoint.addresses, [...at, 'addresses']) ?? [];
    if (addresses.length === 0 || addresses.length > 100) {
      report.invalid([...at, 'addresses'], addresses, 'must have between 1 and 100 addresses');
    }
    addresses.forEach((address, addressIndex) => {
      const addressPath = [...at, 'addresses', addressIndex];
      if (addressType === 'FQDN') {
        report.problems(addressPath, address, dns1123SubdomainProblems(address));
        return;
      }
      const ip = report.legacyIp(address, addressPath);
      if (ip !== undefined && addressType !== undefined && ip.family !== addressType) {
        report.invalid(addressPath, address, `must be an ${addressType} address`);
      }
    });
    const conditions = report.map(endpoint.conditions, [...at, 'conditions']);
    for (const field of ['ready', 'serving', 'terminating'])
      report.boolean(conditions?.[field], [...at, 'conditions', field]);
    const hostname = report.string(endpoint.hostname, [...at, 'hostname']);
    if (hostname !== undefined)
      report.problems([...at, 'hostname'], hostname, dns1123LabelProblems(hostname));
    const nodeName = report.string(endpoint.nodeName, [...at, 'nodeName']);
    if (nodeName !== undefined)
      report.problems([...at, 'nodeName'], nodeName, dns1123SubdomainProblems(nodeName));
    report.string(endpoint.zone, [...at, 'zone']);
    const hints = report.map(endpoint.hints, [...at, 'hints']);
    for (const field of ['forZones', 'forNodes']) {
      (report.list(hints?.[field], [...at, 'hints', field]) ?? []).forEach((hint, hintIndex) => {
        const entry = report.map(hint, [...at, 'hints', field, hintIndex]);
        const name = report.string(entry?.name, [...at, 'hints', field, hintIndex, 'name']);
        if (entry !== undefined && (name === undefined || name === ''))
          report.required([...at, 'hints', field, hintIndex, 'name']);
      });
    }
    report.map(endpoint.targetRef, [...at, 'targetRef']);
  });
  const names = new Set<string>();
  (report.list(object.ports, ['ports']) ?? []).forEach((raw, index) => {
    const at = ['ports', index];
    const port = report.map(raw, at);
    if (port === undefined) return;
    const name = report.string(port.name, [...at, 'name']) ?? '';
    if (name !== '') report.problems([...at, 'name'], name, dns1123LabelProblems(name));
    if (names.has(name)) report.duplicate([...at, 'name'], name);
    names.add(name);
    report.oneOf(port.protocol, [...at, 'protocol'], PROTOCOLS);
    if (port.port !== undefined) report.portNumber(port.port, [...at, 'port']);
    report.string(port.appProtocol, [...at, 'appProtocol']);
  });
}
