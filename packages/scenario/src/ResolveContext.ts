import type { FieldPath, KubeKind } from '@knsim/api';
import {
  DistributionError,
  formatDuration,
  parseDuration,
  parseDurationDistribution,
  type Duration,
  type DurationDistribution,
} from '@knsim/core';
import type { IssueCollector } from './IssueCollector.js';
import type { ObjectName } from './TimelineStep.js';

/** An object a step or expectation names, checked once every manifest is known. */
export interface Reference {
  readonly kind: KubeKind | 'workload';
  /** `namespace/name` for namespaced kinds, the name otherwise. */
  readonly key: string;
  readonly path: FieldPath;
}

/** What the section resolvers share: the issues, the run's length, the references to check. */
export class ResolveContext {
  readonly references: Reference[] = [];

  constructor(
    readonly issues: IssueCollector,
    /** Folder that relative paths (`include`, `apply: {file}`) are read from. */
    readonly baseDir: string,
    /** The run's duration, µs (undefined when it could not be read). */
    readonly runDuration: Duration | undefined,
  ) {}

  /** Reads a duration; reports a bad one at `path` and returns undefined. */
  duration(value: unknown, path: FieldPath): Duration | undefined {
    if (typeof value !== 'string') return undefined;
    try {
      return parseDuration(value);
    } catch (error) {
      this.issues.error(path, (error as Error).message);
      return undefined;
    }
  }

  /** Reads a distribution; reports a bad one at the path of its faulty field. */
  distribution(value: unknown, path: FieldPath): DurationDistribution | undefined {
    if (value === undefined) return undefined;
    try {
      // A one-segment root, so the error's path (`x.uniform.max`) maps back onto `path`.
      return parseDurationDistribution(value, 'x');
    } catch (error) {
      if (!(error instanceof DistributionError)) throw error;
      const suffix = error.path.replace(/^x\.?/, '');
      this.issues.error([...path, ...suffix.split('.').filter((s) => s !== '')], error.reason);
      return undefined;
    }
  }

  /** A time within the run: reports one past its end. */
  withinRun(time: Duration | undefined, path: FieldPath): void {
    if (time !== undefined && this.runDuration !== undefined && time > this.runDuration)
      this.issues.error(
        path,
        `${formatDuration(time)} is after the end of the run (duration ${formatDuration(this.runDuration)})`,
      );
  }

  /** Reads `NAMESPACE/NAME` (or `NAME`, namespace `default`). */
  objectName(text: string): ObjectName {
    const slash = text.indexOf('/');
    return slash < 0
      ? { namespace: 'default', name: text }
      : { namespace: text.slice(0, slash), name: text.slice(slash + 1) };
  }

  /** Records a reference to check against the manifests, timeline and configuration. */
  refer(kind: Reference['kind'], key: string, path: FieldPath): void {
    this.references.push({ kind, key, path });
  }
}
