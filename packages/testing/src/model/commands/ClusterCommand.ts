import type fc from 'fast-check';
import { formatDuration, SECOND, type Duration } from '@knsim/core';
import { formatViolation } from '../../invariants/Violation.js';
import type { ClusterModel } from '../ClusterModel.js';
import type { LiveCluster } from '../LiveCluster.js';
import { modelViolations, type ModelCheckPhase } from '../modelViolations.js';

/**
 * Your own model assertions, run after every command next to the built-in ones: return (or
 * resolve to) one message per mismatch, or nothing. `phase` says whether the cluster has just
 * converged (`converged`) or is mid-churn (`step`).
 *
 * @example
 * ```ts
 * const check: ModelCheck = (model, live, phase) =>
 *   phase === 'converged' && readyEndpoints(live, 'shop/web').length === 0 ? ['web has no endpoint'] : [];
 * ```
 */
export type ModelCheck = (
  model: Readonly<ClusterModel>,
  live: LiveCluster,
  phase: ModelCheckPhase,
) => readonly string[] | void | Promise<readonly string[] | void>;

/**
 * What every command shares: how long it lets the cluster run after acting, and the extra
 * assertions to run.
 *
 * @example
 * ```ts
 * const settings: ClusterCommandSettings = { stepTime: 2 * SECOND };
 * ```
 */
export interface ClusterCommandSettings {
  /** Virtual time run after each command before the checks (then to the next half second). Default 1 s. */
  readonly stepTime?: Duration;
  /** Your own model assertions (see {@link ModelCheck}). */
  readonly check?: ModelCheck;
}

/**
 * The error a command throws when an invariant or a model assertion fails: which command, when,
 * and every problem found (invariant violations formatted as `invariant at T: message`, model
 * mismatches prefixed `model:`).
 */
export class ClusterCheckError extends Error {
  override readonly name = 'ClusterCheckError';
  constructor(
    /** The command after which the check failed (its `toString()`). */
    readonly command: string,
    readonly problems: readonly string[],
    at: string,
  ) {
    super(`after ${command} (at ${at}):\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
  }
}

/**
 * Runs every check on the live cluster (the invariants of `LiveCluster.violations`, the built-in
 * model assertions of {@link modelViolations}, then `settings.check`) and throws a
 * {@link ClusterCheckError} listing every problem.
 *
 * @example
 * ```ts
 * await verifyLiveCluster(model, live, 'step', {}, 'ScaleCommand(...)');
 * ```
 */
export async function verifyLiveCluster(
  model: Readonly<ClusterModel>,
  live: LiveCluster,
  phase: ModelCheckPhase,
  settings: ClusterCommandSettings,
  command: string,
): Promise<void> {
  const problems = [
    ...live.violations().map(formatViolation),
    ...modelViolations(model, live, phase).map((problem) => `model: ${problem}`),
    ...((await settings.check?.(model, live, phase)) ?? []).map((problem) => `model: ${problem}`),
  ];
  if (problems.length > 0) throw new ClusterCheckError(command, problems, formatDuration(live.now));
}

/**
 * The shape of every command of {@link clusterCommandsArb}: `check` is the precondition on the
 * model, `act` performs the cluster command, updates the model and records the scenario step;
 * `run` then lets the cluster run `stepTime` (to the next half second) and checks the
 * invariants and the model. Extend it for commands of your own.
 *
 * @example
 * ```ts
 * class RestartCoreDns extends ClusterCommand {
 *   check(): boolean {
 *     return true;
 *   }
 *   protected act(_model: ClusterModel, live: LiveCluster): void {
 *     live.cluster.rollout('Deployment', 'kube-system', 'coredns');
 *     live.record('rollout', { deployment: 'kube-system/coredns', restart: true });
 *   }
 *   toString(): string {
 *     return 'RestartCoreDns';
 *   }
 * }
 * ```
 */
export abstract class ClusterCommand implements fc.AsyncCommand<ClusterModel, LiveCluster> {
  constructor(protected readonly settings: ClusterCommandSettings = {}) {}

  abstract check(model: Readonly<ClusterModel>): boolean;

  /** Performs the command on the cluster, updates the model, records the timeline step. */
  protected abstract act(model: ClusterModel, live: LiveCluster): void;

  /** Which checks follow the command: mid-churn (`step`) by default. */
  protected phase(): ModelCheckPhase {
    return 'step';
  }

  /** How the command lets time pass after acting: `stepTime`, then to the next half second. */
  protected pass(live: LiveCluster): void {
    live.advance(this.settings.stepTime ?? SECOND);
    live.align();
  }

  async run(model: ClusterModel, live: LiveCluster): Promise<void> {
    this.act(model, live);
    this.pass(live);
    await verifyLiveCluster(model, live, this.phase(), this.settings, this.toString());
  }

  abstract toString(): string;
}
