import { describe, expect, it } from 'vitest';
import { controllerIdentityFromArgs } from '../../src/index.js';

describe('controllerIdentityFromArgs', () => {
  it('reads the identity flags in the forms Go flag parsing accepts, leaving the others out', () => {
    expect(
      controllerIdentityFromArgs([
        '/nginx-ingress-controller',
        '--election-id=ingress-nginx-leader',
        '--ingress-class',
        'internal',
        '-controller-class=example.com/internal',
        '--watch-ingress-without-class',
      ]),
    ).toEqual({ className: 'internal', controller: 'example.com/internal', watchIngressWithoutClass: true });
    expect(
      controllerIdentityFromArgs(['--watch-ingress-without-class=false', '--ingress-class-by-name=true']),
    ).toEqual({ watchIngressWithoutClass: false, ingressClassByName: true });
    expect(controllerIdentityFromArgs([])).toEqual({});
  });
});
