import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import {
  isSupportedKind,
  MAX_YAML_ALIASES,
  SUPPORTED_KINDS,
  type FieldPath,
  type KubeObject,
} from '@knsim/api';
import {
  ClusterConfigError,
  DEFAULT_INGRESS_NAMESPACE,
  DEFAULT_INGRESS_SERVICE,
  resolveClusterConfig,
  type ClusterConfig,
  type ClusterConfigSpec,
} from '@knsim/control-plane';
import { parseDuration } from '@knsim/core';
import { resolveTraffic, TrafficSpecError } from '@knsim/traffic';
import { applyOverrides, parseSetOverride, type ScenarioOverride } from './applyOverrides.js';
import { IssueCollector } from './IssueCollector.js';
import { ResolveContext } from './ResolveContext.js';
import { resolveExpectations } from './resolveExpectations.js';
import { resolveManifests } from './resolveManifests.js';
import { resolveTimeline } from './resolveTimeline.js';
import type { ResolvedTraffic, Scenario, TrafficInput } from './Scenario.js';
import { ScenarioError } from './ScenarioError.js';
import { SourceLocator } from './SourceLocator.js';
import { validateScenarioSchema } from './validateScenarioSchema.js';

/** Options of {@link parseScenario} and `loadScenario`. */
export interface ParseScenarioOptions {
  /** The file name used in messages and locations; default `<scenario>`. */
  readonly file?: string;
  /** Folder that `include` and `apply: {file}` paths are relative to; default the file's folder. */
  readonly baseDir?: string;
  /** `--set KEY=VALUE` overrides, applied in order (see docs/scenarios.md for the key rules). */
  readonly set?: readonly string[];
  /** `--seed`: replaces the scenario's seed. */
  readonly seed?: string | number;
  /** `--duration`: replaces the scenario's duration (a duration string such as `5m`). */
  readonly duration?: string;
}

type Raw = Readonly<Record<string, unknown>>;

/** `a.b[0].c` (as resolveClusterConfig and resolveTraffic name fields) to a path. */
function splitIssuePath(text: string): FieldPath {
  const path: (string | number)[] = [];
  for (const match of text.matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)) {
    if (match[1] !== undefined) path.push(match[1]);
    else if (match[2] !== undefined) path.push(/^[0-9]+$/.test(match[2]) ? Number(match[2]) : match[2]);
  }
  return path[0] === '(root)' ? [] : path;
}

function asList(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function isPrefix(prefix: FieldPath, path: FieldPath): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => String(segment) === String(path[i]));
}

/**
 * Runs a section's own resolver (resolveClusterConfig, resolveTraffic) and reports its issues
 * under `section`, except those about a field the schema already rejected: one mistake, one
 * message. A resolver that trips over a value the schema rejected (it expects the right types)
 * counts as having reported it.
 */
function resolveSection<T>(
  section: string,
  context: ResolveContext,
  schemaErrors: readonly FieldPath[],
  run: () => T,
  issuesOf: (error: unknown) => readonly { path: string; reason: string }[] | undefined,
): T | undefined {
  try {
    return run();
  } catch (error) {
    const found = issuesOf(error);
    if (found === undefined) {
      if (schemaErrors.some((path) => path[0] === section)) return undefined;
      throw error;
    }
    for (const issue of found) {
      const path = [section, ...splitIssuePath(issue.path)];
      if (schemaErrors.some((bad) => isPrefix(bad, path) || isPrefix(path, bad))) continue;
      context.issues.error(path, issue.reason);
    }
    return undefined;
  }
}

/** Checks that named workloads, nodes, Services and workload controllers exist somewhere. */
function checkReferences(
  context: ResolveContext,
  objects: readonly KubeObject[],
  config: ClusterConfig | undefined,
  traffic: TrafficInput,
): void {
  const known = new Map<string, Set<string>>();
  const add = (kind: string, key: string): void => {
    let set = known.get(kind);
    if (set === undefined) known.set(kind, (set = new Set()));
    set.add(key);
  };
  for (const object of objects) {
    const name = object.metadata.name ?? '';
    const namespace = object.metadata.namespace ?? 'default';
    if (isSupportedKind(object.kind) && !SUPPORTED_KINDS[object.kind].namespaced) add(object.kind, name);
    else {
      add(object.kind, `${namespace}/${name}`);
      // A namespace objects land in exists even when no manifest declares it.
      add('Namespace', namespace);
    }
  }
  for (const node of config?.nodes ?? []) add('Node', node.name);
  for (const namespace of ['default', 'kube-system', 'kube-public', 'kube-node-lease'])
    add('Namespace', namespace);
  // What the cluster creates itself: the API server's Service, cluster DNS, the Ingress controller.
  add('Service', 'default/kubernetes');
  if (config?.dns.enabled !== false) {
    add('Service', 'kube-system/kube-dns');
    add('Deployment', 'kube-system/coredns');
  }
  if (
    config?.ingress.controller === true ||
    (config?.ingress.controller !== false && objects.some((object) => object.kind === 'Ingress'))
  ) {
    add('Service', `${DEFAULT_INGRESS_NAMESPACE}/${DEFAULT_INGRESS_SERVICE}`);
    add('Deployment', `${DEFAULT_INGRESS_NAMESPACE}/${DEFAULT_INGRESS_SERVICE}`);
    add('Namespace', DEFAULT_INGRESS_NAMESPACE);
    add('IngressClass', 'nginx');
  }
  for (const workload of traffic.workloads ?? []) add('workload', workload.name);
  for (const reference of context.references) {
    // ReplicaSets usually belong to a Deployment and carry generated names: nothing to compare.
    if (reference.kind === 'ReplicaSet') continue;
    if (reference.kind === 'Node' && config === undefined) continue;
    const names = known.get(reference.kind) ?? new Set<string>();
    if (names.has(reference.key)) continue;
    const list = [...names].sort();
    const shown =
      list.length === 0 ? 'none' : list.slice(0, 10).join(', ') + (list.length > 10 ? ', ...' : '');
    const reason =
      reference.kind === 'workload'
        ? `unknown workload ${JSON.stringify(reference.key)} (traffic.workloads: ${shown})`
        : reference.kind === 'Node'
          ? `unknown node ${JSON.stringify(reference.key)} (nodes: ${shown})`
          : `no ${reference.kind} ${reference.key} in the manifests or the timeline (known: ${shown})`;
    context.issues.error(reference.path, reason);
  }
}

/**
 * Reads a scenario from YAML text: applies the overrides, validates against the schema, checks
 * durations, times and references, loads `include`d manifests (relative to the file's folder)
 * and validates every Kubernetes object. Throws one {@link ScenarioError} listing every problem
 * as `file:line:column: path: reason`.
 *
 * @example
 * ```ts
 * const scenario = await parseScenario(text, { file: 'scenarios/crash.yaml', set: ['proxy.policy=maglev'] });
 * scenario.cluster.config.proxy.policy; // 'maglev'
 * ```
 */
export async function parseScenario(text: string, options: ParseScenarioOptions = {}): Promise<Scenario> {
  const file = options.file ?? '<scenario>';
  const baseDir = options.baseDir ?? (options.file === undefined ? resolve('.') : dirname(options.file));
  const lineCounter = new LineCounter();
  // `merge`: YAML 1.1 merge keys (`<<: *defaults`), which Kubernetes YAML habitually uses.
  const document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true, merge: true });
  const overrides: ScenarioOverride[] = [];
  const overrideProblems: { label: string; reason: string }[] = [];
  for (const entry of options.set ?? []) {
    try {
      overrides.push(parseSetOverride(entry));
    } catch (error) {
      overrideProblems.push({ label: `--set ${entry}`, reason: (error as Error).message });
    }
  }
  if (options.seed !== undefined)
    overrides.push({ key: 'seed', value: String(options.seed), label: `--seed ${String(options.seed)}` });
  if (options.duration !== undefined)
    overrides.push({
      key: 'duration',
      value: JSON.stringify(options.duration),
      label: `--duration ${options.duration}`,
    });

  const syntaxErrors = document.errors.map((error) => {
    const at = error.linePos?.[0];
    const reason = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
    return {
      severity: 'error' as const,
      file,
      ...(at === undefined ? {} : { line: at.line, column: at.col }),
      reason: `YAML syntax error: ${reason}`,
    };
  });
  if (syntaxErrors.length > 0) throw new ScenarioError(syntaxErrors, [], file);

  const origins = applyOverrides(document, overrides, (label, reason) =>
    overrideProblems.push({ label, reason }),
  );
  const issues = new IssueCollector(new SourceLocator(file, document, lineCounter, origins));
  for (const problem of overrideProblems)
    issues.add({ severity: 'error', file: problem.label, reason: problem.reason });

  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (error) {
    throw new ScenarioError([
      { severity: 'error', file, reason: `cannot read YAML: ${(error as Error).message}` },
    ]);
  }
  if (value === null || value === undefined) {
    issues.error([], 'the scenario is empty (expected apiVersion: knsim.dev/v1alpha1, kind: Scenario, ...)');
    throw new ScenarioError(issues.errors, issues.warnings, file);
  }
  validateScenarioSchema(value, issues);
  if (typeof value !== 'object' || Array.isArray(value))
    throw new ScenarioError(issues.errors, issues.warnings, file);
  const raw = value as Raw;

  let runDuration: number | undefined;
  if (typeof raw['duration'] === 'string' && !issues.hasErrorsUnder(['duration'])) {
    try {
      runDuration = parseDuration(raw['duration']);
      if (runDuration === 0) issues.error(['duration'], 'must be longer than 0');
    } catch (error) {
      issues.error(['duration'], (error as Error).message);
    }
  }
  const context = new ResolveContext(issues, baseDir, runDuration);
  const schemaErrors = issues.errorPaths();
  const config = resolveSection(
    'cluster',
    context,
    schemaErrors,
    () => resolveClusterConfig((raw['cluster'] ?? {}) as ClusterConfigSpec),
    (error) => (error instanceof ClusterConfigError ? error.issues : undefined),
  );
  const manifests = await resolveManifests(
    issues.hasErrorsUnder(['include']) ? [] : (asList(raw['include']) as string[]),
    asList(raw['manifests']),
    context,
  );
  const trafficSpec = (raw['traffic'] ?? {}) as TrafficInput;
  const traffic: ResolvedTraffic | undefined = resolveSection(
    'traffic',
    context,
    schemaErrors,
    () => resolveTraffic(trafficSpec),
    (error) => (error instanceof TrafficSpecError ? error.issues : undefined),
  );
  const timeline = await resolveTimeline(asList(raw['timeline']), context);
  const expectations = resolveExpectations(asList(raw['expect']), context);
  const applied = timeline.flatMap((step) =>
    step.action.type === 'apply' || step.action.type === 'applyPolicy' ? step.action.objects : [],
  );
  (trafficSpec.workloads ?? []).forEach((workload, i) => {
    const via = 'external' in workload.from ? workload.from.external.via : undefined;
    if (via !== undefined)
      context.refer('Node', via.replace(/^node\//, ''), [
        'traffic',
        'workloads',
        i,
        'from',
        'external',
        'via',
      ]);
  });
  checkReferences(context, [...manifests.objects, ...applied], config, trafficSpec);

  if (issues.errors.length > 0 || config === undefined || traffic === undefined || runDuration === undefined)
    throw new ScenarioError(issues.errors, issues.warnings, file);
  const metadata = (raw['metadata'] ?? {}) as Raw;
  return {
    file,
    metadata: {
      name: metadata['name'] as string | undefined,
      description: metadata['description'] as string | undefined,
      labels: { ...((metadata['labels'] ?? {}) as Record<string, string>) },
    },
    seed: raw['seed'] === undefined ? '1' : String(raw['seed']),
    duration: runDuration,
    cluster: { spec: (raw['cluster'] ?? {}) as ClusterConfigSpec, config },
    manifests,
    traffic: { spec: trafficSpec, resolved: traffic },
    timeline,
    expectations,
    overrides: overrides.map((o) => o.label),
    warnings: issues.warnings,
  };
}
