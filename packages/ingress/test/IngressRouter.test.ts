import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Ingress, PathType, Service } from '@knsim/api';
import { IngressRouter, matchPath, type RouteDecision } from '../src/index.js';
import { ingress, ingressClass, NGINX, path, rule, service } from './fixtures.js';

const SERVICES = ['s1', 's2', 's3', 's4', 'web', 'api', 'fallback', 'other'].map((name) => service(name));

function build(ingresses: readonly Ingress[], services: readonly Service[] = SERVICES): IngressRouter {
  return IngressRouter.build(ingresses, [NGINX], services);
}

// The Service a decision sends to, or its status.
function target(decision: RouteDecision): string {
  switch (decision.kind) {
    case 'backend':
    case 'default-backend':
      return decision.service.name;
    case 'not-found':
      return '404';
    case 'no-service':
      return '503';
  }
}

describe('IngressRouter: the multiple-paths examples of the Kubernetes docs', () => {
  it.each([
    // [rule paths (all Prefix), request, expected service or 404]
    [['/', '/aaa'], '/aaa/ccc', '/aaa'],
    [['/', '/aaa', '/aaa/bbb'], '/aaa/bbb', '/aaa/bbb'],
    [['/', '/aaa', '/aaa/bbb'], '/ccc', '/'],
    [['/aaa'], '/ccc', '404'],
  ])('given Prefix paths %j, when %s is requested, then %s serves it', (paths, request, expected) => {
    // Backend i serves paths[i], so the winning path is read back from the Service name.
    const services = paths.map((_, index) => service(`p${index}`));
    const router = build(
      [ingress('a', [rule('foo.com', ...paths.map((at, index) => path('Prefix', at, `p${index}`)))])],
      services,
    );
    const decision = router.route({ host: 'foo.com', path: request });
    expect(
      decision.kind === 'backend' ? paths[Number(decision.service.name.slice(1))] : target(decision),
    ).toBe(expected);
  });

  it('given /foo as both Prefix and Exact, when /foo is requested, then Exact wins; /foo/ goes to Prefix', () => {
    const router = build([
      ingress('a', [rule('foo.com', path('Prefix', '/foo', 's1'), path('Exact', '/foo', 's2'))]),
    ]);
    expect(target(router.route({ host: 'foo.com', path: '/foo' }))).toBe('s2');
    expect(target(router.route({ host: 'foo.com', path: '/foo/' }))).toBe('s1');
    expect(target(router.route({ host: 'foo.com', path: '/foo/x?y=1' }))).toBe('s1');
  });
});

describe('IngressRouter: location precedence', () => {
  const router = build([
    ingress('a', [
      rule(
        'foo.com',
        path('Prefix', '/', 's1'),
        path('Prefix', '/api', 's2'),
        path('Exact', '/api/v1', 's3'),
        path('ImplementationSpecific', '/api/v1/users', 's4'),
      ),
    ]),
  ]);

  it.each([
    ['/', 's1'],
    ['/apix', 's1'],
    ['/api', 's2'],
    ['/api/', 's2'],
    ['/api/v1', 's3'],
    ['/api/v1/', 's2'],
    ['/api/v1/users', 's4'],
    ['/api/v1/users/7', 's4'],
    ['/api/v1/usersx', 's2'],
    ['/API', 's1'],
  ])('when %s is requested, then %s serves it (longest wins)', (request, expected) => {
    expect(target(router.route({ host: 'foo.com', path: request }))).toBe(expected);
  });

  it('lists the locations in precedence order, with the rule each came from', () => {
    expect(router.format()).toBe(
      [
        'server foo.com (exact)',
        '  Prefix(ImplementationSpecific) /api/v1/users -> default/s4:80  [default/a host=foo.com path=ImplementationSpecific:/api/v1/users]',
        '  Exact  /api/v1 -> default/s3:80  [default/a host=foo.com path=Exact:/api/v1]',
        '  Prefix /api -> default/s2:80  [default/a host=foo.com path=Prefix:/api]',
        '  Prefix / -> default/s1:80  [default/a host=foo.com path=Prefix:/]',
        'server _ (catch-all)',
        '  Prefix / -> 404 (controller default backend)',
      ].join('\n'),
    );
    const [foo] = router.servers;
    expect(foo?.locations.map((location) => [location.match, location.path])).toEqual([
      ['Prefix', '/api/v1/users'],
      ['Exact', '/api/v1'],
      ['Prefix', '/api'],
      ['Prefix', '/'],
    ]);
  });

  it('returns the full decision for a matched rule', () => {
    expect(router.route({ host: 'foo.com:80', path: '/api/v1' })).toEqual({
      kind: 'backend',
      server: 'foo.com',
      ingress: 'default/a',
      rule: 'host=foo.com path=Exact:/api/v1',
      ruleIndex: 0,
      pathIndex: 2,
      service: { namespace: 'default', name: 's3', port: { number: 80 } },
      servicePort: { port: 80 },
    });
  });

  it('agrees with a brute-force reading of the Ingress rules (seed 5201)', () => {
    const segment = fc.constantFrom('a', 'b', 'ab');
    const rulePathArb = fc
      .array(segment, { maxLength: 3 })
      .chain((elements) =>
        fc.boolean().map((trailing) => `/${elements.join('/')}${trailing && elements.length > 0 ? '/' : ''}`),
      );
    const entry = fc.record({
      at: rulePathArb,
      pathType: fc.constantFrom<PathType>('Exact', 'Prefix', 'ImplementationSpecific'),
    });
    const requestArb = fc
      .tuple(
        fc.array(fc.constantFrom('a', 'b', 'ab', 'abc', ''), { maxLength: 4 }),
        fc.constantFrom('', '?q=/a', '/'),
      )
      .map(([elements, tail]) => `/${elements.join('/')}${tail}`);
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 6 }), requestArb, (entries, request) => {
        const services = entries.map((_, index) => service(`s${index}`));
        const router = build(
          [ingress('a', [rule('h.com', ...entries.map((e, index) => path(e.pathType, e.at, `s${index}`)))])],
          services,
        );
        // Reference: every matching path, ranked by the Ingress API (longest, then Exact), first defined
        // wins among equals (a trailing slash does not make a Prefix path longer).
        const length = (e: { at: string; pathType: PathType }) =>
          e.pathType !== 'Exact' && e.at.endsWith('/') ? e.at.length - 1 : e.at.length;
        let best: number | undefined;
        entries.forEach((e, index) => {
          if (!matchPath(e.pathType, e.at, request)) return;
          const current = best === undefined ? undefined : entries[best];
          if (current === undefined) {
            best = index;
            return;
          }
          const longer = length(e) > length(current);
          const exactTie =
            length(e) === length(current) && e.pathType === 'Exact' && current.pathType !== 'Exact';
          if (longer || exactTie) best = index;
        });
        expect(target(router.route({ host: 'h.com', path: request }))).toBe(
          best === undefined ? '404' : `s${best}`,
        );
      }),
      { seed: 5201, numRuns: 1000 },
    );
  });
});

describe('IngressRouter: hosts and servers', () => {
  const router = build([
    ingress('a', [
      rule('foo.bar.com', path('Prefix', '/', 's1')),
      rule('*.bar.com', path('Prefix', '/', 's2')),
      rule(undefined, path('Prefix', '/', 's3'), path('Prefix', '/only-any', 's4')),
    ]),
  ]);

  it.each([
    ['foo.bar.com', '/', 's1'],
    ['FOO.bar.com:443', '/', 's1'],
    ['foo.bar.com.', '/', 's1'],
    ['baz.bar.com', '/', 's2'],
    ['bar.com', '/', 's3'],
    ['x.baz.bar.com', '/', 's3'],
    ['10.0.0.1', '/', 's3'],
    [undefined, '/', 's3'],
    [undefined, '/only-any', 's4'],
  ])(
    'given Host %j, when %s is requested, then %s serves it (exact host beats wildcard beats any)',
    (host, request, expected) => {
      expect(target(router.route({ host, path: request }))).toBe(expected);
    },
  );

  it('sends a request for a known host to that server only: host-less rules do not fill its gaps', () => {
    // ingress-nginx: foo.bar.com has its own server, whose root location is the default backend.
    const partial = build([
      ingress('a', [
        rule('foo.bar.com', path('Prefix', '/app', 's1')),
        rule(undefined, path('Prefix', '/', 's3')),
      ]),
    ]);
    expect(partial.route({ host: 'foo.bar.com', path: '/other' })).toEqual({
      kind: 'not-found',
      status: 404,
      server: 'foo.bar.com',
    });
    expect(target(partial.route({ host: 'unknown.com', path: '/other' }))).toBe('s3');
  });

  it('lists servers exact first, then wildcards, then the catch-all', () => {
    expect(router.servers.map((server) => [server.host, server.kind])).toEqual([
      ['foo.bar.com', 'exact'],
      ['*.bar.com', 'wildcard'],
      ['_', 'catch-all'],
    ]);
  });
});

describe('IngressRouter: several Ingresses', () => {
  it('merges the paths of Ingresses for the same host into one server', () => {
    const router = build([
      ingress('web', [rule('shop.com', path('Prefix', '/', 'web'))]),
      ingress('api', [rule('shop.com', path('Prefix', '/api', 'api'))], { namespace: 'default' }),
    ]);
    expect(router.route({ host: 'shop.com', path: '/api/cart' })).toMatchObject({
      ingress: 'default/api',
      service: { name: 'api' },
    });
    expect(router.route({ host: 'shop.com', path: '/index.html' })).toMatchObject({
      ingress: 'default/web',
      service: { name: 'web' },
    });
  });

  it('gives a host+path defined twice to the oldest Ingress, whatever the input order, and warns', () => {
    const older = ingress('zz-old', [rule('shop.com', path('Prefix', '/api', 's1'))], {
      created: '2025-01-01T00:00:00Z',
    });
    const newer = ingress('aa-new', [rule('shop.com', path('Prefix', '/api/', 's2'))], {
      created: '2025-06-01T00:00:00Z',
    });
    for (const order of [
      [older, newer],
      [newer, older],
    ]) {
      const router = build(order);
      expect(router.route({ host: 'shop.com', path: '/api' })).toMatchObject({ ingress: 'default/zz-old' });
      expect(router.warnings).toEqual([
        {
          ingress: 'default/aa-new',
          message: 'host=shop.com path=Prefix:/api/: ignored, already defined by default/zz-old',
        },
      ]);
    }
  });

  it('breaks creation-time ties by namespace/name, the greater first (as ingress-nginx sorts)', () => {
    const router = build([
      ingress('a', [rule('shop.com', path('Exact', '/x', 's1'))], { created: '2025-01-01T00:00:00Z' }),
      ingress('b', [rule('shop.com', path('Exact', '/x', 's2'))], { created: '2025-01-01T00:00:00Z' }),
    ]);
    expect(router.route({ host: 'shop.com', path: '/x' })).toMatchObject({ ingress: 'default/b' });
  });

  it('keeps the same path with different types from different Ingresses side by side', () => {
    const router = build([
      ingress('a', [rule('shop.com', path('Prefix', '/x', 's1'))]),
      ingress('b', [rule('shop.com', path('Exact', '/x', 's2'))]),
    ]);
    expect(target(router.route({ host: 'shop.com', path: '/x' }))).toBe('s2');
    expect(target(router.route({ host: 'shop.com', path: '/x/y' }))).toBe('s1');
    expect(router.warnings).toEqual([]);
  });

  it('treats ImplementationSpecific and Prefix on the same path as one location (first wins)', () => {
    const router = build([
      ingress('a', [rule('shop.com', path('ImplementationSpecific', '/x', 's1'))], {
        created: '2025-01-01T00:00:00Z',
      }),
      ingress('b', [rule('shop.com', path('Prefix', '/x', 's2'))], { created: '2025-01-02T00:00:00Z' }),
    ]);
    expect(target(router.route({ host: 'shop.com', path: '/x' }))).toBe('s1');
    expect(router.warnings).toHaveLength(1);
  });

  it('leaves out Ingresses of other classes and reports every verdict', () => {
    const router = IngressRouter.build(
      [
        ingress('mine', [rule('shop.com', path('Prefix', '/', 's1'))]),
        ingress('theirs', [rule('shop.com', path('Prefix', '/api', 's2'))], { className: 'traefik' }),
      ],
      [NGINX, ingressClass('traefik', 'traefik.io/ingress-controller')],
      SERVICES,
    );
    expect(target(router.route({ host: 'shop.com', path: '/api' }))).toBe('s1');
    expect(router.claims).toEqual([
      { ingress: 'default/mine', verdict: { claimed: true, via: 'ingressClassName', className: 'nginx' } },
      {
        ingress: 'default/theirs',
        verdict: {
          claimed: false,
          reason: 'IngressClass traefik belongs to controller traefik.io/ingress-controller',
        },
      },
    ]);
  });

  it('routes for a configured identity (class name and controller)', () => {
    const internal = ingressClass('internal', 'example.com/internal-nginx');
    const ingresses = [
      ingress('a', [rule('shop.com', path('Prefix', '/', 's1'))], { className: 'internal' }),
    ];
    expect(
      target(
        IngressRouter.build(ingresses, [NGINX, internal], SERVICES).route({ host: 'shop.com', path: '/' }),
      ),
    ).toBe('404');
    const custom = IngressRouter.build(ingresses, [NGINX, internal], SERVICES, {
      controller: 'example.com/internal-nginx',
    });
    expect(target(custom.route({ host: 'shop.com', path: '/' }))).toBe('s1');
    expect(custom.identity.className).toBe('nginx');
  });
});

describe('IngressRouter: default backends', () => {
  const fallback = { service: { name: 'fallback', port: { number: 80 } } };

  it('given no Ingress, then every request gets the controller 404', () => {
    expect(build([]).route({ host: 'any.com', path: '/' })).toEqual({
      kind: 'not-found',
      status: 404,
      server: '_',
    });
  });

  it('given an Ingress with only a defaultBackend, then it serves every unmatched host', () => {
    const router = build([
      ingress('catch', [], { defaultBackend: fallback }),
      ingress('a', [rule('shop.com', path('Prefix', '/app', 's1'))]),
    ]);
    expect(router.route({ host: 'unknown.com', path: '/x' })).toEqual({
      kind: 'default-backend',
      server: '_',
      ingress: 'default/catch',
      rule: 'defaultBackend',
      service: { namespace: 'default', name: 'fallback', port: { number: 80 } },
      servicePort: { port: 80 },
    });
    // shop.com has its own server, created by an Ingress without defaultBackend: 404.
    expect(target(router.route({ host: 'shop.com', path: '/x' }))).toBe('404');
  });

  it('uses the oldest rule-less defaultBackend for the catch-all server, even over a host-less / path', () => {
    const router = build([
      ingress('first', [], { defaultBackend: fallback, created: '2025-01-01T00:00:00Z' }),
      ingress('second', [], {
        defaultBackend: { service: { name: 'other', port: { number: 80 } } },
        created: '2025-02-01T00:00:00Z',
      }),
      ingress('root', [rule(undefined, path('Prefix', '/', 's1'))], { created: '2024-01-01T00:00:00Z' }),
    ]);
    expect(router.route({ path: '/' })).toMatchObject({ kind: 'default-backend', ingress: 'default/first' });
    expect(router.warnings.map((warning) => warning.ingress)).toEqual(['default/second', 'default/root']);
  });

  it('given an Ingress with rules and a defaultBackend, then it is the fallback of the hosts it created', () => {
    const router = build([
      ingress('a', [rule('shop.com', path('Prefix', '/app', 's1'))], {
        defaultBackend: fallback,
        created: '2025-01-01T00:00:00Z',
      }),
      ingress(
        'b',
        [rule('shop.com', path('Prefix', '/api', 's2')), rule('blog.com', path('Exact', '/feed', 's3'))],
        {
          defaultBackend: { service: { name: 'other', port: { number: 80 } } },
          created: '2025-02-01T00:00:00Z',
        },
      ),
    ]);
    expect(router.route({ host: 'shop.com', path: '/nothing' })).toMatchObject({
      kind: 'default-backend',
      ingress: 'default/a',
      service: { name: 'fallback' },
    });
    expect(router.route({ host: 'blog.com', path: '/nothing' })).toMatchObject({
      kind: 'default-backend',
      ingress: 'default/b',
      service: { name: 'other' },
    });
    // Not the catch-all server: only rule-less Ingresses set that.
    expect(target(router.route({ host: 'unknown.com', path: '/' }))).toBe('404');
  });

  it('lets an explicit / path take over a host default backend', () => {
    const router = build([
      ingress('a', [rule('shop.com', path('Prefix', '/app', 's1'))], { defaultBackend: fallback }),
      ingress('b', [rule('shop.com', path('Prefix', '/', 's2'))], { created: '2030-01-01T00:00:00Z' }),
    ]);
    expect(target(router.route({ host: 'shop.com', path: '/x' }))).toBe('s2');
  });

  it('answers 404 from a host rule without http paths', () => {
    const router = build([ingress('a', [{ host: 'bare.com' }])]);
    expect(router.route({ host: 'bare.com', path: '/' })).toEqual({
      kind: 'not-found',
      status: 404,
      server: 'bare.com',
    });
  });
});

describe('IngressRouter: backends', () => {
  const web = service('web', [
    { name: 'http', port: 80, targetPort: 8080 },
    { name: 'grpc', port: 9090, targetPort: 'grpc' },
  ]);

  it('resolves a port by name to the ServicePort of that name', () => {
    const router = build([ingress('a', [rule('shop.com', path('Prefix', '/', 'web', 'grpc'))])], [web]);
    expect(router.route({ host: 'shop.com', path: '/' })).toMatchObject({
      kind: 'backend',
      service: { namespace: 'default', name: 'web', port: { name: 'grpc' } },
      servicePort: { name: 'grpc', port: 9090, targetPort: 'grpc' },
    });
  });

  it('answers 503 for a missing Service or port, the location still taking the request', () => {
    const router = build(
      [
        ingress('a', [
          rule(
            'shop.com',
            path('Prefix', '/gone', 'missing'),
            path('Prefix', '/bad-port', 'web', 'metrics'),
            path('Prefix', '/', 'web', 80),
          ),
        ]),
      ],
      [web],
    );
    expect(router.route({ host: 'shop.com', path: '/gone/x' })).toEqual({
      kind: 'no-service',
      status: 503,
      server: 'shop.com',
      ingress: 'default/a',
      rule: 'host=shop.com path=Prefix:/gone',
      service: { namespace: 'default', name: 'missing', port: { number: 80 } },
      reason: 'service-not-found',
    });
    expect(router.route({ host: 'shop.com', path: '/bad-port' })).toMatchObject({
      kind: 'no-service',
      reason: 'port-not-found',
    });
    expect(target(router.route({ host: 'shop.com', path: '/ok' }))).toBe('web');
  });

  it('answers 503 for a defaultBackend whose Service is missing', () => {
    const router = build(
      [ingress('a', [], { defaultBackend: { service: { name: 'missing', port: { number: 80 } } } })],
      [],
    );
    expect(router.route({ path: '/' })).toMatchObject({
      kind: 'no-service',
      status: 503,
      rule: 'defaultBackend',
      reason: 'service-not-found',
    });
  });

  it('looks the Service up in the Ingress namespace', () => {
    const router = build(
      [ingress('a', [rule('shop.com', path('Prefix', '/', 'web'))], { namespace: 'shop' })],
      [web],
    );
    expect(router.route({ host: 'shop.com', path: '/' })).toMatchObject({
      kind: 'no-service',
      reason: 'service-not-found',
    });
  });

  it('skips resource backends, so their paths fall through to the next location, and warns', () => {
    const resourcePath = {
      path: '/static',
      pathType: 'Prefix' as const,
      backend: { resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'assets' } },
    };
    const router = build([ingress('a', [rule('shop.com', resourcePath, path('Prefix', '/', 'web'))])], [web]);
    expect(target(router.route({ host: 'shop.com', path: '/static/logo.png' }))).toBe('web');
    expect(router.warnings).toEqual([
      {
        ingress: 'default/a',
        message: 'host=shop.com path=Prefix:/static: resource backend ignored (not a Service)',
      },
    ]);
  });

  it('ignores canary Ingresses and warns about routing annotations it does not emulate', () => {
    const router = build([
      ingress('main', [rule('shop.com', path('Prefix', '/', 's1'))], {
        annotations: { 'nginx.ingress.kubernetes.io/rewrite-target': '/$2' },
      }),
      ingress('canary', [rule('shop.com', path('Prefix', '/', 's2'))], {
        annotations: { 'nginx.ingress.kubernetes.io/canary': 'true' },
      }),
    ]);
    expect(target(router.route({ host: 'shop.com', path: '/' }))).toBe('s1');
    expect(router.warnings).toEqual([
      {
        ingress: 'default/main',
        message: 'annotation nginx.ingress.kubernetes.io/rewrite-target is not emulated',
      },
      { ingress: 'default/canary', message: 'canary Ingress ignored (canaries are not emulated)' },
    ]);
  });
});

describe('IngressRouter: the example of docs/ingress.md', () => {
  it('routes shop.example.com/api/cart to the api Service port named http', () => {
    const api = service('api', [{ name: 'http', port: 80, targetPort: 8080 }], 'shop');
    const shop = ingress(
      'api',
      [rule('shop.example.com', path('Prefix', '/', 'web'), path('Prefix', '/api', 'api', 'http'))],
      { namespace: 'shop' },
    );
    const router = IngressRouter.build([shop], [NGINX], [api, service('web', [{ port: 80 }], 'shop')]);
    expect(router.route({ host: 'shop.example.com:443', path: '/api/cart?id=7' })).toEqual({
      kind: 'backend',
      server: 'shop.example.com',
      ingress: 'shop/api',
      rule: 'host=shop.example.com path=Prefix:/api',
      ruleIndex: 0,
      pathIndex: 1,
      service: { namespace: 'shop', name: 'api', port: { name: 'http' } },
      servicePort: { name: 'http', port: 80, targetPort: 8080 },
    });
  });
});
