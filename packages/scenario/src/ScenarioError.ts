import { UserError } from '@knsim/core';

/** One problem with a scenario (or a manifest it includes), with where it is. */
export interface ScenarioIssue {
  readonly severity: 'error' | 'warning';
  /**
   * The file the problem is in (the scenario file, an included manifest file), or the command-line
   * override that brought the value (`--set proxy.policy=x`).
   */
  readonly file: string;
  /** 1-based line and column, when known. */
  readonly line?: number;
  readonly column?: number;
  /** 1-based YAML document within an included manifest file. */
  readonly document?: number;
  /** The Kubernetes object concerned (`Deployment shop/web`), for manifest problems. */
  readonly object?: string;
  /** The field: `timeline[2].scale.replicas`, or a manifest's `spec.ports[0].port`. */
  readonly path?: string;
  readonly reason: string;
}

/** One issue as a line: `file:line:column: [document N: ][object: ]path: reason`. */
export function formatScenarioIssue(issue: ScenarioIssue): string {
  let where = issue.file;
  if (issue.line !== undefined) where += `:${issue.line}:${issue.column ?? 1}`;
  const parts = [where];
  if (issue.document !== undefined) parts.push(`document ${issue.document}`);
  if (issue.object !== undefined) parts.push(issue.object);
  if (issue.path !== undefined && issue.path !== '') parts.push(issue.path);
  parts.push(issue.reason);
  return parts.join(': ');
}

/** Orders issues by file, then position, then text, so messages are stable. */
export function compareScenarioIssues(a: ScenarioIssue, b: ScenarioIssue): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  const byPosition =
    (a.document ?? 0) - (b.document ?? 0) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0);
  if (byPosition !== 0) return byPosition;
  const textA = formatScenarioIssue(a);
  const textB = formatScenarioIssue(b);
  return textA < textB ? -1 : textA > textB ? 1 : 0;
}

/**
 * Everything wrong with a scenario, thrown once so the user sees every problem: YAML syntax,
 * schema violations, bad durations, unknown references, missing includes and invalid manifests.
 * The message has one line per error, `file:line:column: path: reason`, sorted by position.
 */
export class ScenarioError extends UserError {
  override readonly name = 'ScenarioError';
  /** The errors, sorted. */
  readonly issues: readonly ScenarioIssue[];
  /** Warnings found on the way (skipped manifest kinds...), sorted. */
  readonly warnings: readonly ScenarioIssue[];

  constructor(issues: readonly ScenarioIssue[], warnings: readonly ScenarioIssue[] = [], file?: string) {
    const sorted = [...issues].sort(compareScenarioIssues);
    const count = sorted.length === 1 ? '1 error' : `${sorted.length} errors`;
    super(
      `invalid scenario${file === undefined ? '' : ` ${file}`} (${count}):\n${sorted.map((issue) => `  ${formatScenarioIssue(issue)}`).join('\n')}`,
    );
    this.issues = sorted;
    this.warnings = [...warnings].sort(compareScenarioIssues);
  }
}
