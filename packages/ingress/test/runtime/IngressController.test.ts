import { describe, expect, it } from 'vitest';
import { UserError } from '@knsim/core';
import { DEFAULT_INGRESS_NAMESPACE, DEFAULT_INGRESS_SERVICE } from '@knsim/control-plane';
import { INGRESS_BALANCER_POLICY, PROXY_NEXT_UPSTREAM_TRIES } from '../../src/index.js';
import { deployment, ingress, pod, rule, service, setup, userController } from './clusterFixtures.js';

const shop = () => [
  deployment('shop', 'web', 1),
  service('shop', 'web'),
  deployment('shop', 'api', 2),
  service('shop', 'api'),
  ingress('shop', 'main', [rule('shop.example.com', { '/': 'web', '/api': 'api' })]),
];

describe('IngressController.request', () => {
  it("routes by host and path through knsim's controller to a pod of the right Service", () => {
    const { cluster, controller } = setup(shop());
    expect(controller.location?.serviceKey).toBe(`${DEFAULT_INGRESS_NAMESPACE}/${DEFAULT_INGRESS_SERVICE}`);
    expect(controller.identity.watchIngressWithoutClass).toBe(true);
    const api = controller.request({ host: 'shop.example.com', path: '/api/cart?id=7' });
    expect(api).toMatchObject({
      status: 200,
      ingress: 'shop/main',
      rule: 'host=shop.example.com path=Prefix:/api',
      service: 'shop/api',
      servicePort: 80,
      connection: 'connected',
      upstream: 'shop-api-80',
      reason: 'ok',
    });
    expect(api.pod).toMatch(/^shop\/api-/);
    expect(api.controllerPod).toMatch(/^ingress-nginx\/ingress-nginx-controller-/);
    expect(api.hops[0]).toBe('external client 203.0.113.10');
    expect(
      api.hops.some((hop) =>
        hop.startsWith(`controller ${api.controllerPod}: GET shop.example.com/api/cart`),
      ),
    ).toBe(true);
    // The controller dials the endpoint itself: the answering pod's IP and target port.
    const podIp = cluster.state.pods.get(api.pod ?? '')?.podIP;
    expect(api.attempts).toEqual([
      { endpoint: `${podIp}:8080`, pod: api.pod, result: 'connected', reason: 'connected' },
    ]);

    const web = controller.request({ host: 'SHOP.example.com:80', path: '/checkout', from: '198.51.100.9' });
    expect(web).toMatchObject({
      status: 200,
      service: 'shop/web',
      rule: 'host=shop.example.com path=Prefix:/',
    });
    expect(web.pod).toMatch(/^shop\/web-/);
    expect(web.hops[0]).toBe('external client 198.51.100.9');
  });

  it("answers 404 from the controller when no rule matches, and routes a rule-less Ingress's defaultBackend", () => {
    const { controller, cluster } = setup(shop());
    const lbIp = cluster.state.services.get('ingress-nginx/ingress-nginx-controller')?.service.status
      ?.loadBalancer?.ingress?.[0]?.ip;
    // Without a Host header of its own, curl sends the address it dialled: no server matches it.
    const byIp = controller.request({ path: '/' });
    expect(byIp).toMatchObject({
      status: 404,
      host: lbIp,
      ingress: null,
      rule: null,
      service: null,
      servicePort: null,
      pod: null,
    });
    expect(byIp.controllerPod).not.toBeNull();
    expect(controller.request({ host: 'other.example.com', path: '/api' }).status).toBe(404);

    const fallback = setup([
      ...shop(),
      { ...ingress('shop', 'fallback', [], { defaultBackend: 'web' }) },
    ]).controller.request({ host: 'other.example.com', path: '/anything' });
    expect(fallback).toMatchObject({
      status: 200,
      ingress: 'shop/fallback',
      rule: 'defaultBackend',
      service: 'shop/web',
      servicePort: 80,
    });
    expect(fallback.pod).toMatch(/^shop\/web-/);
  });

  it('answers 503 when the Service has no ready endpoint, or does not exist', () => {
    const { controller } = setup([
      deployment('shop', 'web', 0),
      service('shop', 'web'),
      ingress('shop', 'main', [rule('shop.example.com', { '/': 'web', '/gone': 'ghost' })]),
    ]);
    expect(controller.request({ host: 'shop.example.com', path: '/' })).toMatchObject({
      status: 503,
      ingress: 'shop/main',
      service: 'shop/web',
      servicePort: 80,
      pod: null,
      reason: 'no ready endpoints',
      attempts: [],
    });
    expect(controller.request({ host: 'shop.example.com', path: '/gone/x' })).toMatchObject({
      status: 503,
      rule: 'host=shop.example.com path=Prefix:/gone',
      service: 'shop/ghost',
      servicePort: 80,
      pod: null,
      reason: 'the Service does not exist',
    });
  });

  it(`balances round robin (${INGRESS_BALANCER_POLICY}) over the ready endpoints, per controller pod`, () => {
    const { cluster, controller } = setup([
      deployment('shop', 'web', 3),
      service('shop', 'web'),
      ingress('shop', 'main', [rule(undefined, { '/': 'web' })]),
    ]);
    const pods = [...cluster.state.pods.values()]
      .filter((record) => record.namespace === 'shop')
      .sort((a, b) => ((a.podIP ?? '') < (b.podIP ?? '') ? -1 : 1))
      .map((record) => `shop/${record.name}`);
    expect(pods).toHaveLength(3);
    const seen = Array.from(
      { length: 7 },
      () => controller.request({ host: 'any.example.com', path: '/' }).pod,
    );
    expect(seen).toEqual([...pods, ...pods, pods[0]]);
  });

  it('retries a refused endpoint on the next one, and answers 502 when every try is refused', () => {
    const { controller } = setup([
      deployment('shop', 'web', 2),
      // Selected by the Service but listening on 9090 only: connections to 8080 are refused.
      pod('shop', 'deaf', 'web', 9090),
      service('shop', 'web', { targetPort: 8080 }),
      pod('shop', 'lonely', 'lonely', 9090),
      service('shop', 'lonely', { targetPort: 8080 }),
      ingress('shop', 'main', [rule(undefined, { '/': 'web', '/lonely': 'lonely' })]),
    ]);
    const responses = Array.from({ length: 3 }, () => controller.request({ host: 'a.example', path: '/' }));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    const retried = responses.find((response) => response.attempts.length > 1);
    expect(retried?.attempts.map((attempt) => attempt.result)).toEqual(['refused', 'connected']);
    expect(retried?.attempts[0]?.pod).toBe('shop/deaf');
    expect(retried?.reason).toBe('ok after 2 tries');
    expect(responses.every((response) => response.pod !== 'shop/deaf')).toBe(true);

    const failed = controller.request({ path: '/lonely' });
    expect(failed.status).toBe(502);
    expect(failed.pod).toBeNull();
    expect(failed.attempts).toHaveLength(PROXY_NEXT_UPSTREAM_TRIES);
    expect(
      failed.attempts.every((attempt) => attempt.pod === 'shop/lonely' && attempt.result === 'refused'),
    ).toBe(true);
    expect(failed.reason).toMatch(/^3 tries failed, last refused: nothing listens on /);
  });

  it('answers 504 when the endpoint times out (its node just crashed, the slice not yet updated)', () => {
    const { cluster, controller } = setup([
      service('shop', 'web', { targetPort: 8080 }),
      ingress('shop', 'main', [rule(undefined, { '/': 'web' })]),
    ]);
    const controllerNode = cluster.state.pods.get(controller.location?.pods[0] ?? '')?.nodeName;
    const other = ['node-1', 'node-2', 'node-3'].find((node) => node !== controllerNode) as string;
    cluster.apply(pod('shop', 'web-0', 'web', 8080, other));
    cluster.converge();
    expect(controller.request({ path: '/' }).status).toBe(200);
    cluster.crashNode(other);
    const response = controller.request({ path: '/' });
    expect(response.status).toBe(504);
    expect(response.attempts.map((attempt) => attempt.result)).toEqual(['timeout', 'timeout', 'timeout']);
  });

  it('keeps upstream connections alive: reused within 60 s (even after a policy would now deny a new one), reopened after', () => {
    const { cluster, controller } = setup(shop());
    const first = controller.request({ host: 'shop.example.com', path: '/' });
    expect(first.attempts[0]?.reason).toBe('connected');
    const again = controller.request({ host: 'shop.example.com', path: '/' });
    expect(again.attempts[0]?.reason).toBe('reused keep-alive connection');
    // A default-deny ingress policy in shop: established connections survive (conntrack).
    cluster.apply({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'deny', namespace: 'shop' },
      spec: { podSelector: {} },
    });
    cluster.runFor(6_000_000);
    expect(controller.request({ host: 'shop.example.com', path: '/' })).toMatchObject({ status: 200 });
    // Idle past upstream-keepalive-timeout: a new connection, which the policy drops.
    cluster.runFor(61_000_000);
    const later = controller.request({ host: 'shop.example.com', path: '/' });
    expect(later.attempts.map((a) => a.result)).toEqual(['denied', 'denied', 'denied']);
    expect(later.status).toBe(504);
  });

  it('ignores an Ingress of another class (404)', () => {
    const { controller } = setup([
      ...shop(),
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'IngressClass',
        metadata: { name: 'traefik' },
        spec: { controller: 'traefik.io/ingress-controller' },
      },
      ingress('shop', 'other', [rule('traefik.example.com', { '/': 'web' })], { className: 'traefik' }),
    ]);
    expect(controller.request({ host: 'traefik.example.com', path: '/' })).toMatchObject({
      status: 404,
      ingress: null,
    });
    expect(controller.router.claims.find((claim) => claim.ingress === 'shop/other')?.verdict.claimed).toBe(
      false,
    );
  });

  it("serves through a user's own controller (no default added), reading its flags, over a NodePort", () => {
    const { cluster, controller } = setup([
      ...userController('edge', 'router', 'NodePort', ['/nginx-ingress-controller', '--ingress-class=nginx']),
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'IngressClass',
        metadata: { name: 'nginx' },
        spec: { controller: 'k8s.io/ingress-nginx' },
      },
      ...shop().slice(0, 4),
      ingress('shop', 'classy', [rule('shop.example.com', { '/': 'web' })], { className: 'nginx' }),
      ingress('shop', 'classless', [rule('bare.example.com', { '/': 'api' })]),
    ]);
    expect(cluster.state.deployments.has(`${DEFAULT_INGRESS_NAMESPACE}/${DEFAULT_INGRESS_SERVICE}`)).toBe(
      false,
    );
    expect(controller.location?.serviceKey).toBe('edge/router');
    expect(controller.identity.watchIngressWithoutClass).toBe(false);
    const response = controller.request({ host: 'shop.example.com', path: '/', via: 'node-2' });
    expect(response).toMatchObject({ status: 200, service: 'shop/web', ingress: 'shop/classy' });
    expect(response.controllerPod).toMatch(/^edge\/router-/);
    const nodePort = cluster.state.services.get('edge/router')?.service.spec.ports?.[0]?.nodePort;
    const node2 = cluster.state.nodes.get('node-2')?.address;
    expect(controller.request({ path: '/x', via: 'node-2' }).host).toBe(`${node2}:${nodePort}`);
    // ingress-nginx's default: an Ingress without a class is not watched.
    expect(controller.request({ host: 'bare.example.com', path: '/' }).status).toBe(404);
  });

  it('reports a failed connection to the controller as no status', () => {
    const { cluster, controller } = setup(shop());
    const controllerNode = cluster.state.pods.get(controller.location?.pods[0] ?? '')?.nodeName;
    const other = ['node-1', 'node-2', 'node-3'].find((node) => node !== controllerNode) as string;
    // externalTrafficPolicy: Local drops what enters a node without a controller pod.
    const response = controller.request({ host: 'shop.example.com', path: '/', via: other });
    expect(response).toMatchObject({
      status: null,
      connection: 'dropped',
      controllerPod: null,
      ingress: null,
      pod: null,
    });
    expect(response.reason).toMatch(/^connection to the Ingress controller .*:80 dropped: /);
  });

  it('rejects bad requests and a cluster without controller with user errors', () => {
    const { controller } = setup(shop());
    expect(() => controller.request({ path: 'api' })).toThrow(UserError);
    expect(() => controller.request({ path: '/', via: 'node-9' })).toThrow(/no node named node-9/);
    const none = setup([deployment('shop', 'web', 1), service('shop', 'web')]).controller;
    expect(none.location).toBeUndefined();
    expect(() => none.request({ path: '/' })).toThrow(/^no Ingress controller/);
  });

  it('rebuilds its routing table only when Ingresses, IngressClasses or Services change', () => {
    const { cluster, controller } = setup(shop());
    const router = controller.router;
    cluster.scale('Deployment', 'shop', 'web', 2);
    cluster.converge();
    expect(controller.router).toBe(router);
    cluster.apply(ingress('shop', 'late', [rule('late.example.com', { '/': 'api' })]));
    expect(controller.router).not.toBe(router);
    expect(controller.request({ host: 'late.example.com', path: '/' }).service).toBe('shop/api');
  });
});
