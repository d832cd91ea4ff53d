import { LineCounter, parseAllDocuments, type Document, type Node as YamlNode } from 'yaml';
import { applyDefaults } from './applyDefaults.js';
import { formatFieldPath, type FieldPath, type RawMap } from './FieldReporter.js';
import {
  DEFAULT_NAMESPACE,
  formatObjectRef,
  isSupportedKind,
  SUPPORTED_KINDS,
  type KubeObject,
} from './KubeObject.js';
import { ManifestError, compareManifestIssues, type ManifestIssue } from './ManifestError.js';
import { repairTolerated } from './repairTolerated.js';
import { validateObject, type ValidationOptions } from './validateObject.js';

/** Where an object came from. */
export interface ManifestOrigin {
  readonly file: string;
  /** 1-based number of the YAML document within the file. */
  readonly document: number;
  /** 0-based index in the `items` of a List document, when the object came from one. */
  readonly item?: number;
  /** 1-based line and column where the object starts. */
  readonly line?: number;
  readonly column?: number;
}

/** The result of a successful load. */
export interface LoadedManifests {
  /** Valid, defaulted objects in load order (files in order, documents and items in order). */
  readonly objects: readonly KubeObject[];
  /** `origins[i]` is where `objects[i]` came from. */
  readonly origins: readonly ManifestOrigin[];
  /** Skipped kinds and non-standard values; sorted by file and position. */
  readonly warnings: readonly ManifestIssue[];
}

/** Options for {@link parseManifests} and `loadManifests`. */
export type LoadOptions = ValidationOptions;

/**
 * The most YAML aliases one document may expand. Manifests rarely use any; the limit stops
 * "billion laughs" documents from exhausting memory.
 */
export const MAX_YAML_ALIASES = 100;

/** One decoded object before validation, with what is needed to point at its fields. */
export interface DecodedManifest {
  readonly raw: RawMap;
  readonly origin: ManifestOrigin;
  /** Locates a field of this object in its file (1-based line and column). */
  readonly locate: (path: FieldPath) => { line: number; column: number } | undefined;
}

/** Drops null map entries: the API server reads `field: null` as an absent field. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  const result: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (entry !== null && entry !== undefined) result[key] = withoutNulls(entry);
  }
  return result;
}

function isRawMap(value: unknown): value is RawMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first line of a yaml error, without the position the issue carries separately. */
function yamlReason(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Splits a file into documents and List items and decodes each into a plain object. YAML
 * syntax errors and documents that are not objects become issues in `issues`.
 */
export function decodeManifests(text: string, file: string, issues: ManifestIssue[]): DecodedManifest[] {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const position = (offset: number): { line: number; column: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const decoded: DecodedManifest[] = [];
  const documentList: readonly Document.Parsed[] = Array.isArray(documents) ? documents : [];
  documentList.forEach((doc, index) => {
    const documentNumber = index + 1;
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        const at = error.linePos?.[0];
        issues.push({
          severity: 'error',
          file,
          document: documentNumber,
          ...(at === undefined ? {} : { line: at.line, column: at.col }),
          reason: `YAML syntax error: ${yamlReason(error.message)}`,
        });
      }
      return;
    }
    if (doc.contents === null) return;
    const docStart = position(doc.contents.range[0]);
    let value: unknown;
    try {
      value = withoutNulls(doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }));
    } catch (error) {
      issues.push({
        severity: 'error',
        file,
        document: documentNumber,
        ...docStart,
        reason: `cannot read YAML: ${yamlReason((error as Error).message)}`,
      });
      return;
    }
    if (value === null || value === undefined) return;
    const locate = (prefix: FieldPath) => (path: FieldPath) => {
      const full = [...prefix, ...path];
      for (let length = full.length; length >= 0; length--) {
        const node = doc.getIn(full.slice(0, length), true) as YamlNode | undefined;
        if (node?.range !== undefined && node.range !== null) return position(node.range[0]);
      }
      return undefined;
    };
    const add = (
      raw: unknown,
      prefix: FieldPath,
      item: number | undefined,
      listKind: string | undefined,
      listApiVersion: unknown,
    ): void => {
      const here = locate(prefix)([]) ?? docStart;
      const origin: ManifestOrigin = {
        file,
        document: documentNumber,
        ...(item === undefined ? {} : { item }),
        ...here,
      };
      // Corpora keep expected outputs next to their manifests: data that is no object at all
      // (a list, a scalar, a map with neither apiVersion nor kind) is skipped, not rejected.
      if (
        !isRawMap(raw) ||
        (raw.kind === undefined && raw.apiVersion === undefined && listKind === undefined)
      ) {
        const what = Array.isArray(raw)
          ? 'a list'
          : isRawMap(raw)
            ? 'a map without apiVersion and kind'
            : typeof raw;
        issues.push({ severity: 'warning', ...origin, reason: `skipped: not a Kubernetes object (${what})` });
        return;
      }
      let object = raw;
      // Items of a typed list (PodList, ...) may leave out the kind and apiVersion they share.
      if (listKind !== undefined && listKind !== 'List' && object.kind === undefined) {
        object = {
          ...object,
          kind: listKind.slice(0, -'List'.length),
          apiVersion: object.apiVersion ?? listApiVersion,
        };
      }
      const kind = object.kind;
      const isList =
        kind === 'List' || (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(object.items));
      if (isList) {
        const items = (object.items ?? []) as unknown[];
        items.forEach((entry, entryIndex) =>
          add(entry, [...prefix, 'items', entryIndex], item ?? entryIndex, kind as string, object.apiVersion),
        );
        return;
      }
      decoded.push({ raw: object, origin, locate: locate(prefix) });
    };
    add(value, [], undefined, undefined, undefined);
  });
  return decoded;
}

function effectiveRef(raw: RawMap): string {
  const kind = typeof raw.kind === 'string' ? raw.kind : '<no kind>';
  const meta = isRawMap(raw.metadata) ? raw.metadata : {};
  const name = typeof meta.name === 'string' && meta.name !== '' ? meta.name : undefined;
  const generateName = typeof meta.generateName === 'string' ? meta.generateName : undefined;
  let namespace = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : undefined;
  if (isSupportedKind(kind))
    namespace = SUPPORTED_KINDS[kind].namespaced ? (namespace ?? DEFAULT_NAMESPACE) : undefined;
  return formatObjectRef({
    kind,
    metadata: {
      ...(name === undefined ? {} : { name }),
      ...(generateName === undefined ? {} : { generateName }),
      ...(namespace === undefined ? {} : { namespace }),
    },
  });
}

function describeOrigin(origin: ManifestOrigin): string {
  const where =
    origin.line === undefined ? origin.file : `${origin.file}:${origin.line}:${origin.column ?? 1}`;
  return origin.item === undefined
    ? `${where} (document ${origin.document})`
    : `${where} (document ${origin.document}, item ${origin.item})`;
}

/**
 * Validates and defaults decoded manifests as one load: skips unsupported kinds with one
 * warning each, validates the rest, rejects duplicates (same kind, namespace and name), and
 * throws one {@link ManifestError} listing every error (including those already in `issues`).
 */
export function admitManifests(
  decoded: readonly DecodedManifest[],
  issues: readonly ManifestIssue[],
  options: LoadOptions = {},
): LoadedManifests {
  const errors: ManifestIssue[] = issues.filter((issue) => issue.severity === 'error');
  const warnings: ManifestIssue[] = issues.filter((issue) => issue.severity === 'warning');
  const objects: KubeObject[] = [];
  const origins: ManifestOrigin[] = [];
  const seen = new Map<string, ManifestOrigin>();
  for (const { raw, origin, locate } of decoded) {
    const object = effectiveRef(raw);
    const kind = raw.kind;
    if (typeof kind === 'string' && kind !== '' && !isSupportedKind(kind)) {
      warnings.push({
        severity: 'warning',
        ...origin,
        object,
        reason: `skipped: knsim does not model kind ${kind}`,
      });
      continue;
    }
    let valid = true;
    for (const issue of validateObject(raw, options)) {
      const at = locate(issue.path) ?? { line: origin.line, column: origin.column };
      const entry: ManifestIssue = {
        severity: issue.severity,
        file: origin.file,
        document: origin.document,
        ...(origin.item === undefined ? {} : { item: origin.item }),
        ...(at.line === undefined ? {} : { line: at.line }),
        ...(at.column === undefined ? {} : { column: at.column }),
        object,
        path: formatFieldPath(issue.path),
        reason: issue.reason,
      };
      if (issue.severity === 'error') {
        valid = false;
        errors.push(entry);
      } else {
        warnings.push(entry);
      }
    }
    if (!valid) continue;
    const admitted = options.strict === false ? repairTolerated(raw) : raw;
    const defaulted = applyDefaults(admitted as unknown as KubeObject);
    const name = defaulted.metadata.name;
    if (name !== undefined && name !== '') {
      const key = `${defaulted.kind}\u0000${defaulted.metadata.namespace ?? ''}\u0000${name}`;
      const first = seen.get(key);
      if (first !== undefined) {
        errors.push({
          severity: 'error',
          ...origin,
          object,
          path: 'metadata.name',
          reason: `duplicate object: ${object} is also defined at ${describeOrigin(first)}`,
        });
        continue;
      }
      seen.set(key, origin);
    }
    objects.push(defaulted);
    origins.push(origin);
  }
  if (errors.length > 0) throw new ManifestError(errors, warnings);
  return { objects, origins, warnings: warnings.sort(compareManifestIssues) };
}

/**
 * Reads the manifests in one text: multi-document YAML (`---`), JSON, and `List` / `*List`
 * documents (flattened). Validates and defaults every supported object; see `loadManifests`
 * for the rules. Throws a {@link ManifestError} listing every problem.
 */
export function parseManifests(text: string, fileName: string, options: LoadOptions = {}): LoadedManifests {
  const issues: ManifestIssue[] = [];
  const decoded = decodeManifests(text, fileName, issues);
  return admitManifests(decoded, issues, options);
}
