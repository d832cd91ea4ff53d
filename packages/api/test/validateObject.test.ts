import { describe, expect, it } from 'vitest';
import { UserError } from '@knsim/core';
import { ManifestError, parseManifests, validateObject, type LoadOptions } from '@knsim/api';

type Json = Record<string, unknown>;

/** Loads objects (as JSON documents) and returns `object: path: reason` for each error. */
function errorsOf(objects: Json | Json[], options: LoadOptions = {}): string[] {
  const text = (Array.isArray(objects) ? objects : [objects])
    .map((object) => JSON.stringify(object))
    .join('\n---\n');
  try {
    parseManifests(text, 'm.yaml', options);
    return [];
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    return error.errors.map((issue) => `${issue.object}: ${issue.path}: ${issue.reason}`);
  }
}

function warningsOf(objects: Json | Json[], options: LoadOptions = {}): string[] {
  const text = (Array.isArray(objects) ? objects : [objects])
    .map((object) => JSON.stringify(object))
    .join('\n---\n');
  return parseManifests(text, 'm.yaml', options).warnings.map(
    (issue) => `${issue.object}: ${issue.path}: ${issue.reason}`,
  );
}

const container = (extra: Json = {}): Json => ({ name: 'app', image: 'nginx', ...extra });
const pod = (spec: Json, metadata: Json = { name: 'p' }): Json => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata,
  spec,
});
const podWith = (extra: Json): Json => pod({ containers: [container(extra)] });
const service = (spec: Json, name = 'web'): Json => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec,
});
const deployment = (spec: Json): Json => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd' },
  spec,
});
const template = (labels: Json, spec: Json = { containers: [container()] }): Json => ({
  metadata: { labels },
  spec,
});
const policy = (spec: Json): Json => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'np' },
  spec,
});
const ingress = (spec: Json): Json => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'in' },
  spec,
});
const backend = { service: { name: 'web', port: { number: 80 } } };
const ingressPath = (extra: Json): Json => ({ path: '/', pathType: 'Prefix', backend, ...extra });
const peer = (from: Json): Json => policy({ podSelector: {}, ingress: [{ from: [from] }] });
const policyPort = (port: Json): Json => policy({ podSelector: {}, ingress: [{ ports: [port] }] });

const DNS1123_SUBDOMAIN =
  "must be a lowercase RFC 1123 subdomain: dot-separated labels of lowercase letters, digits and '-', each starting and ending with a letter or digit (e.g. 'example.com')";
const DNS1123_LABEL =
  "must be a lowercase RFC 1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit (e.g. 'my-name')";
const DNS1035_LABEL =
  "must be an RFC 1035 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit (e.g. 'my-name')";
const PORT_RANGE = 'must be between 1 and 65535, inclusive';

describe('object names', () => {
  it('Pod names are DNS-1123 subdomains', () => {
    expect(errorsOf(pod({ containers: [container()] }, { name: 'Web_1' }))).toEqual([
      `Pod default/Web_1: metadata.name: invalid value "Web_1": ${DNS1123_SUBDOMAIN}`,
    ]);
    expect(errorsOf(pod({ containers: [container()] }, { name: 'web.v1' }))).toEqual([]);
  });

  it('Service names are DNS-1035 labels', () => {
    expect(errorsOf(service({ ports: [{ port: 80 }] }, '1web'))).toEqual([
      `Service default/1web: metadata.name: invalid value "1web": ${DNS1035_LABEL}`,
    ]);
    expect(errorsOf(service({ ports: [{ port: 80 }] }, 'web.v1'))).toEqual([
      `Service default/web.v1: metadata.name: invalid value "web.v1": ${DNS1035_LABEL}`,
    ]);
  });

  it('Namespace names are DNS-1123 labels of at most 63 characters', () => {
    const long = 'a'.repeat(64);
    expect(errorsOf({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team.a' } })).toEqual([
      `Namespace team.a: metadata.name: invalid value "team.a": ${DNS1123_LABEL}`,
    ]);
    expect(errorsOf({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: long } })).toEqual([
      `Namespace ${long}: metadata.name: invalid value "${long}": must be no more than 63 characters`,
    ]);
  });

  it('namespaces are DNS-1123 labels', () => {
    expect(errorsOf(pod({ containers: [container()] }, { name: 'p', namespace: 'Prod' }))).toEqual([
      `Pod Prod/p: metadata.namespace: invalid value "Prod": ${DNS1123_LABEL}`,
    ]);
  });

  it('a name or generateName is required; generateName may end with a dash', () => {
    expect(errorsOf(pod({ containers: [container()] }, {}))).toEqual([
      'Pod default/<unnamed>: metadata.name: required value: name or generateName is required',
    ]);
    expect(errorsOf(pod({ containers: [container()] }, { generateName: 'web-' }))).toEqual([]);
  });

  it('CronJob names leave room for the Job suffix', () => {
    const name = 'c'.repeat(53);
    const cronJob = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name },
      spec: {
        schedule: '* * * * *',
        jobTemplate: { spec: { template: { spec: { containers: [container()], restartPolicy: 'Never' } } } },
      },
    };
    expect(errorsOf(cronJob)).toEqual([
      `CronJob default/${name}: metadata.name: invalid value "${name}": must be no more than 52 characters`,
    ]);
  });
});

describe('labels and annotations', () => {
  it('label keys are qualified names and values label values', () => {
    expect(
      errorsOf(
        pod(
          { containers: [container()] },
          { name: 'p', labels: { 'Bad Key': 'x', 'example.com/ok': '-bad', [`${'k'.repeat(64)}`]: 'v' } },
        ),
      ),
    ).toEqual([
      `Pod default/p: metadata.labels: invalid value "Bad Key": name part must consist of letters, digits, '-', '_' or '.', starting and ending with a letter or digit (e.g. 'MyName', 'my.name' or '123-abc')`,
      `Pod default/p: metadata.labels: invalid value "${'k'.repeat(64)}": name part must be no more than 63 characters`,
      `Pod default/p: metadata.labels[example.com/ok]: invalid value "-bad": must be empty or consist of letters, digits, '-', '_' or '.', starting and ending with a letter or digit (e.g. 'MyValue' or 'my_value')`,
    ]);
  });

  it('label values must be strings (an unquoted number is not)', () => {
    expect(errorsOf(pod({ containers: [container()] }, { name: 'p', labels: { version: 2 } }))).toEqual([
      'Pod default/p: metadata.labels.version: must be a string, not number 2',
    ]);
  });

  it('annotations are free-form strings', () => {
    expect(
      errorsOf(
        pod({ containers: [container()] }, { name: 'p', annotations: { 'Any Key!': '{"json": true}' } }),
      ),
    ).toEqual([]);
    expect(
      errorsOf(pod({ containers: [container()] }, { name: 'p', annotations: { enabled: true } })),
    ).toEqual(['Pod default/p: metadata.annotations.enabled: must be a string, not boolean true']);
  });
});

describe('label selectors', () => {
  const withSelector = (podSelector: Json): Json => policy({ podSelector });

  it('In and NotIn need values', () => {
    expect(
      errorsOf(withSelector({ matchExpressions: [{ key: 'app', operator: 'In', values: [] }] })),
    ).toEqual([
      "NetworkPolicy default/np: spec.podSelector.matchExpressions[0].values: required value: must be specified when `operator` is 'In' or 'NotIn'",
    ]);
  });

  it('Exists and DoesNotExist take no values', () => {
    expect(
      errorsOf(withSelector({ matchExpressions: [{ key: 'app', operator: 'Exists', values: ['x'] }] })),
    ).toEqual([
      "NetworkPolicy default/np: spec.podSelector.matchExpressions[0].values: forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
    ]);
  });

  it('operators are In, NotIn, Exists and DoesNotExist', () => {
    expect(
      errorsOf(withSelector({ matchExpressions: [{ key: 'app', operator: 'Equals', values: ['x'] }] })),
    ).toEqual([
      'NetworkPolicy default/np: spec.podSelector.matchExpressions[0].operator: unsupported value "Equals": supported values: "DoesNotExist", "Exists", "In", "NotIn"',
    ]);
  });

  it('keys and values are checked like labels', () => {
    expect(
      errorsOf(
        withSelector({ matchLabels: { app: 'a b' }, matchExpressions: [{ key: '/x', operator: 'Exists' }] }),
      ),
    ).toEqual([
      `NetworkPolicy default/np: spec.podSelector.matchLabels.app: invalid value "a b": must be empty or consist of letters, digits, '-', '_' or '.', starting and ending with a letter or digit (e.g. 'MyValue' or 'my_value')`,
      'NetworkPolicy default/np: spec.podSelector.matchExpressions[0].key: invalid value "/x": prefix part must be non-empty',
    ]);
  });
});

describe('Service ports', () => {
  it('port numbers are 1-65535', () => {
    expect(
      errorsOf(
        service({
          ports: [
            { name: 'a', port: 0 },
            { name: 'b', port: 70000 },
          ],
        }),
      ),
    ).toEqual([
      `Service default/web: spec.ports[0].port: invalid value 0: ${PORT_RANGE}`,
      `Service default/web: spec.ports[1].port: invalid value 70000: ${PORT_RANGE}`,
    ]);
  });

  it('a port number is an integer, not a string', () => {
    expect(errorsOf(service({ ports: [{ port: '80' }] }))).toEqual([
      'Service default/web: spec.ports[0].port: must be an integer, not string "80"',
    ]);
  });

  it('protocols are TCP, UDP or SCTP', () => {
    expect(errorsOf(service({ ports: [{ port: 80, protocol: 'HTTP' }] }))).toEqual([
      'Service default/web: spec.ports[0].protocol: unsupported value "HTTP": supported values: "SCTP", "TCP", "UDP"',
    ]);
  });

  it('a multi-port Service names every port', () => {
    expect(errorsOf(service({ ports: [{ port: 80 }, { name: 'https', port: 443 }] }))).toEqual([
      'Service default/web: spec.ports[0].name: required value: every port of a multi-port Service must be named',
    ]);
  });

  it('port names are DNS-1123 labels and unique', () => {
    expect(
      errorsOf(
        service({
          ports: [
            { name: 'Web', port: 80 },
            { name: 'x', port: 81 },
            { name: 'x', port: 82 },
          ],
        }),
      ),
    ).toEqual([
      `Service default/web: spec.ports[0].name: invalid value "Web": ${DNS1123_LABEL}`,
      'Service default/web: spec.ports[2].name: duplicate value "x"',
    ]);
  });

  it('the same port and protocol may appear once; another protocol is fine', () => {
    expect(
      errorsOf(
        service({
          ports: [
            { name: 'a', port: 53, protocol: 'UDP' },
            { name: 'b', port: 53 },
          ],
        }),
      ),
    ).toEqual([]);
    expect(
      errorsOf(
        service({
          ports: [
            { name: 'a', port: 53 },
            { name: 'b', port: 53, protocol: 'TCP' },
          ],
        }),
      ),
    ).toEqual([
      'Service default/web: spec.ports[1]: duplicate value "53/TCP": two ports of a Service may not share a port number and protocol',
    ]);
  });

  it('targetPort is a port number or an IANA service name', () => {
    const bad = ['Http', 'very-long-port-name', 'a--b', '8080', '-web'];
    expect(
      errorsOf(
        service({
          ports: [
            { name: 'n', port: 80, targetPort: 70000 },
            ...bad.map((targetPort, i) => ({ name: `p${i}`, port: 81 + i, targetPort })),
          ],
        }),
      ),
    ).toEqual([
      `Service default/web: spec.ports[0].targetPort: invalid value 70000: ${PORT_RANGE}`,
      'Service default/web: spec.ports[1].targetPort: invalid value "Http": must contain only lowercase letters, digits and \'-\'',
      'Service default/web: spec.ports[2].targetPort: invalid value "very-long-port-name": must be no more than 15 characters',
      'Service default/web: spec.ports[3].targetPort: invalid value "a--b": must not contain consecutive \'-\'',
      'Service default/web: spec.ports[4].targetPort: invalid value "8080": must contain at least one letter',
      'Service default/web: spec.ports[5].targetPort: invalid value "-web": must not begin or end with \'-\'',
    ]);
  });

  it('nodePorts are port numbers, only for NodePort and LoadBalancer, unique per protocol', () => {
    expect(
      errorsOf(
        service({
          type: 'NodePort',
          ports: [
            { name: 'a', port: 80, nodePort: 70000 },
            { name: 'b', port: 81, nodePort: 30001 },
            { name: 'c', port: 82, nodePort: 30001 },
          ],
        }),
      ),
    ).toEqual([
      `Service default/web: spec.ports[0].nodePort: invalid value 70000: ${PORT_RANGE}`,
      'Service default/web: spec.ports[2].nodePort: duplicate value "30001/TCP"',
    ]);
    expect(errorsOf(service({ ports: [{ port: 80, nodePort: 30001 }] }))).toEqual([
      "Service default/web: spec.ports[0].nodePort: forbidden: may not be used when `type` is 'ClusterIP'",
    ]);
  });

  it('checks the node port range only when told it', () => {
    const nodePort = service({ type: 'NodePort', ports: [{ port: 80, nodePort: 8080 }] });
    expect(errorsOf(nodePort)).toEqual([]);
    expect(errorsOf(nodePort, { nodePortRange: { first: 30000, last: 32767 } })).toEqual([
      'Service default/web: spec.ports[0].nodePort: invalid value 8080: provided port is not in the valid range. The range of valid ports is 30000-32767',
    ]);
  });

  it('a non-headless Service needs ports', () => {
    expect(errorsOf(service({ selector: { app: 'web' } }))).toEqual([
      'Service default/web: spec.ports: required value',
    ]);
    expect(errorsOf(service({ selector: { app: 'web' }, clusterIP: 'None' }))).toEqual([]);
  });
});

describe('Service addresses and types', () => {
  it('clusterIP is an IP, None or empty', () => {
    expect(errorsOf(service({ clusterIP: '10.96.0.300', ports: [{ port: 80 }] }))).toEqual([
      'Service default/web: spec.clusterIP: invalid value "10.96.0.300": must be a valid IP address (e.g. 10.9.8.7 or 2001:db8::ffff)',
    ]);
    for (const clusterIP of ['', 'None', '10.96.0.10', 'fd00::10']) {
      expect(errorsOf(service({ clusterIP, ports: [{ port: 80 }] }))).toEqual([]);
    }
    expect(errorsOf(service({ type: 'NodePort', clusterIP: 'None', ports: [{ port: 80 }] }))).toEqual([
      'Service default/web: spec.clusterIP: invalid value "None": may not be set to \'None\' for NodePort services',
    ]);
  });

  it('ExternalName needs an externalName that is a DNS subdomain, and no ports or selector checks', () => {
    expect(errorsOf(service({ type: 'ExternalName' }))).toEqual([
      'Service default/web: spec.externalName: required value: an ExternalName Service needs the DNS name it aliases',
    ]);
    expect(errorsOf(service({ type: 'ExternalName', externalName: 'db_host.example.com' }))).toEqual([
      `Service default/web: spec.externalName: invalid value "db_host.example.com": ${DNS1123_SUBDOMAIN}`,
    ]);
    expect(
      errorsOf(service({ type: 'ExternalName', externalName: 'db.example.com.', selector: { app: 'x' } })),
    ).toEqual([]);
    expect(
      errorsOf(service({ type: 'ExternalName', externalName: 'db.example.com', clusterIP: '10.0.0.1' })),
    ).toEqual(['Service default/web: spec.clusterIP: forbidden: may not be set for ExternalName services']);
  });

  it('loadBalancerSourceRanges are CIDRs, on LoadBalancer Services only', () => {
    expect(
      errorsOf(
        service({
          type: 'LoadBalancer',
          ports: [{ port: 80 }],
          loadBalancerSourceRanges: ['10.0.0.0/8', '10.0.0/8'],
        }),
      ),
    ).toEqual([
      'Service default/web: spec.loadBalancerSourceRanges[1]: invalid value "10.0.0/8": must be a valid IP address (e.g. 10.9.8.7 or 2001:db8::ffff)',
    ]);
    expect(errorsOf(service({ ports: [{ port: 80 }], loadBalancerSourceRanges: ['10.0.0.0/8'] }))).toEqual([
      "Service default/web: spec.loadBalancerSourceRanges: forbidden: may only be used when `type` is 'LoadBalancer'",
    ]);
  });

  it('session affinity timeouts are 1-86400 seconds', () => {
    expect(
      errorsOf(
        service({
          ports: [{ port: 80 }],
          sessionAffinity: 'ClientIP',
          sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } },
        }),
      ),
    ).toEqual([
      'Service default/web: spec.sessionAffinityConfig.clientIP.timeoutSeconds: invalid value 0: must be greater than 0 and at most 86400',
    ]);
  });

  it('externalTrafficPolicy only for externally reachable Services', () => {
    expect(errorsOf(service({ ports: [{ port: 80 }], externalTrafficPolicy: 'Local' }))).toEqual([
      'Service default/web: spec.externalTrafficPolicy: invalid value "Local": may only be set for externally-accessible services (NodePort, LoadBalancer or with externalIPs)',
    ]);
    expect(
      errorsOf(service({ type: 'NodePort', ports: [{ port: 80 }], healthCheckNodePort: 30100 })),
    ).toEqual([
      "Service default/web: spec.healthCheckNodePort: invalid value 30100: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
    ]);
  });
});

describe('pods', () => {
  it('container port names are IANA service names, unique within a container', () => {
    expect(
      errorsOf(
        podWith({
          ports: [
            { containerPort: 80, name: 'HTTP' },
            { containerPort: 81, name: 'metrics' },
            { containerPort: 82, name: 'metrics' },
          ],
        }),
      ),
    ).toEqual([
      'Pod default/p: spec.containers[0].ports[0].name: invalid value "HTTP": must contain at least one letter',
      'Pod default/p: spec.containers[0].ports[0].name: invalid value "HTTP": must contain only lowercase letters, digits and \'-\'',
      'Pod default/p: spec.containers[0].ports[2].name: duplicate value "metrics": port names must be unique within a container',
    ]);
  });

  it('a port name used by two containers of the pod is a warning (named ports resolve to the first)', () => {
    const twoContainers = pod({
      containers: [
        container({ ports: [{ containerPort: 80, name: 'web' }] }),
        container({ name: 'side', ports: [{ containerPort: 81, name: 'web' }] }),
      ],
    });
    expect(warningsOf(twoContainers)).toEqual([
      'Pod default/p: spec.containers[1].ports[0].name: port name "web" is also used by another container of the pod; named ports resolve to the first',
    ]);
  });

  it('container ports are 1-65535 and hostPorts unique', () => {
    expect(
      errorsOf(
        podWith({
          ports: [
            { containerPort: 0 },
            { containerPort: 80, hostPort: 8080 },
            { containerPort: 81, hostPort: 8080 },
          ],
        }),
      ),
    ).toEqual([
      `Pod default/p: spec.containers[0].ports[0].containerPort: invalid value 0: ${PORT_RANGE}`,
      'Pod default/p: spec.containers[0].ports[2].hostPort: duplicate value "8080/TCP": host ports must be unique within a pod',
    ]);
  });

  it('container names are DNS-1123 labels, unique in the pod', () => {
    expect(
      errorsOf(
        pod({ containers: [container({ name: 'App' }), container({ name: 'x' }), container({ name: 'x' })] }),
      ),
    ).toEqual([
      `Pod default/p: spec.containers[0].name: invalid value "App": ${DNS1123_LABEL}`,
      'Pod default/p: spec.containers[2].name: duplicate value "x": container names must be unique within a pod',
    ]);
    expect(errorsOf(pod({ containers: [] }))).toEqual([
      'Pod default/p: spec.containers: required value: a pod needs at least one container',
    ]);
  });

  it('probe fields are non-negative; liveness successThreshold is 1', () => {
    expect(
      errorsOf(
        podWith({
          readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: -1 },
          livenessProbe: { httpGet: { port: 'web' }, successThreshold: 2 },
        }),
      ),
    ).toEqual([
      'Pod default/p: spec.containers[0].readinessProbe.periodSeconds: invalid value -1: must be greater than or equal to 0',
      'Pod default/p: spec.containers[0].livenessProbe.successThreshold: invalid value 2: must be 1 for a livenessProbe',
    ]);
  });

  it('a probe has exactly one handler', () => {
    expect(errorsOf(podWith({ readinessProbe: { periodSeconds: 5 } }))).toEqual([
      'Pod default/p: spec.containers[0].readinessProbe: required value: must specify a handler: one of exec, httpGet, tcpSocket, grpc',
    ]);
  });

  it('restart and DNS policies, hostname and subdomain', () => {
    expect(
      errorsOf(
        pod({
          containers: [container()],
          restartPolicy: 'Sometimes',
          dnsPolicy: 'None',
          hostname: 'Web',
          subdomain: 'a.b',
        }),
      ),
    ).toEqual([
      // Issues sort by position; the missing dnsConfig is reported where spec starts.
      'Pod default/p: spec.dnsConfig.nameservers: required value: must provide at least one DNS nameserver when `dnsPolicy` is None',
      'Pod default/p: spec.restartPolicy: unsupported value "Sometimes": supported values: "Always", "OnFailure", "Never"',
      `Pod default/p: spec.hostname: invalid value "Web": ${DNS1123_LABEL}`,
      `Pod default/p: spec.subdomain: invalid value "a.b": ${DNS1123_LABEL}`,
    ]);
  });

  it('status addresses are IPs', () => {
    expect(
      errorsOf({
        ...pod({ containers: [container()] }),
        status: { podIP: '10.244.1.256', podIPs: [{ ip: 'x' }] },
      }),
    ).toEqual([
      'Pod default/p: status.podIP: invalid value "10.244.1.256": must be a valid IP address (e.g. 10.9.8.7 or 2001:db8::ffff)',
      'Pod default/p: status.podIPs[0].ip: invalid value "x": must be a valid IP address (e.g. 10.9.8.7 or 2001:db8::ffff)',
    ]);
  });
});

describe('workloads', () => {
  it('a Deployment selector must match its template labels', () => {
    expect(
      errorsOf(deployment({ selector: { matchLabels: { app: 'web' } }, template: template({ app: 'api' }) })),
    ).toEqual([
      'Deployment default/d: spec.template.metadata.labels: invalid value {"app":"api"}: `selector` does not match template `labels`',
    ]);
  });

  it('a Deployment selector is required and non-empty', () => {
    expect(errorsOf(deployment({ selector: {}, template: template({ app: 'api' }) }))).toEqual([
      'Deployment default/d: spec.selector: invalid value {}: empty selector is invalid for a Deployment',
    ]);
    expect(errorsOf(deployment({ template: template({ app: 'api' }) }))).toEqual([
      'Deployment default/d: spec.selector: required value',
    ]);
  });

  it('rolling update bounds are int-or-percent and not both zero', () => {
    const spec = (rollingUpdate: Json): Json => ({
      selector: { matchLabels: { app: 'a' } },
      template: template({ app: 'a' }),
      strategy: { rollingUpdate },
    });
    expect(errorsOf(deployment(spec({ maxSurge: 0, maxUnavailable: '0%' })))).toEqual([
      'Deployment default/d: spec.strategy.rollingUpdate.maxUnavailable: invalid value "0%": may not be 0 when `maxSurge` is 0',
    ]);
    expect(errorsOf(deployment(spec({ maxSurge: '1.5', maxUnavailable: '150%' })))).toEqual([
      'Deployment default/d: spec.strategy.rollingUpdate.maxSurge: invalid value "1.5": must be an integer or a percentage (e.g. 5 or 10%)',
      'Deployment default/d: spec.strategy.rollingUpdate.maxUnavailable: invalid value "150%": must not be greater than 100%',
    ]);
  });

  it('Deployment pods restart Always; Job pods OnFailure or Never', () => {
    expect(
      errorsOf(
        deployment({
          selector: { matchLabels: { app: 'a' } },
          template: template({ app: 'a' }, { containers: [container()], restartPolicy: 'Never' }),
        }),
      ),
    ).toEqual([
      'Deployment default/d: spec.template.spec.restartPolicy: unsupported value "Never": supported values: "Always"',
    ]);
    expect(
      errorsOf({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'j' },
        spec: { template: { spec: { containers: [container()] } } },
      }),
    ).toEqual([
      'Job default/j: spec.template.spec.restartPolicy: required value: valid values: "OnFailure", "Never"',
    ]);
  });

  it('replica counts are non-negative', () => {
    expect(
      errorsOf({
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 's' },
        spec: {
          replicas: -1,
          serviceName: 's',
          podManagementPolicy: 'Random',
          selector: { matchLabels: { a: 'b' } },
          template: template({ a: 'b' }),
        },
      }),
    ).toEqual([
      'StatefulSet default/s: spec.replicas: invalid value -1: must be greater than or equal to 0',
      'StatefulSet default/s: spec.podManagementPolicy: unsupported value "Random": supported values: "OrderedReady", "Parallel"',
    ]);
  });
});

describe('CIDRs and IPs', () => {
  it('ipBlock cidr must be a CIDR', () => {
    expect(errorsOf(peer({ ipBlock: { cidr: '10.0.0.0/33' } }))).toEqual([
      'NetworkPolicy default/np: spec.ingress[0].from[0].ipBlock.cidr: invalid value "10.0.0.0/33": prefix length must be a number within 0-32',
    ]);
  });

  it('ipBlock except entries must be strict subsets of cidr', () => {
    expect(
      errorsOf(
        peer({ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.1.0/24', '10.1.0.0/24', '10.0.0.0/16'] } }),
      ),
    ).toEqual([
      'NetworkPolicy default/np: spec.ingress[0].from[0].ipBlock.except[1]: invalid value "10.1.0.0/24": must be a strict subset of `cidr` (10.0.0.0/16)',
      'NetworkPolicy default/np: spec.ingress[0].from[0].ipBlock.except[2]: invalid value "10.0.0.0/16": must be a strict subset of `cidr` (10.0.0.0/16)',
    ]);
  });

  it('host bits in an ipBlock are accepted with a warning, as the API server does', () => {
    expect(warningsOf(peer({ ipBlock: { cidr: '10.0.0.5/16' } }))).toEqual([
      'NetworkPolicy default/np: spec.ingress[0].from[0].ipBlock.cidr: non-standard CIDR "10.0.0.5/16": must not have bits set beyond the prefix length (use 10.0.0.0/16); read as 10.0.0.0/16',
    ]);
  });

  it('a Node podCIDR must be a CIDR', () => {
    expect(
      errorsOf({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: { podCIDR: '10.244.1.0' } }),
    ).toEqual([
      'Node n1: spec.podCIDR: invalid value "10.244.1.0": must be a CIDR with a prefix length (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    ]);
  });
});

describe('Ingress', () => {
  const rule = (paths: Json[], host?: string): Json =>
    ingress({ rules: [{ ...(host === undefined ? {} : { host }), http: { paths } }] });

  it('pathType is required and one of Exact, Prefix, ImplementationSpecific', () => {
    expect(errorsOf(rule([{ path: '/', backend }, ingressPath({ pathType: 'Regex' })]))).toEqual([
      'Ingress default/in: spec.rules[0].http.paths[0].pathType: required value: pathType must be specified (Exact, Prefix or ImplementationSpecific)',
      'Ingress default/in: spec.rules[0].http.paths[1].pathType: unsupported value "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"',
    ]);
  });

  it('paths are absolute', () => {
    expect(
      errorsOf(
        rule([
          ingressPath({ path: 'api' }),
          ingressPath({ path: '/a//b' }),
          ingressPath({ path: 'x', pathType: 'ImplementationSpecific' }),
        ]),
      ),
    ).toEqual([
      'Ingress default/in: spec.rules[0].http.paths[0].path: invalid value "api": must be an absolute path',
      'Ingress default/in: spec.rules[0].http.paths[1].path: invalid value "/a//b": must not contain \'//\'',
      'Ingress default/in: spec.rules[0].http.paths[2].path: invalid value "x": must be an absolute path',
    ]);
  });

  it('hosts are DNS names, not IPs', () => {
    expect(errorsOf(rule([ingressPath({})], '10.0.0.1'))).toEqual([
      'Ingress default/in: spec.rules[0].host: invalid value "10.0.0.1": must be a DNS name, not an IP address',
    ]);
  });

  it('a wildcard is allowed only as the whole first label', () => {
    expect(errorsOf(rule([ingressPath({})], '*.example.com'))).toEqual([]);
    expect(errorsOf(rule([ingressPath({})], 'foo.*.example.com'))).toEqual([
      "Ingress default/in: spec.rules[0].host: invalid value \"foo.*.example.com\": a wildcard host must start with '*.' and have '*' only as its whole first label (e.g. '*.example.com')",
    ]);
    expect(errorsOf(rule([ingressPath({})], '*.*.example.com'))).toEqual([
      `Ingress default/in: spec.rules[0].host: invalid value "*.*.example.com": ${DNS1123_SUBDOMAIN}`,
    ]);
  });

  it('a backend names its Service port by number or name, not both', () => {
    expect(
      errorsOf(ingress({ defaultBackend: { service: { name: 'web', port: { number: 80, name: 'http' } } } })),
    ).toEqual([
      'Ingress default/in: spec.defaultBackend.service.port: invalid value {"number":80,"name":"http"}: cannot set both port name & port number',
    ]);
    expect(errorsOf(ingress({}))).toEqual([
      'Ingress default/in: spec: invalid value "no rules": either `defaultBackend` or `rules` must be specified',
    ]);
  });
});

describe('NetworkPolicy', () => {
  it('endPort needs a numeric port, at most endPort', () => {
    expect(errorsOf(policyPort({ port: 'web', endPort: 90 }))).toEqual([
      'NetworkPolicy default/np: spec.ingress[0].ports[0].endPort: invalid value 90: may not be specified when `port` is non-numeric',
    ]);
    expect(errorsOf(policyPort({ port: 100, endPort: 90 }))).toEqual([
      'NetworkPolicy default/np: spec.ingress[0].ports[0].endPort: invalid value 90: must be greater than or equal to `port`',
    ]);
    expect(errorsOf(policyPort({ endPort: 90 }))).toEqual([
      'NetworkPolicy default/np: spec.ingress[0].ports[0].endPort: invalid value 90: may not be specified when `port` is not specified',
    ]);
    expect(errorsOf(policyPort({ port: 80, endPort: 90, protocol: 'UDP' }))).toEqual([]);
  });

  it('ipBlock excludes other peer selectors; a peer must say something', () => {
    expect(errorsOf(peer({ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }))).toEqual([
      'NetworkPolicy default/np: spec.ingress[0].from[0]: forbidden: may not specify both ipBlock and another peer',
    ]);
    expect(errorsOf(peer({}))).toEqual([
      'NetworkPolicy default/np: spec.ingress[0].from[0]: required value: must specify a peer (podSelector, namespaceSelector or ipBlock)',
    ]);
  });

  it('policyTypes are Ingress and Egress', () => {
    expect(errorsOf(policy({ podSelector: {}, policyTypes: ['Ingress', 'Sideways'] }))).toEqual([
      'NetworkPolicy default/np: spec.policyTypes[1]: unsupported value "Sideways": supported values: "Egress", "Ingress"',
    ]);
  });
});

describe('kinds and versions', () => {
  it('a supported kind must use the apiVersion Kubernetes serves it at', () => {
    expect(
      errorsOf({
        apiVersion: 'extensions/v1beta1',
        kind: 'Deployment',
        metadata: { name: 'd' },
        spec: { selector: { matchLabels: { a: 'b' } }, template: template({ a: 'b' }) },
      }),
    ).toEqual([
      'Deployment default/d: apiVersion: invalid value "extensions/v1beta1": Deployment is served as apps/v1',
    ]);
  });

  it('validateObject also works on single objects', () => {
    expect(validateObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ok' } })).toEqual([]);
    expect(validateObject('nope')).toEqual([
      { severity: 'error', path: [], reason: 'must be a map, not string "nope"' },
    ]);
  });
});

describe('many errors at once', () => {
  it('reports every error of a load in one ManifestError, sorted by file and position', () => {
    const text = [
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  name: Web',
      'spec:',
      '  ports:',
      '  - port: 80',
      '    targetPort: 0.5',
      '---',
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: p}',
      'spec:',
      '  containers:',
      '  - name: c',
      '    ports: [{containerPort: 99999}]',
    ].join('\n');
    let error: unknown;
    try {
      parseManifests(text, 'app.yaml');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ManifestError);
    expect(error).toBeInstanceOf(UserError);
    expect((error as ManifestError).message).toBe(
      [
        'invalid manifests (3 errors):',
        `app.yaml:4:9: document 1: Service default/Web: metadata.name: invalid value "Web": ${DNS1035_LABEL}`,
        'app.yaml:8:17: document 1: Service default/Web: spec.ports[0].targetPort: must be an integer or a string, not number 0.5',
        `app.yaml:16:29: document 2: Pod default/p: spec.containers[0].ports[0].containerPort: invalid value 99999: ${PORT_RANGE}`,
      ].join('\n'),
    );
    expect(
      (error as ManifestError).errors.map((issue) => [
        issue.file,
        issue.document,
        issue.line,
        issue.column,
        issue.object,
        issue.path,
      ]),
    ).toEqual([
      ['app.yaml', 1, 4, 9, 'Service default/Web', 'metadata.name'],
      ['app.yaml', 1, 8, 17, 'Service default/Web', 'spec.ports[0].targetPort'],
      ['app.yaml', 2, 16, 29, 'Pod default/p', 'spec.containers[0].ports[0].containerPort'],
    ]);
  });
});

describe('strict: false', () => {
  it('turns rules the simulation can do without into warnings and repairs what it must', () => {
    const objects = [
      service({ ports: [{ port: 80 }, { port: 81 }] }, 'web_svc'),
      pod(
        { containers: [{ image: 'x', ports: [{ name: 'web' }, { containerPort: 80 }] }] },
        { name: 'p', ownerReferences: [{ name: 'owner', controller: true }] },
      ),
    ];
    expect(errorsOf(objects)).toHaveLength(8);
    const text = objects.map((object) => JSON.stringify(object)).join('\n---\n');
    const loaded = parseManifests(text, 'm.yaml', { strict: false });
    expect(loaded.warnings.map((issue) => `${issue.path}: ${issue.reason}`)).toEqual([
      `metadata.name: invalid value "web_svc": ${DNS1035_LABEL} (the API server would reject this)`,
      'spec.ports[0].name: required value: every port of a multi-port Service must be named (the API server would reject this)',
      'spec.ports[1].name: required value: every port of a multi-port Service must be named (the API server would reject this)',
      'metadata.ownerReferences[0].apiVersion: required value (the API server would reject this)',
      'metadata.ownerReferences[0].kind: required value (the API server would reject this)',
      'metadata.ownerReferences[0].uid: required value (the API server would reject this)',
      'spec.containers[0].name: required value (the API server would reject this)',
      'spec.containers[0].ports[0].containerPort: required value (the API server would reject this)',
    ]);
    const loadedPod = loaded.objects[1];
    expect(loadedPod?.kind === 'Pod' && loadedPod.spec.containers[0]).toEqual({
      name: 'container-0',
      image: 'x',
      ports: [{ containerPort: 80, protocol: 'TCP' }],
    });
  });

  it('keeps rejecting what would break the simulation', () => {
    expect(errorsOf(service({ ports: [{ port: 0 }] }), { strict: false })).toEqual([
      `Service default/web: spec.ports[0].port: invalid value 0: ${PORT_RANGE}`,
    ]);
  });
});
