/**
 * @knsim/core: the deterministic discrete-event kernel knsim is built on. It knows nothing of
 * Kubernetes: a virtual clock, an event queue, named seeded random streams, an event log with
 * an NDJSON codec, an immer-backed store and an rxjs scheduler in virtual time.
 *
 * @packageDocumentation
 */
export {
  DAY,
  DurationParseError,
  formatDuration,
  HOUR,
  MICROSECOND,
  MILLISECOND,
  MINUTE,
  parseDuration,
  SECOND,
  toDuration,
  type Duration,
  type Instant,
} from './duration.js';
export { EventQueue, type TimerHandle } from './EventQueue.js';
export { RandomStream, RandomStreams } from './RandomStream.js';
export { canonicalJson } from './canonicalJson.js';
export { RESERVED_EVENT_FIELDS, type AnyEvent, type EventShape, type LoggedEvent } from './LoggedEvent.js';
export {
  digestLog,
  encodeEvent,
  encodeHeader,
  encodeLog,
  LOG_FORMAT_NAME,
  LOG_FORMAT_VERSION,
  LogDigest,
  makeLogHeader,
  sha256,
  type LogHeader,
} from './logCodec.js';
export { decodeLog, LogFormatError, readLogFile, type DecodedLog } from './readLog.js';
export { LogWriter, type LogWriterOptions } from './LogWriter.js';
export { EventLog, type LogSink } from './EventLog.js';
export { fold, Store, type Evolve, type Projection } from './Store.js';
export { PersistentMap } from './PersistentMap.js';
export { KernelScheduler } from './KernelScheduler.js';
export { CommandRejected, type Decider } from './Decider.js';
export { isUserError, UserError } from './UserError.js';
export {
  Simulation,
  type Component,
  type ComponentContext,
  type RunOptions,
  type RunResult,
  type SimulationOptions,
  type StopReason,
} from './Simulation.js';
export {
  DistributionError,
  maxDuration,
  meanDuration,
  parseDurationDistribution,
  sampleDuration,
  type DurationDistribution,
  type DurationDistributionSpec,
} from './DurationDistribution.js';
export type { Draft } from 'immer';
