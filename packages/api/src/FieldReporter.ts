import type { IssueSeverity } from './ManifestError.js';
import { describeBadIp, tryParseIp, type IpAddress } from './ipAddress.js';
import { describeBadCidr, tryParseCidr, type Cidr } from './Cidr.js';
import { portNameProblems, portNumberProblems } from './nameChecks.js';

/** A path to a field: map keys and list indexes, e.g. `['spec', 'ports', 1, 'targetPort']`. */
export type FieldPath = readonly (string | number)[];

/** A problem with one field of one object. */
export interface FieldIssue {
  readonly severity: IssueSeverity;
  readonly path: FieldPath;
  readonly reason: string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Formats a path as Kubernetes does: `spec.ports[1].targetPort`; map keys that are not plain
 * identifiers go in brackets (`metadata.labels[app.kubernetes.io/name]`).
 */
export function formatFieldPath(path: FieldPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${segment}]`;
  }
  return text;
}

/** A loosely typed map read from a manifest. */
export type RawMap = Readonly<Record<string, unknown>>;

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value) ?? value);
}

function isRawMap(value: unknown): value is RawMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a map';
  return `${typeof value} ${show(value)}`;
}

/**
 * Collects the issues of one object while validation walks it, and reads its loosely typed
 * fields: each reader reports a wrong type and returns undefined, so one bad field never hides
 * the problems of its neighbours.
 */
export class FieldReporter {
  readonly issues: FieldIssue[] = [];
  #relaxing = false;

  /**
   * @param strict When false, issues reported inside {@link relaxed} become warnings.
   */
  constructor(readonly strict = true) {}

  /**
   * Runs `check` for a rule the API server enforces but the simulation can do without: when
   * not strict, its errors become warnings that say the API server would reject the value.
   */
  relaxed<T>(check: () => T): T {
    if (this.strict || this.#relaxing) return check();
    this.#relaxing = true;
    try {
      return check();
    } finally {
      this.#relaxing = false;
    }
  }

  error(path: FieldPath, reason: string): void {
    if (this.#relaxing)
      this.issues.push({ severity: 'warning', path, reason: `${reason} (the API server would reject this)` });
    else this.issues.push({ severity: 'error', path, reason });
  }

  warn(path: FieldPath, reason: string): void {
    this.issues.push({ severity: 'warning', path, reason });
  }

  invalid(path: FieldPath, value: unknown, reason: string): void {
    this.error(path, `invalid value ${show(value)}: ${reason}`);
  }

  /** Reports each of `problems` as an invalid value. */
  problems(path: FieldPath, value: unknown, problems: readonly string[]): void {
    for (const problem of problems) this.invalid(path, value, problem);
  }

  required(path: FieldPath, detail?: string): void {
    this.error(path, detail === undefined ? 'required value' : `required value: ${detail}`);
  }

  forbidden(path: FieldPath, reason: string): void {
    this.error(path, `forbidden: ${reason}`);
  }

  duplicate(path: FieldPath, value: unknown, detail?: string): void {
    this.error(path, `duplicate value ${show(value)}${detail === undefined ? '' : `: ${detail}`}`);
  }

  unsupported(path: FieldPath, value: unknown, supported: readonly string[]): void {
    this.error(
      path,
      `unsupported value ${show(value)}: supported values: ${supported.map((v) => JSON.stringify(v)).join(', ')}`,
    );
  }

  get hasErrors(): boolean {
    return this.issues.some((issue) => issue.severity === 'error');
  }

  map(value: unknown, path: FieldPath): RawMap | undefined {
    if (value === undefined) return undefined;
    if (isRawMap(value)) return value;
    this.error(path, `must be a map, not ${describeType(value)}`);
    return undefined;
  }

  list(value: unknown, path: FieldPath): readonly unknown[] | undefined {
    if (value === undefined) return undefined;
    if (Array.isArray(value)) return value;
    this.error(path, `must be a list, not ${describeType(value)}`);
    return undefined;
  }

  string(value: unknown, path: FieldPath): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value === 'string') return value;
    this.error(path, `must be a string, not ${describeType(value)}`);
    return undefined;
  }

  boolean(value: unknown, path: FieldPath): boolean | undefined {
    if (value === undefined) return undefined;
    if (typeof value === 'boolean') return value;
    this.error(path, `must be a boolean, not ${describeType(value)}`);
    return undefined;
  }

  integer(value: unknown, path: FieldPath): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    this.error(path, `must be an integer, not ${describeType(value)}`);
    return undefined;
  }

  /** An integer that must be at least `min` (0 unless given). */
  nonNegative(value: unknown, path: FieldPath, min = 0): number | undefined {
    const number = this.integer(value, path);
    if (number !== undefined && number < min) {
      this.invalid(
        path,
        number,
        min === 0 ? 'must be greater than or equal to 0' : `must be at least ${min}`,
      );
    }
    return number;
  }

  intOrString(value: unknown, path: FieldPath): number | string | undefined {
    if (value === undefined) return undefined;
    if (typeof value === 'string' || (typeof value === 'number' && Number.isSafeInteger(value))) return value;
    this.error(path, `must be an integer or a string, not ${describeType(value)}`);
    return undefined;
  }

  /** A list of strings; non-strings are reported and dropped. */
  strings(value: unknown, path: FieldPath): string[] | undefined {
    const items = this.list(value, path);
    if (items === undefined) return undefined;
    const strings: string[] = [];
    items.forEach((item, index) => {
      const text = this.string(item, [...path, index]);
      if (text !== undefined) strings.push(text);
    });
    return strings;
  }

  /** A map of strings (labels, annotations, selectors); non-string values are reported. */
  stringMap(value: unknown, path: FieldPath): Record<string, string> | undefined {
    const map = this.map(value, path);
    if (map === undefined) return undefined;
    const result: Record<string, string> = {};
    for (const [key, entry] of Object.entries(map)) {
      const text = this.string(entry, [...path, key]);
      if (text !== undefined) result[key] = text;
    }
    return result;
  }

  /** A port number 1-65535. */
  portNumber(value: unknown, path: FieldPath): number | undefined {
    const port = this.integer(value, path);
    if (port !== undefined) this.problems(path, port, portNumberProblems(port));
    return port;
  }

  /** A port number, or the name of a container port. */
  portNumberOrName(value: unknown, path: FieldPath): number | string | undefined {
    const port = this.intOrString(value, path);
    if (typeof port === 'number') this.problems(path, port, portNumberProblems(port));
    else if (typeof port === 'string') this.problems(path, port, portNameProblems(port));
    return port;
  }

  /** One of `supported`. */
  oneOf<T extends string>(value: unknown, path: FieldPath, supported: readonly T[]): T | undefined {
    const text = this.string(value, path);
    if (text === undefined) return undefined;
    if ((supported as readonly string[]).includes(text)) return text as T;
    this.unsupported(path, text, supported);
    return undefined;
  }

  /**
   * An IP address in a field that predates strict validation: leading zeros and IPv4-mapped
   * IPv6 draw a warning, as on the API server; anything else unparsable is an error.
   */
  legacyIp(value: unknown, path: FieldPath): IpAddress | undefined {
    const text = this.string(value, path);
    if (text === undefined) return undefined;
    const strict = tryParseIp(text);
    if (strict !== undefined) return strict;
    const lenient = tryParseIp(text, { legacy: true });
    if (lenient === undefined) {
      this.invalid(path, text, describeBadIp(text));
      return undefined;
    }
    this.warn(path, `non-standard IP address ${JSON.stringify(text)}: ${describeBadIp(text)}`);
    return lenient;
  }

  /**
   * A CIDR in a field that predates strict validation (ipBlock, loadBalancerSourceRanges,
   * podCIDR): host bits, leading zeros and IPv4-mapped addresses draw a warning and the block
   * is the masked network; anything else unparsable is an error.
   */
  legacyCidr(value: unknown, path: FieldPath): Cidr | undefined {
    const text = this.string(value, path);
    if (text === undefined) return undefined;
    const strict = tryParseCidr(text);
    if (strict !== undefined) return strict;
    const lenient = tryParseCidr(text, { legacy: true, allowHostBits: true });
    if (lenient === undefined) {
      this.invalid(
        path,
        text,
        describeBadCidr(text, { legacy: true, allowHostBits: true }) ?? 'must be a CIDR',
      );
      return undefined;
    }
    this.warn(
      path,
      `non-standard CIDR ${JSON.stringify(text)}: ${describeBadCidr(text)}; read as ${lenient.toString()}`,
    );
    return lenient;
  }
}
