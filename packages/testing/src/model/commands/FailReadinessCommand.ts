import type { App } from '../../arbitraries/appArb.js';
import type { ClusterModel } from '../ClusterModel.js';
import type { LiveCluster } from '../LiveCluster.js';
import { ClusterCommand, type ClusterCommandSettings } from './ClusterCommand.js';

/**
 * The readiness probes of an app's pods start failing (its workload selector, in its namespace),
 * until a {@link RestoreReadinessCommand}; at most `maxFaults` at a time (default 2). Timeline
 * step: `failReadiness: { namespace, selector, duration }`, the duration filled in when it is
 * restored (none: to the end of the run).
 *
 * @example
 * ```ts
 * new FailReadinessCommand(app).toString(); // 'FailReadiness(shop app=web)'
 * ```
 */
export class FailReadinessCommand extends ClusterCommand {
  constructor(
    readonly app: App,
    settings?: ClusterCommandSettings,
    readonly maxFaults = 2,
  ) {
    super(settings);
  }

  check(model: Readonly<ClusterModel>): boolean {
    return model.faults.length < this.maxFaults;
  }

  protected act(model: ClusterModel, live: LiveCluster): void {
    const { namespace, selector } = this.app;
    const id = live.cluster.failReadiness(selector, namespace);
    const seq = model.nextFault++;
    model.faults.push({ seq, namespace, selector });
    const step = live.record('failReadiness', { namespace, selector });
    live.readinessFaults.set(seq, { id, step });
  }

  toString(): string {
    return `FailReadiness(${this.app.namespace} ${this.app.selector})`;
  }
}
