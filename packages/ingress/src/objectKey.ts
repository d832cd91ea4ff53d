import { DEFAULT_NAMESPACE, type ObjectMeta } from '@knsim/api';

/** `namespace/name`, the key ingress-nginx names Ingresses and Services by. */
export function objectKey(object: { readonly metadata: ObjectMeta }): string {
  return `${object.metadata.namespace ?? DEFAULT_NAMESPACE}/${object.metadata.name ?? ''}`;
}
