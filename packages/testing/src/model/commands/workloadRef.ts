import type { App } from '../../arbitraries/appArb.js';

/**
 * How a scenario step names an app's workload: `{ deployment: 'ns/name' }` or
 * `{ statefulSet: 'ns/name' }`.
 *
 * @example
 * ```ts
 * workloadRef(app); // { deployment: 'shop/web' }
 * ```
 */
export function workloadRef(app: Pick<App, 'kind' | 'namespace' | 'name'>): Record<string, string> {
  return { [app.kind === 'Deployment' ? 'deployment' : 'statefulSet']: `${app.namespace}/${app.name}` };
}
