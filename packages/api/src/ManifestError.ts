import { UserError } from '@knsim/core';

/** How bad an issue is: errors stop the load, warnings are reported and loading goes on. */
export type IssueSeverity = 'error' | 'warning';

/** One problem found while loading manifests, with everything needed to find it. */
export interface ManifestIssue {
  readonly severity: IssueSeverity;
  /** The file as given to the loader (`<stdin>` for standard input). */
  readonly file: string;
  /** 1-based number of the YAML document within the file (absent for file-level problems). */
  readonly document?: number;
  /** 0-based index within a List document's `items`, for objects that came from a List. */
  readonly item?: number;
  /** 1-based line of the offending node (or the nearest enclosing one), when known. */
  readonly line?: number;
  /** 1-based column, when known. */
  readonly column?: number;
  /** The object, as `Kind namespace/name` (or `Kind name` when cluster-scoped). */
  readonly object?: string;
  /** The field, e.g. `spec.ports[1].targetPort`. */
  readonly path?: string;
  readonly reason: string;
}

/** One issue as a line: `file:line:col: document N[, item I]: Kind ns/name: path: reason`. */
export function formatManifestIssue(issue: ManifestIssue): string {
  let where = issue.file;
  if (issue.line !== undefined) where += `:${issue.line}:${issue.column ?? 1}`;
  const parts = [where];
  if (issue.document !== undefined) {
    parts.push(
      issue.item === undefined
        ? `document ${issue.document}`
        : `document ${issue.document}, item ${issue.item}`,
    );
  }
  if (issue.object !== undefined) parts.push(issue.object);
  if (issue.path !== undefined && issue.path !== '') parts.push(issue.path);
  parts.push(issue.reason);
  return parts.join(': ');
}

function compareOptional(a: number | undefined, b: number | undefined): number {
  return (a ?? -1) - (b ?? -1);
}

/** Orders issues by file, then document, then position, then text. */
export function compareManifestIssues(a: ManifestIssue, b: ManifestIssue): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  const byPosition =
    compareOptional(a.document, b.document) ||
    compareOptional(a.line, b.line) ||
    compareOptional(a.column, b.column) ||
    compareOptional(a.item, b.item);
  if (byPosition !== 0) return byPosition;
  const textA = formatManifestIssue(a);
  const textB = formatManifestIssue(b);
  return textA < textB ? -1 : textA > textB ? 1 : 0;
}

/**
 * Everything wrong with one load, thrown once at the end so the user sees every problem at
 * once. The message has one line per error, sorted by file and position.
 */
export class ManifestError extends UserError {
  override readonly name = 'ManifestError';
  /** The errors, sorted. */
  readonly errors: readonly ManifestIssue[];
  /** The warnings of the same load, sorted. */
  readonly warnings: readonly ManifestIssue[];

  constructor(errors: readonly ManifestIssue[], warnings: readonly ManifestIssue[] = []) {
    const sorted = [...errors].sort(compareManifestIssues);
    const count = sorted.length === 1 ? '1 error' : `${sorted.length} errors`;
    super(`invalid manifests (${count}):\n${sorted.map(formatManifestIssue).join('\n')}`);
    this.errors = sorted;
    this.warnings = [...warnings].sort(compareManifestIssues);
  }
}
