import type { FieldPath, FieldReporter, RawMap } from './FieldReporter.js';
import { tryParseIp } from './ipAddress.js';
import {
  dns1035LabelProblems,
  dns1123SubdomainProblems,
  portNameProblems,
  wildcardDns1123SubdomainProblems,
} from './nameChecks.js';
import { PATH_TYPES } from './Ingress.js';

const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];

function validateHost(report: FieldReporter, host: string, path: FieldPath): void {
  if (tryParseIp(host, { legacy: true }) !== undefined) {
    report.invalid(path, host, 'must be a DNS name, not an IP address');
  }
  const problems = host.includes('*')
    ? wildcardDns1123SubdomainProblems(host)
    : dns1123SubdomainProblems(host);
  report.problems(path, host, problems);
}

function validateBackend(report: FieldReporter, value: unknown, path: FieldPath): void {
  if (value === undefined) {
    report.required(path);
    return;
  }
  const backend = report.map(value, path);
  if (backend === undefined) return;
  const resource = report.map(backend.resource, [...path, 'resource']);
  const service = report.map(backend.service, [...path, 'service']);
  if (resource !== undefined && service !== undefined) {
    report.invalid(path, '', 'cannot set both resource and service backends');
    return;
  }
  if (resource !== undefined) {
    for (const field of ['kind', 'name']) {
      const text = report.string(resource[field], [...path, 'resource', field]);
      if (text === undefined || text === '') report.required([...path, 'resource', field]);
    }
    return;
  }
  if (service === undefined) {
    report.invalid(path, '', 'resource or service backend is required');
    return;
  }
  const name = report.string(service.name, [...path, 'service', 'name']);
  if (name === undefined || name === '') report.required([...path, 'service', 'name']);
  else report.problems([...path, 'service', 'name'], name, dns1035LabelProblems(name));
  const port = report.map(service.port, [...path, 'service', 'port']) ?? {};
  const portName = report.string(port.name, [...path, 'service', 'port', 'name']) ?? '';
  const portNumber = report.integer(port.number, [...path, 'service', 'port', 'number']) ?? 0;
  if (portName !== '' && portNumber !== 0) {
    report.invalid([...path, 'service', 'port'], port, 'cannot set both port name & port number');
  } else if (portName !== '') {
    report.problems([...path, 'service', 'port', 'name'], portName, portNameProblems(portName));
  } else if (portNumber !== 0) {
    report.portNumber(portNumber, [...path, 'service', 'port', 'number']);
  } else {
    report.required([...path, 'service', 'port'], 'port name or number is required');
  }
}

function validatePath(report: FieldReporter, value: unknown, at: FieldPath): void {
  const entry = report.map(value, at);
  if (entry === undefined) return;
  const path = report.string(entry.path, [...at, 'path']) ?? '';
  if (entry.pathType === undefined) {
    report.required(
      [...at, 'pathType'],
      'pathType must be specified (Exact, Prefix or ImplementationSpecific)',
    );
  } else {
    const pathType = report.oneOf(entry.pathType, [...at, 'pathType'], PATH_TYPES);
    if (pathType === 'Exact' || pathType === 'Prefix') {
      if (!path.startsWith('/')) report.invalid([...at, 'path'], path, 'must be an absolute path');
      for (const sequence of INVALID_PATH_SEQUENCES) {
        if (path.includes(sequence)) report.invalid([...at, 'path'], path, `must not contain '${sequence}'`);
      }
      for (const suffix of INVALID_PATH_SUFFIXES) {
        if (path.endsWith(suffix)) report.invalid([...at, 'path'], path, `cannot end with '${suffix}'`);
      }
    } else if (pathType === 'ImplementationSpecific' && path !== '' && !path.startsWith('/')) {
      report.invalid([...at, 'path'], path, 'must be an absolute path');
    }
  }
  validateBackend(report, entry.backend, [...at, 'backend']);
}

/** Checks an Ingress: backends, hosts (no IPs, `*` only as the first label), paths and pathTypes, TLS. */
export function validateIngress(report: FieldReporter, object: RawMap): void {
  if (object.spec === undefined) {
    report.required(['spec']);
    return;
  }
  const spec = report.map(object.spec, ['spec']);
  if (spec === undefined) return;
  const rules = report.list(spec.rules, ['spec', 'rules']) ?? [];
  if (rules.length === 0 && spec.defaultBackend === undefined) {
    report.invalid(['spec'], 'no rules', 'either `defaultBackend` or `rules` must be specified');
  }
  if (spec.defaultBackend !== undefined)
    validateBackend(report, spec.defaultBackend, ['spec', 'defaultBackend']);
  rules.forEach((raw, index) => {
    const at = ['spec', 'rules', index];
    const rule = report.map(raw, at);
    if (rule === undefined) return;
    const host = report.string(rule.host, [...at, 'host']);
    if (host !== undefined && host !== '') validateHost(report, host, [...at, 'host']);
    const http = report.map(rule.http, [...at, 'http']);
    if (http === undefined) return;
    const paths = report.list(http.paths, [...at, 'http', 'paths']) ?? [];
    if (paths.length === 0) report.required([...at, 'http', 'paths']);
    paths.forEach((entry, pathIndex) => validatePath(report, entry, [...at, 'http', 'paths', pathIndex]));
  });
  (report.list(spec.tls, ['spec', 'tls']) ?? []).forEach((raw, index) => {
    const tls = report.map(raw, ['spec', 'tls', index]);
    (report.strings(tls?.hosts, ['spec', 'tls', index, 'hosts']) ?? []).forEach((host, hostIndex) => {
      const problems = host.includes('*')
        ? wildcardDns1123SubdomainProblems(host)
        : dns1123SubdomainProblems(host);
      report.problems(['spec', 'tls', index, 'hosts', hostIndex], host, problems);
    });
    const secretName = report.string(tls?.secretName, ['spec', 'tls', index, 'secretName']);
    if (secretName !== undefined && secretName !== '') {
      report.problems(['spec', 'tls', index, 'secretName'], secretName, dns1123SubdomainProblems(secretName));
    }
  });
  const className = report.string(spec.ingressClassName, ['spec', 'ingressClassName']);
  if (className !== undefined) {
    report.problems(['spec', 'ingressClassName'], className, dns1123SubdomainProblems(className));
    const annotations = (object.metadata as RawMap | undefined)?.annotations as RawMap | undefined;
    const annotated = annotations?.['kubernetes.io/ingress.class'];
    if (typeof annotated === 'string' && annotated !== className) {
      report.invalid(
        ['metadata', 'annotations', 'kubernetes.io/ingress.class'],
        annotated,
        'must match `ingressClassName` when both are specified',
      );
    }
  }
}
