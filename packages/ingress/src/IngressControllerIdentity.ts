/**
 * Which Ingresses a controller claims: the flags of ingress-nginx that decide it (`--ingress-class`,
 * `--controller-class`, `--watch-ingress-without-class`, `--ingress-class-by-name`).
 */
export interface IngressControllerIdentity {
  /**
   * The class name (`--ingress-class`): the value the deprecated `kubernetes.io/ingress.class`
   * annotation must carry, and the IngressClass name accepted when {@link ingressClassByName} is on.
   */
  readonly className: string;
  /** The controller value (`--controller-class`) an IngressClass's `spec.controller` must equal. */
  readonly controller: string;
  /** Also claim Ingresses with no class at all (neither `ingressClassName` nor the annotation). */
  readonly watchIngressWithoutClass: boolean;
  /** Also accept an IngressClass named {@link className} whatever its `spec.controller`. */
  readonly ingressClassByName: boolean;
  /**
   * Emulate the API server's DefaultIngressClass admission plugin: an Ingress with neither
   * `ingressClassName` nor the class annotation is read as naming the default IngressClass. On by
   * default because manifests loaded by knsim never went through an API server.
   */
  readonly defaultClassAdmission: boolean;
}

/** The deprecated annotation that names an Ingress's class before `spec.ingressClassName`. */
export const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

/** ingress-nginx's defaults: class `nginx`, controller `k8s.io/ingress-nginx`. */
export const DEFAULT_CONTROLLER_IDENTITY: IngressControllerIdentity = Object.freeze({
  className: 'nginx',
  controller: 'k8s.io/ingress-nginx',
  watchIngressWithoutClass: false,
  ingressClassByName: false,
  defaultClassAdmission: true,
});

/** The identity with every field not given taken from {@link DEFAULT_CONTROLLER_IDENTITY}. */
export function resolveControllerIdentity(
  identity: Partial<IngressControllerIdentity> = {},
): IngressControllerIdentity {
  return Object.freeze({ ...DEFAULT_CONTROLLER_IDENTITY, ...identity });
}
