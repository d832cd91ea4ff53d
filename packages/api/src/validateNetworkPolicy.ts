import { cidrContainsCidr } from './Cidr.js';
import type { FieldPath, FieldReporter, RawMap } from './FieldReporter.js';
import { PROTOCOLS } from './ObjectMeta.js';
import { validateLabelSelector } from './validateLabelSelector.js';

function validatePort(report: FieldReporter, value: unknown, path: FieldPath): void {
  const port = report.map(value, path);
  if (port === undefined) return;
  report.oneOf(port.protocol, [...path, 'protocol'], PROTOCOLS);
  const number = report.portNumberOrName(port.port, [...path, 'port']);
  const endPort = report.integer(port.endPort, [...path, 'endPort']);
  if (endPort === undefined) return;
  if (number === undefined) {
    report.invalid([...path, 'endPort'], endPort, 'may not be specified when `port` is not specified');
  } else if (typeof number === 'string') {
    report.invalid([...path, 'endPort'], endPort, 'may not be specified when `port` is non-numeric');
  } else {
    if (endPort < number)
      report.invalid([...path, 'endPort'], endPort, 'must be greater than or equal to `port`');
    report.portNumber(endPort, [...path, 'endPort']);
  }
}

function validateIpBlock(report: FieldReporter, block: RawMap, path: FieldPath): void {
  if (block.cidr === undefined || block.cidr === '') {
    report.required([...path, 'cidr']);
    return;
  }
  const cidr = report.legacyCidr(block.cidr, [...path, 'cidr']);
  (report.strings(block.except, [...path, 'except']) ?? []).forEach((text, index) => {
    const except = report.legacyCidr(text, [...path, 'except', index]);
    if (cidr === undefined || except === undefined) return;
    if (!cidrContainsCidr(cidr, except) || except.prefixLength <= cidr.prefixLength) {
      report.invalid(
        [...path, 'except', index],
        text,
        `must be a strict subset of \`cidr\` (${cidr.toString()})`,
      );
    }
  });
}

function validatePeer(report: FieldReporter, value: unknown, path: FieldPath): void {
  const peer = report.map(value, path);
  if (peer === undefined) return;
  let kinds = 0;
  if (peer.podSelector !== undefined) {
    kinds++;
    validateLabelSelector(report, peer.podSelector, [...path, 'podSelector']);
  }
  if (peer.namespaceSelector !== undefined) {
    kinds++;
    validateLabelSelector(report, peer.namespaceSelector, [...path, 'namespaceSelector']);
  }
  const ipBlock = report.map(peer.ipBlock, [...path, 'ipBlock']);
  if (peer.ipBlock !== undefined) kinds++;
  if (ipBlock !== undefined) validateIpBlock(report, ipBlock, [...path, 'ipBlock']);
  if (kinds === 0) {
    report.required(path, 'must specify a peer (podSelector, namespaceSelector or ipBlock)');
  } else if (kinds > 1 && peer.ipBlock !== undefined) {
    report.forbidden(path, 'may not specify both ipBlock and another peer');
  }
}

/** Checks a NetworkPolicy: selectors, peers, ipBlocks, ports and endPorts, policyTypes. */
export function validateNetworkPolicy(report: FieldReporter, object: RawMap): void {
  if (object.spec === undefined) {
    report.required(['spec']);
    return;
  }
  const spec = report.map(object.spec, ['spec']);
  if (spec === undefined) return;
  // An absent podSelector decodes as the empty selector (all pods), as on the API server.
  if (spec.podSelector !== undefined)
    validateLabelSelector(report, spec.podSelector, ['spec', 'podSelector']);
  for (const [direction, peers] of [
    ['ingress', 'from'],
    ['egress', 'to'],
  ] as const) {
    (report.list(spec[direction], ['spec', direction]) ?? []).forEach((raw, index) => {
      const at = ['spec', direction, index];
      const rule = report.map(raw, at);
      if (rule === undefined) return;
      (report.list(rule.ports, [...at, 'ports']) ?? []).forEach((port, portIndex) =>
        validatePort(report, port, [...at, 'ports', portIndex]),
      );
      (report.list(rule[peers], [...at, peers]) ?? []).forEach((peer, peerIndex) =>
        validatePeer(report, peer, [...at, peers, peerIndex]),
      );
    });
  }
  const types = report.list(spec.policyTypes, ['spec', 'policyTypes']) ?? [];
  if (types.length > 2) {
    report.invalid(['spec', 'policyTypes'], types, 'may not specify more than two policyTypes');
    return;
  }
  types.forEach((type, index) => report.oneOf(type, ['spec', 'policyTypes', index], ['Egress', 'Ingress']));
}
