/**
 * Model-based testing over the running simulation: a live cluster to drive, a small model of it,
 * `fc.commands` that churn your workloads and nodes while checking every invariant and the model
 * after each command, and a runner whose failures become replayable scenario files.
 *
 * @module
 */
export { LiveCluster, type LiveClusterOptions, type RecordedStep } from './LiveCluster.js';
export {
  createClusterModel,
  faultsOn,
  podOfApp,
  workloadKey,
  type ClusterModel,
  type ModelNode,
  type ModelNodeState,
  type ModelReadinessFault,
  type ModelWorkload,
} from './ClusterModel.js';
export { readyEndpoints, type ReadyEndpoint } from './readyEndpoints.js';
export { modelViolations, nodeDownDetectionBound, type ModelCheckPhase } from './modelViolations.js';
export {
  ClusterCheckError,
  ClusterCommand,
  verifyLiveCluster,
  type ClusterCommandSettings,
  type ModelCheck,
} from './commands/ClusterCommand.js';
export { ScaleCommand } from './commands/ScaleCommand.js';
export { RolloutCommand } from './commands/RolloutCommand.js';
export { KillPodCommand } from './commands/KillPodCommand.js';
export { NodeDownCommand } from './commands/NodeDownCommand.js';
export { CrashNodeCommand } from './commands/CrashNodeCommand.js';
export { PartitionNodeCommand } from './commands/PartitionNodeCommand.js';
export { RecoverNodeCommand } from './commands/RecoverNodeCommand.js';
export { CordonCommand } from './commands/CordonCommand.js';
export { UncordonCommand } from './commands/UncordonCommand.js';
export { DrainCommand } from './commands/DrainCommand.js';
export { FailReadinessCommand } from './commands/FailReadinessCommand.js';
export { RestoreReadinessCommand } from './commands/RestoreReadinessCommand.js';
export { AdvanceTimeCommand } from './commands/AdvanceTimeCommand.js';
export { ConvergeCommand } from './commands/ConvergeCommand.js';
export { workloadRef } from './commands/workloadRef.js';
export {
  CLUSTER_COMMAND_KINDS,
  clusterCommandsArb,
  type ClusterCommandKind,
  type ClusterCommandsContext,
  type ClusterCommandsOptions,
} from './clusterCommandsArb.js';
export { checkClusterModel, ClusterModelFailure, type ClusterModelOptions } from './checkClusterModel.js';
