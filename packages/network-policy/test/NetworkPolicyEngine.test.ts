import { describe, expect, it } from 'vitest';
import { NetworkPolicyEngine, type PolicyEndpoint } from '../src/index.js';
import { at, pod, policy, tcp } from './support.js';

const client = pod('app', 'client', { role: 'client' }, { ips: ['10.0.1.5'], nodeName: 'node-1' });
const server = pod(
  'app',
  'server',
  { role: 'server' },
  {
    ips: ['10.0.2.7', 'fd00::2:7'],
    nodeName: 'node-2',
    containerPorts: [
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'dns', containerPort: 5353, protocol: 'UDP' },
    ],
  },
);
const other = pod('other', 'probe', { role: 'client' }, { ips: ['10.0.3.9'] });
const external = (ip: string): PolicyEndpoint => ({ kind: 'external', ip });
const selectServer = { matchLabels: { role: 'server' } };
const selectClient = { matchLabels: { role: 'client' } };

describe('isolation', () => {
  it('given no policy, when any pod connects, then it is allowed and nothing is isolated', () => {
    const engine = NetworkPolicyEngine.compile([]);
    expect(engine.evaluate(tcp(at(client), at(server), 80))).toMatchObject({ allowed: true, policies: [] });
    expect(engine.isolation(server)).toEqual({ ingress: false, egress: false });
  });

  it('given a policy without policyTypes or egress, then it isolates ingress only (API server default)', () => {
    const engine = NetworkPolicyEngine.compile([policy('app', 'deny', { podSelector: selectServer })]);
    expect(engine.isolation(server)).toEqual({ ingress: true, egress: false });
    expect(engine.isolation(client)).toEqual({ ingress: false, egress: false });
    expect(engine.evaluate(tcp(at(server), at(client), 80)).allowed).toBe(true);
    expect(engine.evaluate(tcp(at(client), at(server), 80))).toMatchObject({
      allowed: false,
      deniedBy: 'ingress',
      policies: ['app/deny'],
    });
  });

  it('given a policy with egress rules and no policyTypes, then it isolates both directions', () => {
    const engine = NetworkPolicyEngine.compile([policy('app', 'p', { egress: [{ ports: [{ port: 53 }] }] })]);
    expect(engine.isolation(client)).toEqual({ ingress: true, egress: true });
  });

  it('given `egress: []` and no policyTypes, then egress is not isolated', () => {
    const engine = NetworkPolicyEngine.compile([policy('app', 'p', { egress: [] })]);
    expect(engine.isolation(client)).toEqual({ ingress: true, egress: false });
  });

  it('given policyTypes [Egress] only, then ingress stays open', () => {
    const engine = NetworkPolicyEngine.compile([policy('app', 'p', { policyTypes: ['Egress'] })]);
    expect(engine.isolation(client)).toEqual({ ingress: false, egress: true });
    expect(engine.evaluate(tcp(at(client), at(server), 80))).toMatchObject({
      allowed: false,
      deniedBy: 'egress',
    });
    expect(engine.evaluate(tcp(at(other), at(server), 80)).allowed).toBe(true);
  });

  it('given a policy in another namespace, then it never selects the pod', () => {
    const engine = NetworkPolicyEngine.compile([policy('other', 'deny-all')]);
    expect(engine.isolation(server)).toEqual({ ingress: false, egress: false });
  });

  it('given `ingress: []` then all is denied, and given `ingress: [{}]` then all is allowed', () => {
    const deny = NetworkPolicyEngine.compile([policy('app', 'p', { ingress: [] })]);
    const allow = NetworkPolicyEngine.compile([policy('app', 'p', { ingress: [{}] })]);
    for (const connection of [
      tcp(at(client), at(server), 80),
      tcp(external('8.8.8.8'), at(server), 1, 'UDP'),
    ]) {
      expect(deny.evaluate(connection).allowed).toBe(false);
      expect(allow.evaluate(connection)).toMatchObject({ allowed: true, policies: ['app/p'] });
    }
  });

  it('given two policies selecting a pod, then what either allows is allowed (union, no order)', () => {
    const engine = NetworkPolicyEngine.compile([
      policy('app', 'b-web', { podSelector: selectServer, ingress: [{ ports: [{ port: 80 }] }] }),
      policy('app', 'a-deny', { podSelector: selectServer, ingress: [] }),
    ]);
    expect(engine.evaluate(tcp(at(client), at(server), 80))).toMatchObject({
      allowed: true,
      policies: ['app/b-web'],
    });
    expect(engine.evaluate(tcp(at(client), at(server), 81))).toMatchObject({
      allowed: false,
      policies: ['app/a-deny', 'app/b-web'],
    });
  });

  it('given egress allowed but ingress denied (or the reverse), then the connection is denied', () => {
    const engine = NetworkPolicyEngine.compile([
      policy('app', 'client-out', { podSelector: selectClient, policyTypes: ['Egress'], egress: [{}] }),
      policy('app', 'server-in', { podSelector: selectServer, ingress: [] }),
    ]);
    expect(engine.evaluate(tcp(at(client), at(server), 80))).toMatchObject({
      allowed: false,
      deniedBy: 'ingress',
    });
    const reverse = NetworkPolicyEngine.compile([
      policy('app', 'client-out', { podSelector: selectClient, policyTypes: ['Egress'] }),
      policy('app', 'server-in', { podSelector: selectServer, ingress: [{}] }),
    ]);
    expect(reverse.evaluate(tcp(at(client), at(server), 80))).toMatchObject({
      allowed: false,
      deniedBy: 'egress',
      policies: ['app/client-out'],
    });
  });
});

describe('peers', () => {
  const namespaces = [
    { name: 'app', labels: { team: 'a' } },
    { name: 'other', labels: { team: 'b' } },
  ];

  it('given podSelector alone, then only pods of the policy namespace match', () => {
    const engine = NetworkPolicyEngine.compile(
      [
        policy('app', 'p', {
          podSelector: selectServer,
          ingress: [{ from: [{ podSelector: selectClient }] }],
        }),
      ],
      namespaces,
    );
    expect(engine.evaluate(tcp(at(client), at(server), 80)).allowed).toBe(true);
    expect(engine.evaluate(tcp(at(other), at(server), 80)).allowed).toBe(false);
  });

  it('given namespaceSelector alone, then every pod of the matching namespaces matches', () => {
    const engine = NetworkPolicyEngine.compile(
      [policy('app', 'p', { ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'b' } } }] }] })],
      namespaces,
    );
    expect(engine.evaluate(tcp(at(other), at(server), 80)).allowed).toBe(true);
    expect(engine.evaluate(tcp(at(client), at(server), 80)).allowed).toBe(false);
  });

  it('given both selectors in one peer, then both must hold (AND); as two peers, either (OR)', () => {
    const and = NetworkPolicyEngine.compile(
      [
        policy('app', 'p', {
          ingress: [
            { from: [{ namespaceSelector: { matchLabels: { team: 'b' } }, podSelector: selectServer }] },
          ],
        }),
      ],
      namespaces,
    );
    expect(and.evaluate(tcp(at(other), at(server), 80)).allowed).toBe(false);
    const or = NetworkPolicyEngine.compile(
      [
        policy('app', 'p', {
          ingress: [
            { from: [{ namespaceSelector: { matchLabels: { team: 'b' } } }, { podSelector: selectServer }] },
          ],
        }),
      ],
      namespaces,
    );
    expect(or.evaluate(tcp(at(other), at(server), 80)).allowed).toBe(true);
    expect(or.evaluate(tcp(at(client), at(server), 80)).allowed).toBe(false);
  });

  it('given a namespace not listed, then it carries only kubernetes.io/metadata.name', () => {
    const engine = NetworkPolicyEngine.compile([
      policy('app', 'p', {
        ingress: [
          { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'other' } } }] },
        ],
      }),
    ]);
    expect(engine.evaluate(tcp(at(other), at(server), 80)).allowed).toBe(true);
    expect(engine.namespaceLabels('other')).toEqual({ 'kubernetes.io/metadata.name': 'other' });
  });

  it('given a listed namespace without the name label, then the label is added', () => {
    const engine = NetworkPolicyEngine.compile([], [{ name: 'other', labels: { team: 'b' } }]);
    expect(engine.namespaceLabels('other')).toEqual({ team: 'b', 'kubernetes.io/metadata.name': 'other' });
  });

  it('given a namespace relabelled, when the engine takes the new labels, then the verdict follows', () => {
    const before = NetworkPolicyEngine.compile(
      [
        policy('app', 'p', {
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { trusted: 'yes' } } }] }],
        }),
      ],
      namespaces,
    );
    expect(before.evaluate(tcp(at(other), at(server), 80)).allowed).toBe(false);
    const after = before.withNamespaces([{ name: 'other', labels: { team: 'b', trusted: 'yes' } }]);
    expect(after.evaluate(tcp(at(other), at(server), 80)).allowed).toBe(true);
    expect(before.evaluate(tcp(at(other), at(server), 80)).allowed).toBe(false);
  });

  it('given a pod relabelled, then its isolation follows without recompiling', () => {
    const engine = NetworkPolicyEngine.compile([policy('app', 'p', { podSelector: selectServer })]);
    expect(engine.isolation(client).ingress).toBe(false);
    expect(engine.isolation({ ...client, labels: { role: 'server' } }).ingress).toBe(true);
  });

  it('given an empty from/to, then every peer matches (pods, nodes and external addresses)', () => {
    const engine = NetworkPolicyEngine.compile([
      policy('app', 'p', { podSelector: selectServer, ingress: [{ from: [], ports: [{ port: 80 }] }] }),
    ]);
    expect(engine.evaluate(tcp(external('1.2.3.4'), at(server), 80)).allowed).toBe(true);
    expect(engine.evaluate(tcp(at(other), at(server), 80)).allowed).toBe(true);
  });
});

describe('ipBlock', () => {
  const blockPolicy = (cidr: string, except?: string[]) =>
    NetworkPolicyEngine.compile([
      policy('app', 'p', {
        podSelector: selectServer,
        ingress: [{ from: [{ ipBlock: except === undefined ? { cidr } : { cidr, except } }] }],
      }),
    ]);

  it('given cidr minus except, then addresses inside the except are refused', () => {
    const engine = blockPolicy('192.168.0.0/16', ['192.168.1.0/24']);
    expect(engine.evaluate(tcp(external('192.168.2.1'), at(server), 80)).allowed).toBe(true);
    expect(engine.evaluate(tcp(external('192.168.1.1'), at(server), 80)).allowed).toBe(false);
    expect(engine.evaluate(tcp(external('10.0.0.1'), at(server), 80)).allowed).toBe(false);
  });

  it('given an ipBlock, then it matches pod IPs too', () => {
    const engine = blockPolicy('10.0.1.0/24');
    expect(engine.evaluate(tcp(at(client), at(server), 80)).allowed).toBe(true);
    expect(engine.evaluate(tcp(at(other), at(server), 80)).allowed).toBe(false);
  });

  it('given a pod endpoint naming the address used, then only that address is tested', () => {
    const engine = blockPolicy('10.0.2.0/24');
    const dualStack = pod('app', 'dual', {}, { ips: ['10.0.2.9', 'fd00::9'] });
    expect(engine.evaluate(tcp({ kind: 'pod', pod: dualStack }, at(server), 80)).allowed).toBe(true);
    expect(engine.evaluate(tcp({ kind: 'pod', pod: dualStack, ip: 'fd00::9' }, at(server), 80)).allowed).toBe(
      false,
    );
  });

  it('given an IPv6 ipBlock, then IPv6 addresses match and IPv4 ones never do', () => {
    const engine = blockPolicy('2001:db8::/32', ['2001:db8:bad::/48']);
    expect(engine.evaluate(tcp(external('2001:db8:1::1'), at(server), 80)).allowed).toBe(true);
    expect(engine.evaluate(tcp(external('2001:db8:bad::1'), at(server), 80)).allowed).toBe(false);
    expect(engine.evaluate(tcp(external('10.0.0.1'), at(server), 80)).allowed).toBe(false);
  });

  it('given an egress ipBlock, then node and external destinations match by their IP', () => {
    const engine = NetworkPolicyEngine.compile([
      policy('app', 'p', {
        podSelector: selectClient,
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '172.16.0.0/12' } }] }],
      }),
    ]);
    const node: PolicyEndpoint = { kind: 'node', nodeName: 'node-9', ip: '172.16.0.9' };
    expect(engine.evaluate(tcp(at(client), node, 10250)).allowed).toBe(true);
    expect(engine.evaluate(tcp(at(client), external('8.8.8.8'), 53, 'UDP')).allowed).toBe(false);
  });
});

describe('ports', () => {
  const withPorts = (
    ports: NonNullable<NonNullable<Parameters<typeof policy>[2]>['ingress']>[number]['ports'],
  ) =>
    NetworkPolicyEngine.compile([
      policy('app', 'p', { podSelector: selectServer, ingress: [ports === undefined ? {} : { ports }] }),
    ]);

  it('given a port without protocol, then it is TCP', () => {
    const engine = withPorts([{ port: 80 }]);
    expect(engine.evaluate(tcp(at(client), at(server), 80)).allowed).toBe(true);
    expect(engine.evaluate(tcp(at(client), at(server), 80, 'UDP')).allowed).toBe(false);
  });

  it('given a protocol without port, then every port of that protocol is allowed', () => {
    const engine = withPorts([{ protocol: 'UDP' }]);
    expect(engine.evaluate(tcp(at(client), at(server), 1, 'UDP')).allowed).toBe(true);
    expect(engine.evaluate(tcp(at(client), at(server), 65535, 'UDP')).allowed).toBe(true);
    expect(engine.evaluate(tcp(at(client), at(server), 53, 'TCP')).allowed).toBe(false);
  });

  it('given SCTP- or UDP-only rules, then the pod is isolated and no TCP is admitted', () => {
    const engine = withPorts([
      { protocol: 'SCTP', port: 9000 },
      { protocol: 'UDP', port: 53 },
    ]);
    expect(engine.isolation(server).ingress).toBe(true);
    expect(engine.evaluate(tcp(at(client), at(server), 9000, 'SCTP')).allowed).toBe(true);
    expect(engine.evaluate(tcp(at(client), at(server), 9000)).allowed).toBe(false);
    expect(engine.evaluate(tcp(at(client), at(server), 53)).allowed).toBe(false);
  });

  it('given endPort, then the range is inclusive at both ends', () => {
    const engine = withPorts([{ port: 32000, endPort: 32768 }]);
    expect(
      [31999, 32000, 32500, 32768, 32769].map(
        (port) => engine.evaluate(tcp(at(client), at(server), port)).allowed,
      ),
    ).toEqual([false, true, true, true, false]);
  });

  it('given an ingress named port, then it resolves against the destination pod with the same protocol', () => {
    const engine = withPorts([{ port: 'http' }, { port: 'dns', protocol: 'UDP' }]);
    expect(engine.evaluate(tcp(at(client), at(server), 8080)).allowed).toBe(true);
    expect(engine.evaluate(tcp(at(client), at(server), 80)).allowed).toBe(false);
    expect(engine.evaluate(tcp(at(client), at(server), 5353, 'UDP')).allowed).toBe(true);
    expect(engine.evaluate(tcp(at(client), at(server), 5353, 'TCP')).allowed).toBe(false);
    const tcpDns = withPorts([{ port: 'dns' }]);
    expect(tcpDns.evaluate(tcp(at(client), at(server), 5353, 'UDP')).allowed).toBe(false);
    // The pod's `dns` is UDP: a TCP rule naming it admits nothing, not even TCP 5353.
    expect(tcpDns.evaluate(tcp(at(client), at(server), 5353, 'TCP')).allowed).toBe(false);
    expect(tcpDns.connectionsBetween(at(client), at(server)).allowed.isEmpty).toBe(true);
  });

  it('given an egress named port, then it resolves on the destination pod, and never to a non-pod', () => {
    const engine = NetworkPolicyEngine.compile([
      policy('app', 'p', {
        podSelector: selectClient,
        policyTypes: ['Egress'],
        egress: [{ ports: [{ port: 'http' }] }],
      }),
    ]);
    expect(engine.evaluate(tcp(at(client), at(server), 8080)).allowed).toBe(true);
    const noPorts = pod('app', 'bare', { role: 'server' });
    expect(engine.evaluate(tcp(at(client), at(noPorts), 8080)).allowed).toBe(false);
    expect(engine.evaluate(tcp(at(client), external('1.1.1.1'), 8080)).allowed).toBe(false);
  });
});

describe('node traffic', () => {
  const engine = NetworkPolicyEngine.compile([
    policy('app', 'deny', { podSelector: selectServer, ingress: [] }),
  ]);

  it("given an ingress-isolated pod, then traffic from its own node's IP is allowed", () => {
    const verdict = engine.evaluate(
      tcp({ kind: 'node', nodeName: 'node-2', ip: '192.0.2.2' }, at(server), 8080),
    );
    expect(verdict.allowed).toBe(true);
    expect(verdict.reason).toContain('own node');
  });

  it('given another node, then the policy applies', () => {
    expect(
      engine.evaluate(tcp({ kind: 'node', nodeName: 'node-1', ip: '192.0.2.1' }, at(server), 8080)),
    ).toMatchObject({
      allowed: false,
      deniedBy: 'ingress',
    });
  });
});

describe('explain', () => {
  const engine = NetworkPolicyEngine.compile([
    policy('app', 'web', {
      podSelector: selectServer,
      ingress: [
        { from: [{ podSelector: { matchLabels: { role: 'nobody' } } }] },
        {
          from: [{ ipBlock: { cidr: '10.9.0.0/16' } }, { podSelector: selectClient }],
          ports: [{ port: 'http' }],
        },
      ],
    }),
  ]);

  it('given an allowed connection, then it names the rule and the peer and port that matched', () => {
    const explanation = engine.explain(tcp(at(client), at(server), 8080));
    expect(explanation.verdict.allowed).toBe(true);
    expect(explanation.egress.text).toBe('egress: allowed (no policy selects app/client for egress)');
    expect(explanation.ingress.policies[0]?.rules.map((rule) => rule.text)).toEqual([
      'ingress rule #1: no peer matches, any port',
      'ingress rule #2: peer #2 (namespace app and podSelector {role=client}) matches, port TCP http matches: admits',
    ]);
    expect(explanation.ingress.policies[0]?.rules[1]).toMatchObject({ peer: 1, port: 0, allowed: true });
  });

  it('given a denied connection, then it says which policies isolate and that no rule admits it', () => {
    const explanation = engine.explain(tcp(at(client), at(server), 9090));
    expect(explanation.verdict).toMatchObject({ allowed: false, deniedBy: 'ingress', policies: ['app/web'] });
    expect(explanation.ingress.text).toBe(
      'ingress: denied (app/server is isolated by app/web and no rule admits TCP 9090)',
    );
  });
});

describe('connectionsBetween', () => {
  it('given several rules, then it returns their union with the granting rules, intersected across directions', () => {
    const engine = NetworkPolicyEngine.compile([
      policy('app', 'in', {
        podSelector: selectServer,
        ingress: [
          { ports: [{ port: 'http' }, { port: 9000, endPort: 9010 }] },
          { ports: [{ protocol: 'UDP' }] },
        ],
      }),
      policy('app', 'out', {
        podSelector: selectClient,
        policyTypes: ['Egress'],
        egress: [{ ports: [{ port: 9005, endPort: 20000 }] }],
      }),
    ]);
    const report = engine.connectionsBetween(at(client), at(server));
    expect(report.ingress.allowed.toString()).toBe('TCP 8080,9000-9010,UDP 1-65535');
    expect(report.egress.allowed.toString()).toBe('TCP 9005-20000');
    expect(report.allowed.toString()).toBe('TCP 9005-9010');
    expect(report.ingress.grants.map((grant) => `${grant.policy}#${grant.rule}`)).toEqual([
      'app/in#0',
      'app/in#1',
    ]);
  });
});
