import type { ObjectMeta } from './ObjectMeta.js';

/** The annotation that makes an IngressClass the default for Ingresses without a class. */
export const DEFAULT_INGRESS_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';

/** An IngressClass: names the controller that implements Ingresses of this class. */
export interface IngressClass {
  readonly apiVersion: 'networking.k8s.io/v1';
  readonly kind: 'IngressClass';
  readonly metadata: ObjectMeta;
  readonly spec?: {
    /** A domain-prefixed path such as `k8s.io/ingress-nginx`. */
    readonly controller?: string;
    readonly parameters?: {
      readonly apiGroup?: string;
      readonly kind: string;
      readonly name: string;
      readonly scope?: 'Cluster' | 'Namespace';
      readonly namespace?: string;
    };
  };
}

/** True when the class carries the default-class annotation with the value `true`. */
export function isDefaultIngressClass(ingressClass: IngressClass): boolean {
  return ingressClass.metadata.annotations?.[DEFAULT_INGRESS_CLASS_ANNOTATION] === 'true';
}
