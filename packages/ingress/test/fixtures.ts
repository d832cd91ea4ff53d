import type {
  HttpIngressPath,
  Ingress,
  IngressClass,
  IngressRule,
  PathType,
  Service,
  StringMap,
} from '@knsim/api';

/** A path to a Service port by number (or by name when `port` is a string). */
export function path(
  pathType: PathType,
  at: string | undefined,
  service: string,
  port: number | string = 80,
): HttpIngressPath {
  const backend = {
    service: { name: service, port: typeof port === 'number' ? { number: port } : { name: port } },
  };
  return at === undefined ? { pathType, backend } : { path: at, pathType, backend };
}

/** A rule for `host` (undefined: every host) with these paths. */
export function rule(host: string | undefined, ...paths: HttpIngressPath[]): IngressRule {
  return host === undefined ? { http: { paths } } : { host, http: { paths } };
}

export interface IngressOptions {
  readonly namespace?: string;
  readonly created?: string;
  readonly className?: string;
  readonly annotations?: StringMap;
  readonly defaultBackend?: Ingress['spec']['defaultBackend'];
}

/** An Ingress of class `nginx` (unless told otherwise) with these rules. */
export function ingress(name: string, rules: readonly IngressRule[], options: IngressOptions = {}): Ingress {
  const className = options.className ?? 'nginx';
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name,
      namespace: options.namespace ?? 'default',
      ...(options.created === undefined ? {} : { creationTimestamp: options.created }),
      ...(options.annotations === undefined ? {} : { annotations: options.annotations }),
    },
    spec: {
      ...(className === '' ? {} : { ingressClassName: className }),
      ...(options.defaultBackend === undefined ? {} : { defaultBackend: options.defaultBackend }),
      ...(rules.length === 0 ? {} : { rules }),
    },
  };
}

/** A ClusterIP Service with ports `{name, port}`. */
export function service(
  name: string,
  ports: readonly {
    readonly name?: string;
    readonly port: number;
    readonly targetPort?: number | string;
  }[] = [{ port: 80 }],
  namespace = 'default',
): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { selector: { app: name }, ports },
  };
}

/** An IngressClass for `controller`, default when `isDefault`. */
export function ingressClass(
  name: string,
  controller = 'k8s.io/ingress-nginx',
  options: { readonly isDefault?: boolean; readonly created?: string } = {},
): IngressClass {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: {
      name,
      ...(options.isDefault === true
        ? { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } }
        : {}),
      ...(options.created === undefined ? {} : { creationTimestamp: options.created }),
    },
    spec: { controller },
  };
}

/** The `nginx` IngressClass of ingress-nginx. */
export const NGINX = ingressClass('nginx');
