import { isMap, isPair, isScalar, type Document, type LineCounter, type Node as YamlNode } from 'yaml';
import { formatFieldPath, type FieldPath } from '@knsim/api';

/** Where something is in a scenario: for error messages now and for run reports later. */
export interface ScenarioLocation {
  /** The scenario file (or the `--set` override that supplied the value). */
  readonly file: string;
  /** 1-based line and column of the YAML node; absent for values that came from an override. */
  readonly line?: number;
  readonly column?: number;
  /** The field path in the scenario, e.g. `timeline[2].scale`. */
  readonly path: string;
}

/** A value that came from the command line instead of the file. */
export interface OverrideOrigin {
  /** The scenario path the override set. */
  readonly path: FieldPath;
  /** How to name it in messages, e.g. `--set proxy.policy=maglev`. */
  readonly label: string;
}

function startsWith(path: FieldPath, prefix: FieldPath): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => String(segment) === String(path[i]));
}

/**
 * Maps scenario field paths to positions in the YAML source. Paths that do not exist (a missing
 * required field) resolve to the nearest enclosing node, so every message has a position.
 */
export class SourceLocator {
  constructor(
    readonly file: string,
    readonly document: Document,
    readonly lineCounter: LineCounter,
    readonly overrides: readonly OverrideOrigin[] = [],
  ) {}

  #position(offset: number): { line: number; column: number } {
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }

  #override(path: FieldPath): OverrideOrigin | undefined {
    // The last override of a path wins, as it did when the overrides were applied.
    return [...this.overrides].reverse().find((o) => startsWith(path, o.path));
  }

  /** The location of the node at `path` (or of its nearest existing ancestor). */
  locate(path: FieldPath): ScenarioLocation {
    const text = formatFieldPath(path);
    const override = this.#override(path);
    if (override !== undefined) return { file: override.label, path: text };
    for (let length = path.length; length >= 0; length--) {
      const node = this.document.getIn(path.slice(0, length), true) as YamlNode | undefined;
      if (node?.range !== undefined && node.range !== null)
        return { file: this.file, ...this.#position(node.range[0]), path: text };
    }
    return { file: this.file, line: 1, column: 1, path: text };
  }

  /** The location of the key `key` in the map at `path` (for unknown fields). */
  locateKey(path: FieldPath, key: string): ScenarioLocation {
    const override = this.#override([...path, key]);
    if (override !== undefined) return { file: override.label, path: formatFieldPath([...path, key]) };
    const map = this.document.getIn(path, true);
    if (isMap(map)) {
      for (const pair of map.items) {
        if (isPair(pair) && isScalar(pair.key) && String(pair.key.value) === key && pair.key.range)
          return {
            file: this.file,
            ...this.#position(pair.key.range[0]),
            path: formatFieldPath([...path, key]),
          };
      }
    }
    return this.locate([...path, key]);
  }
}
