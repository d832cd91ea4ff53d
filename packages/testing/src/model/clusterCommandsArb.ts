import fc from 'fast-check';
import { SECOND } from '@knsim/core';
import type { App } from '../arbitraries/appArb.js';
import type { ClusterModel } from './ClusterModel.js';
import type { LiveCluster } from './LiveCluster.js';
import { AdvanceTimeCommand } from './commands/AdvanceTimeCommand.js';
import type { ClusterCommandSettings, ModelCheck } from './commands/ClusterCommand.js';
import { ConvergeCommand } from './commands/ConvergeCommand.js';
import { CordonCommand } from './commands/CordonCommand.js';
import { CrashNodeCommand } from './commands/CrashNodeCommand.js';
import { DrainCommand } from './commands/DrainCommand.js';
import { FailReadinessCommand } from './commands/FailReadinessCommand.js';
import { KillPodCommand } from './commands/KillPodCommand.js';
import { PartitionNodeCommand } from './commands/PartitionNodeCommand.js';
import { RecoverNodeCommand } from './commands/RecoverNodeCommand.js';
import { RestoreReadinessCommand } from './commands/RestoreReadinessCommand.js';
import { RolloutCommand } from './commands/RolloutCommand.js';
import { ScaleCommand } from './commands/ScaleCommand.js';
import { UncordonCommand } from './commands/UncordonCommand.js';

/** The commands {@link clusterCommandsArb} can generate. */
export type ClusterCommandKind =
  | 'scale'
  | 'rollout'
  | 'killPod'
  | 'crashNode'
  | 'partitionNode'
  | 'recoverNode'
  | 'cordon'
  | 'uncordon'
  | 'drain'
  | 'failReadiness'
  | 'restoreReadiness'
  | 'advanceTime'
  | 'converge';

/** Every {@link ClusterCommandKind}. */
export const CLUSTER_COMMAND_KINDS: readonly ClusterCommandKind[] = [
  'scale',
  'rollout',
  'killPod',
  'crashNode',
  'partitionNode',
  'recoverNode',
  'cordon',
  'uncordon',
  'drain',
  'failReadiness',
  'restoreReadiness',
  'advanceTime',
  'converge',
];

/**
 * What the commands act on: the workloads (from your manifests, see `appsFromManifests`) and the
 * node names.
 *
 * @example
 * ```ts
 * const context: ClusterCommandsContext = { apps: appsFromManifests(manifests), nodes: ['node-1', 'node-2'] };
 * ```
 */
export interface ClusterCommandsContext {
  readonly apps: readonly App[];
  readonly nodes: readonly string[];
}

/**
 * Options of {@link clusterCommandsArb}.
 *
 * @example
 * ```ts
 * const options: ClusterCommandsOptions = { maxCommands: 10, kinds: ['scale', 'crashNode', 'recoverNode', 'converge'] };
 * ```
 */
export interface ClusterCommandsOptions extends ClusterCommandSettings {
  /** Most commands in a sequence. Default 10. */
  readonly maxCommands?: number;
  /** Which commands to generate. Default {@link CLUSTER_COMMAND_KINDS}. */
  readonly kinds?: readonly ClusterCommandKind[];
  /** Most replicas a scale sets. Default 4. */
  readonly maxReplicas?: number;
  /** Longest `AdvanceTimeCommand`, in seconds (from 1 s). Default 120. */
  readonly maxAdvanceSeconds?: number;
  /** Most readiness faults outstanding at once. Default 2. */
  readonly maxFaults?: number;
  /** Your own model assertions, run after every command. */
  readonly check?: ModelCheck;
  /** fast-check's size of the sequences (`'max'`: up to `maxCommands` often). Default fast-check's. */
  readonly size?: fc.SizeForArbitrary;
}

/**
 * Sequences of commands that churn your cluster (`fc.commands`): scale, rollouts (restart or new
 * image), container kills, node crash/partition/recover, cordon/uncordon/drain, readiness faults
 * and their end, time passing, and convergence. Each command's precondition reads the
 * {@link ClusterModel} (a node is only recovered when down...); each runs the real command on a
 * {@link LiveCluster}, lets it run a little, and checks every invariant and the model. Shrinking
 * drops commands and simplifies their arguments. Run them with `fc.asyncModelRun`, or use
 * {@link checkClusterModel}, which also turns a failure into a scenario file.
 *
 * @example
 * ```ts
 * const apps = appsFromManifests(manifests);
 * await fc.assert(
 *   fc.asyncProperty(clusterCommandsArb({ apps, nodes: ['node-1', 'node-2', 'node-3'] }), async (commands) => {
 *     const live = LiveCluster.start({ config: { nodes: 3 }, manifests });
 *     await fc.asyncModelRun(() => ({ model: createClusterModel(apps, live), real: live }), commands);
 *   }),
 *   { seed: 42, numRuns: 10 },
 * );
 * ```
 */
export function clusterCommandsArb(
  context: ClusterCommandsContext,
  options: ClusterCommandsOptions = {},
): fc.Arbitrary<Iterable<fc.AsyncCommand<ClusterModel, LiveCluster>>> {
  const kinds = new Set(options.kinds ?? CLUSTER_COMMAND_KINDS);
  const settings: ClusterCommandSettings = {
    ...(options.stepTime === undefined ? {} : { stepTime: options.stepTime }),
    ...(options.check === undefined ? {} : { check: options.check }),
  };
  const { apps, nodes } = context;
  const app = apps.length === 0 ? undefined : fc.constantFrom(...apps);
  const node = nodes.length === 0 ? undefined : fc.constantFrom(...nodes);
  const arbs: fc.Arbitrary<fc.AsyncCommand<ClusterModel, LiveCluster>>[] = [];
  const has = (kind: ClusterCommandKind): boolean => kinds.has(kind);
  if (app !== undefined) {
    if (has('scale'))
      arbs.push(
        fc
          .tuple(app, fc.integer({ min: 0, max: options.maxReplicas ?? 4 }))
          .map(([a, replicas]) => new ScaleCommand(a, replicas, settings)),
      );
    if (has('rollout'))
      arbs.push(
        fc
          .tuple(app, fc.option(fc.integer({ min: 2, max: 9 }), { nil: undefined }))
          .map(([a, version]) => new RolloutCommand(a, version, settings)),
      );
    if (has('killPod'))
      arbs.push(fc.tuple(app, fc.nat({ max: 15 })).map(([a, pick]) => new KillPodCommand(a, pick, settings)));
    if (has('failReadiness'))
      arbs.push(app.map((a) => new FailReadinessCommand(a, settings, options.maxFaults ?? 2)));
  }
  if (has('restoreReadiness'))
    arbs.push(fc.nat({ max: 3 }).map((pick) => new RestoreReadinessCommand(pick, settings)));
  if (node !== undefined) {
    const perNode: [ClusterCommandKind, (n: string) => fc.AsyncCommand<ClusterModel, LiveCluster>][] = [
      ['crashNode', (n) => new CrashNodeCommand(n, settings)],
      ['partitionNode', (n) => new PartitionNodeCommand(n, settings)],
      ['recoverNode', (n) => new RecoverNodeCommand(n, settings)],
      ['cordon', (n) => new CordonCommand(n, settings)],
      ['uncordon', (n) => new UncordonCommand(n, settings)],
      ['drain', (n) => new DrainCommand(n, settings)],
    ];
    for (const [kind, make] of perNode) if (has(kind)) arbs.push(node.map(make));
  }
  if (has('advanceTime'))
    arbs.push(
      fc
        .integer({ min: 1, max: options.maxAdvanceSeconds ?? 120 })
        .map((seconds) => new AdvanceTimeCommand(seconds * SECOND, settings)),
    );
  if (has('converge')) arbs.push(fc.constant(new ConvergeCommand(settings)));
  if (arbs.length === 0)
    throw new Error('clusterCommandsArb: no command to generate (no apps, no nodes, or no kinds)');
  return fc.commands(arbs, {
    maxCommands: options.maxCommands ?? 10,
    ...(options.size === undefined ? {} : { size: options.size }),
  });
}
