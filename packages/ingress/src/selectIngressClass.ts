import type { Ingress, IngressClass } from '@knsim/api';
import { defaultIngressClass } from './defaultIngressClass.js';
import { INGRESS_CLASS_ANNOTATION, type IngressControllerIdentity } from './IngressControllerIdentity.js';

/**
 * Whether a controller claims an Ingress, and why.
 *
 * `via` says what made it ours: `ingressClassName` (it names one of our IngressClasses),
 * `default-class` (it has no class and the default IngressClass, assigned as the admission plugin
 * would, is ours), `annotation` (`kubernetes.io/ingress.class` equals our class name) or
 * `without-class` (no class at all, and the controller watches Ingresses without class).
 */
export type IngressClassVerdict =
  | {
      readonly claimed: true;
      readonly via: 'ingressClassName' | 'default-class' | 'annotation' | 'without-class';
      /** The IngressClass or annotation value; absent for `without-class`. */
      readonly className?: string;
    }
  | { readonly claimed: false; readonly reason: string };

function isOurs(ingressClass: IngressClass, identity: IngressControllerIdentity): boolean {
  // ingress-nginx only keeps IngressClasses with its controller value (or, with
  // --ingress-class-by-name, the one named like its class) in its store; others do not exist for it.
  if (ingressClass.spec?.controller === identity.controller) return true;
  return identity.ingressClassByName && ingressClass.metadata.name === identity.className;
}

function byName(
  name: string,
  ingressClasses: readonly IngressClass[],
  identity: IngressControllerIdentity,
  via: 'ingressClassName' | 'default-class',
): IngressClassVerdict {
  const named = ingressClasses.find((candidate) => candidate.metadata.name === name);
  if (named === undefined) return { claimed: false, reason: `IngressClass ${name} does not exist` };
  if (!isOurs(named, identity)) {
    return {
      claimed: false,
      reason: `IngressClass ${name} belongs to controller ${named.spec?.controller ?? '(none)'}`,
    };
  }
  return { claimed: true, via, className: name };
}

/**
 * Decides whether the controller `identity` handles `ingress`, in ingress-nginx's order:
 * `spec.ingressClassName` first (and only it, when set: the annotation is then not consulted), then
 * the deprecated annotation, then, for an Ingress with no class at all, the default IngressClass
 * (when {@link IngressControllerIdentity.defaultClassAdmission} is on) or `watchIngressWithoutClass`.
 */
export function selectIngressClass(
  ingress: Ingress,
  ingressClasses: readonly IngressClass[],
  identity: IngressControllerIdentity,
): IngressClassVerdict {
  const className = ingress.spec.ingressClassName;
  if (className !== undefined) return byName(className, ingressClasses, identity, 'ingressClassName');

  const annotation = ingress.metadata.annotations?.[INGRESS_CLASS_ANNOTATION];
  if (annotation !== undefined) {
    // Compared as is: an empty value is not ours either (ingress-nginx's code, despite its comment).
    return annotation === identity.className
      ? { claimed: true, via: 'annotation', className: annotation }
      : {
          claimed: false,
          reason: `annotation ${INGRESS_CLASS_ANNOTATION}=${annotation} names another class`,
        };
  }

  if (identity.defaultClassAdmission) {
    // The admission plugin would have written the default class into spec.ingressClassName, after
    // which only that class counts, even with watchIngressWithoutClass.
    const fallback = defaultIngressClass(ingressClasses);
    if (fallback !== undefined) {
      return byName(fallback.metadata.name ?? '', ingressClasses, identity, 'default-class');
    }
  }
  if (identity.watchIngressWithoutClass) return { claimed: true, via: 'without-class' };
  return {
    claimed: false,
    reason: 'no ingress class (and the controller does not watch Ingresses without class)',
  };
}
