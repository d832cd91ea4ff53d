import type { FieldPath } from '@knsim/api';
import type { ScenarioIssue } from './ScenarioError.js';
import type { SourceLocator } from './SourceLocator.js';

function startsWith(path: FieldPath, prefix: FieldPath): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => String(segment) === String(path[i]));
}

/**
 * Collects every problem of one parse with its position, so the parser can go on after the first
 * one and report them all together. Remembers which paths had errors so later stages skip a
 * section the schema already rejected (one mistake, one message).
 */
export class IssueCollector {
  readonly errors: ScenarioIssue[] = [];
  readonly warnings: ScenarioIssue[] = [];
  readonly #errorPaths: FieldPath[] = [];
  readonly #seen = new Set<string>();

  constructor(readonly locator: SourceLocator) {}

  #push(issue: ScenarioIssue, path: FieldPath | undefined): void {
    const key = JSON.stringify(issue);
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    if (issue.severity === 'error') {
      this.errors.push(issue);
      if (path !== undefined) this.#errorPaths.push(path);
    } else {
      this.warnings.push(issue);
    }
  }

  /** An error at the node of `path`. */
  error(path: FieldPath, reason: string): void {
    const { path: text, ...at } = this.locator.locate(path);
    this.#push({ severity: 'error', ...at, path: text, reason }, path);
  }

  /** An error at the key `key` of the map at `path` (an unknown field). */
  errorAtKey(path: FieldPath, key: string, reason: string): void {
    const { path: text, ...at } = this.locator.locateKey(path, key);
    this.#push({ severity: 'error', ...at, path: text, reason }, [...path, key]);
  }

  /** An issue located elsewhere (an included manifest file). */
  add(issue: ScenarioIssue, path?: FieldPath): void {
    this.#push(issue, path);
  }

  /** A copy of the paths errors were reported at so far. */
  errorPaths(): FieldPath[] {
    return [...this.#errorPaths];
  }

  /** True when an error was reported at `path` or anywhere below it. */
  hasErrorsUnder(path: FieldPath): boolean {
    return this.#errorPaths.some((errorPath) => startsWith(errorPath, path));
  }
}
