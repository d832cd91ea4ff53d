import { describe, expect, it } from 'vitest';
import type { Service } from '@knsim/api';
import { resolveServiceBackend, serviceBackendRef } from '../src/index.js';
import { service } from './fixtures.js';

const web = service('web', [
  { name: 'http', port: 80, targetPort: 8080 },
  { name: 'admin', port: 9000, targetPort: 'admin' },
]);
const index = new Map<string, Service>([['default/web', web]]);

describe('resolveServiceBackend', () => {
  it.each([
    [{ number: 80 }, { found: true, servicePort: web.spec.ports?.[0] }],
    [{ name: 'admin' }, { found: true, servicePort: web.spec.ports?.[1] }],
    [{ number: 8080 }, { found: false, reason: 'port-not-found' }],
    [{ name: 'metrics' }, { found: false, reason: 'port-not-found' }],
  ])('given port %j of an existing Service, then %j', (port, expected) => {
    const ref = serviceBackendRef('default', { service: { name: 'web', port } });
    expect(ref === undefined ? undefined : resolveServiceBackend(ref, index)).toEqual(expected);
  });

  it('reports a Service missing in the Ingress namespace, and has no reference for resource backends', () => {
    const ref = serviceBackendRef('other', { service: { name: 'web', port: { number: 80 } } });
    expect(ref).toEqual({ namespace: 'other', name: 'web', port: { number: 80 } });
    expect(ref === undefined ? undefined : resolveServiceBackend(ref, index)).toEqual({
      found: false,
      reason: 'service-not-found',
    });
    expect(
      serviceBackendRef('default', { resource: { kind: 'Bucket', name: 'b', apiGroup: 'x.io' } }),
    ).toBeUndefined();
  });
});
