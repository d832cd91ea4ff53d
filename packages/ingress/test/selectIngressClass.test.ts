import { describe, expect, it } from 'vitest';
import {
  defaultIngressClass,
  DEFAULT_CONTROLLER_IDENTITY,
  resolveControllerIdentity,
  selectIngressClass,
} from '../src/index.js';
import { ingress, ingressClass, NGINX } from './fixtures.js';

const NONE = { className: '' };
const classAnnotation = (value: string) => ({ annotations: { 'kubernetes.io/ingress.class': value } });

describe('selectIngressClass', () => {
  const identity = DEFAULT_CONTROLLER_IDENTITY;

  it('claims an Ingress whose ingressClassName names an IngressClass with our controller value', () => {
    const verdict = selectIngressClass(ingress('a', []), [NGINX], identity);
    expect(verdict).toEqual({ claimed: true, via: 'ingressClassName', className: 'nginx' });
  });

  it('looks at the IngressClass controller, not at its name', () => {
    const classes = [
      ingressClass('public', 'k8s.io/ingress-nginx'),
      ingressClass('nginx', 'example.com/other'),
    ];
    expect(selectIngressClass(ingress('a', [], { className: 'public' }), classes, identity).claimed).toBe(
      true,
    );
    expect(selectIngressClass(ingress('a', []), classes, identity)).toEqual({
      claimed: false,
      reason: 'IngressClass nginx belongs to controller example.com/other',
    });
    const byName = resolveControllerIdentity({ ingressClassByName: true });
    expect(selectIngressClass(ingress('a', []), classes, byName).claimed).toBe(true);
  });

  it('ignores an Ingress naming a missing IngressClass, even when its annotation is ours', () => {
    const verdict = selectIngressClass(
      ingress('a', [], { className: 'ghost', ...classAnnotation('nginx') }),
      [NGINX],
      identity,
    );
    expect(verdict).toEqual({ claimed: false, reason: 'IngressClass ghost does not exist' });
  });

  it('claims by the deprecated annotation only when it equals our class name', () => {
    expect(
      selectIngressClass(ingress('a', [], { ...NONE, ...classAnnotation('nginx') }), [], identity),
    ).toEqual({
      claimed: true,
      via: 'annotation',
      className: 'nginx',
    });
    expect(
      selectIngressClass(ingress('a', [], { ...NONE, ...classAnnotation('gce') }), [], identity).claimed,
    ).toBe(false);
    expect(
      selectIngressClass(ingress('a', [], { ...NONE, ...classAnnotation('') }), [], identity).claimed,
    ).toBe(false);
  });

  it('gives an Ingress without class the default IngressClass, as the admission plugin would', () => {
    const defaultNginx = ingressClass('nginx', 'k8s.io/ingress-nginx', { isDefault: true });
    expect(selectIngressClass(ingress('a', [], NONE), [defaultNginx], identity)).toEqual({
      claimed: true,
      via: 'default-class',
      className: 'nginx',
    });
    // The default class belongs to someone else: then the Ingress is theirs, even with watch-without-class.
    const otherDefault = ingressClass('traefik', 'traefik.io/ingress-controller', { isDefault: true });
    const watching = resolveControllerIdentity({ watchIngressWithoutClass: true });
    expect(selectIngressClass(ingress('a', [], NONE), [NGINX, otherDefault], watching).claimed).toBe(false);
    // Without the admission emulation, watch-without-class decides.
    const raw = resolveControllerIdentity({ watchIngressWithoutClass: true, defaultClassAdmission: false });
    expect(selectIngressClass(ingress('a', [], NONE), [NGINX, otherDefault], raw)).toEqual({
      claimed: true,
      via: 'without-class',
    });
  });

  it('claims an Ingress without any class only with watchIngressWithoutClass', () => {
    expect(selectIngressClass(ingress('a', [], NONE), [NGINX], identity).claimed).toBe(false);
    const watching = resolveControllerIdentity({ watchIngressWithoutClass: true });
    expect(selectIngressClass(ingress('a', [], NONE), [NGINX], watching)).toEqual({
      claimed: true,
      via: 'without-class',
    });
  });
});

describe('defaultIngressClass', () => {
  it('picks the newest default class, then the first by name, and ignores classes not marked default', () => {
    const old = ingressClass('old', 'x', { isDefault: true, created: '2024-01-01T00:00:00Z' });
    const newer = ingressClass('zeta', 'x', { isDefault: true, created: '2025-01-01T00:00:00Z' });
    const twin = ingressClass('alpha', 'x', { isDefault: true, created: '2025-01-01T00:00:00Z' });
    const plain = ingressClass('plain', 'x', { created: '2026-01-01T00:00:00Z' });
    expect(defaultIngressClass([old, plain])?.metadata.name).toBe('old');
    expect(defaultIngressClass([old, newer, plain])?.metadata.name).toBe('zeta');
    expect(defaultIngressClass([newer, twin, old])?.metadata.name).toBe('alpha');
    expect(defaultIngressClass([plain])).toBeUndefined();
  });
});
