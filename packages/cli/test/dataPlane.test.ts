import { describe, expect, it } from 'vitest';
import { run, tempFile, webApp } from './support.js';

const manifests = `
apiVersion: v1
kind: Pod
metadata: { name: client, namespace: shop }
spec: { containers: [{ name: c, image: curl }] }
---${webApp()}`;

const file = (): string => tempFile('app.yaml', manifests);

describe('knsim connect', () => {
  it('prints exactly the documented JSON fields for a connection through a Service', async () => {
    const result = await run(
      'connect',
      '-f',
      file(),
      '--from',
      'shop/client',
      '--to',
      'service/shop/web:80',
      '--json',
    );
    expect(result.code).toBe(0);
    const json = JSON.parse(result.out) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(
      expect.arrayContaining([
        'result',
        'backend',
        'candidates',
        'masqueraded',
        'sourceIPSeenByBackend',
        'node',
        'hops',
      ]),
    );
    expect(json['result']).toBe('connected');
    expect(json['candidates']).toHaveLength(2);
    expect((json['backend'] as { port: number }).port).toBe(8080);
  });

  it('resolves a DNS name as the source pod would, and reports a name that does not resolve as nxdomain', async () => {
    const path = file();
    const byName = JSON.parse(
      (await run('connect', '-f', path, '--from', 'shop/client', '--to', 'web:80', '--json')).out,
    ) as { result: string };
    expect(byName.result).toBe('connected');
    const missing = await run(
      'connect',
      '-f',
      path,
      '--from',
      'shop/client',
      '--to',
      'api.example.com:443',
      '--json',
    );
    expect(missing.code).toBe(0);
    expect(JSON.parse(missing.out)).toMatchObject({ result: 'nxdomain', backend: null });
  });

  it('reports REJECT as refused and bad targets as user errors', async () => {
    const path = file();
    const refused = await run(
      'connect',
      '-f',
      path,
      '--from',
      'shop/client',
      '--to',
      'service/default/kubernetes:80',
      '--json',
    );
    expect(JSON.parse(refused.out)).toMatchObject({ result: 'timeout' });
    const bad = await run('connect', '-f', path, '--from', 'shop/client', '--to', 'nowhere');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^knsim: invalid --to "nowhere"/);
    const badFrom = await run('connect', '-f', path, '--from', 'shop/ghost', '--to', '10.0.0.1:80');
    expect(badFrom.code).toBe(2);
  });
});

describe('knsim dns', () => {
  it('answers one query, or walks the pod resolver listing every query tried', async () => {
    const path = file();
    const direct = JSON.parse((await run('dns', '-f', path, 'web.shop.svc.cluster.local', '--json')).out) as {
      rcode: string;
      answer: { name: string; type: string; data: string }[];
      tried: unknown[];
    };
    expect(direct.rcode).toBe('NOERROR');
    expect(direct.answer[0]).toMatchObject({ name: 'web.shop.svc.cluster.local.', type: 'A' });
    expect(direct.tried).toHaveLength(1);
    const walked = JSON.parse(
      (await run('dns', 'api.example.com', '-f', path, '--from', 'shop/client', '--json')).out,
    ) as {
      rcode: string;
      tried: { name: string; rcode: string }[];
    };
    expect(walked.rcode).toBe('NXDOMAIN');
    expect(walked.tried.map((t) => t.name)).toEqual([
      'api.example.com.shop.svc.cluster.local.',
      'api.example.com.svc.cluster.local.',
      'api.example.com.cluster.local.',
      'api.example.com.',
    ]);
    const srv = JSON.parse(
      (await run('dns', '-f', path, '_http._tcp.web.shop.svc.cluster.local', '--type', 'SRV', '--json')).out,
    ) as {
      answer: { data: string }[];
    };
    expect(srv.answer[0]?.data).toMatch(/^0 100 80 web\.shop\.svc\.cluster\.local\.$/);
  });
});
