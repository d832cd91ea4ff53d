import { createHash, randomInt } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import type { KubeObject } from '@knsim/api';
import type { ClusterConfigSpec } from '@knsim/control-plane';
import { appsFromManifests } from '../arbitraries/appsFromManifests.js';
import { ScenarioPropertyFailure } from '../failure/checkScenarioProperty.js';
import { formatViolation } from '../invariants/Violation.js';
import type { ScenarioDocument } from '../ScenarioDocument.js';
import { scenarioYaml } from '../scenarioYaml.js';
import { createClusterModel, type ClusterModel } from './ClusterModel.js';
import { clusterCommandsArb, type ClusterCommandsOptions } from './clusterCommandsArb.js';
import { LiveCluster } from './LiveCluster.js';
import type { ClusterCommandSettings } from './commands/ClusterCommand.js';
import { ConvergeCommand } from './commands/ConvergeCommand.js';
import { deep, describeError, slug } from '../failure/propertyRun.js';

/**
 * What {@link checkClusterModel} checks, and how hard.
 *
 * @example
 * ```ts
 * const options: ClusterModelOptions = { config: { nodes: 3 }, manifests, seed: 7, numRuns: 20, maxCommands: 10 };
 * ```
 */
export interface ClusterModelOptions extends Omit<ClusterCommandsOptions, 'maxCommands'> {
  /** The cluster configuration (a scenario's `cluster` section). Default `{}` (3 nodes). */
  readonly config?: ClusterConfigSpec;
  /** Your objects: their Deployments and StatefulSets are churned (see `appsFromManifests`). */
  readonly manifests: readonly KubeObject[];
  /** fast-check's seed. Default 424242, or a random one (printed) when `KNSIM_DEEP=1`. */
  readonly seed?: number;
  /** Command sequences tried. Default 20, or 200 when `KNSIM_DEEP=1`. */
  readonly numRuns?: number;
  /** Most commands per sequence. Default 10, or 25 when `KNSIM_DEEP=1`. */
  readonly maxCommands?: number;
  /** The cluster's own seed. Default: generated per run (1..1000, shrinking towards 1). */
  readonly clusterSeed?: number;
  /** fast-check's replay path (from a failure message), with the same seed. */
  readonly path?: string;
  /** Where the failing scenario is written; default `.knsim-failures/` under the working directory. */
  readonly outDir?: string;
  /** The scenario's name (and the file's). Default `cluster-model`. */
  readonly name?: string;
  /**
   * End every sequence with a `ConvergeCommand`, so the steady-state assertions run on every
   * run and not only when the generator happened to put a Converge last. Default true.
   */
  readonly finalConverge?: boolean;
}

/**
 * The error {@link checkClusterModel} throws: a {@link ScenarioPropertyFailure} (the shrunk run
 * as a scenario document and file) with the command sequence and the cluster seed.
 */
export class ClusterModelFailure extends ScenarioPropertyFailure {
  constructor(
    message: string,
    document: ScenarioDocument,
    file: string,
    seed: number,
    path: string,
    /** The shrunk command sequence, one `toString()` each (those that ran). */
    readonly commands: readonly string[],
    readonly clusterSeed: number,
  ) {
    super(message, document, file, seed, path);
  }
}

type Commands = Iterable<fc.AsyncCommand<ClusterModel, LiveCluster>>;

/**
 * Model-based testing of your cluster: generates command sequences with
 * {@link clusterCommandsArb} over your workloads and nodes, runs each on a fresh
 * {@link LiveCluster} (`fc.asyncModelRun`), and after every command checks the invariants, the
 * built-in model assertions (`modelViolations`) and yours (`check`). On failure fast-check
 * shrinks the sequence; the shrunk run is replayed once more to record its timeline, written as
 * a scenario file (`scenarioYaml`, into `outDir`) lasting up to the failing instant, and a
 * {@link ClusterModelFailure} is thrown whose message gives the seed and path, the file, the
 * `npx knsim run` command, the failure, the commands, and the timeline.
 *
 * Deep mode (`KNSIM_DEEP=1`): a random seed (printed), ten times the runs, longer sequences.
 *
 * @example
 * ```ts
 * await checkClusterModel({ config: { nodes: 3 }, manifests, seed: 42, numRuns: 15, maxCommands: 10 });
 * ```
 */
export async function checkClusterModel(options: ClusterModelOptions): Promise<void> {
  // Deep mode wants a fresh seed each night: from the OS, not the (forbidden) ambient Math.random.
  const seed = options.seed ?? (deep() ? randomInt(0, 2 ** 31 - 1) : 424242);
  const numRuns = options.numRuns ?? (deep() ? 200 : 20);
  const maxCommands = options.maxCommands ?? (deep() ? 25 : 10);
  const config = options.config ?? {};
  const manifests = options.manifests;
  const apps = appsFromManifests(manifests);
  const start = (clusterSeed: number): LiveCluster => {
    const live = LiveCluster.start({ seed: clusterSeed, config, manifests });
    // A cluster broken before any command is not a finding about commands: say so plainly.
    const broken = live.violations().map(formatViolation);
    if (!live.converged) broken.push('the cluster did not converge at start-up');
    if (broken.length > 0)
      throw new Error(
        `checkClusterModel: the cluster (seed ${clusterSeed}) is broken before any command:\n  ${broken.join('\n  ')}`,
      );
    return live;
  };
  const nodes = start(options.clusterSeed ?? 1).nodeNames();
  const clusterSeeds =
    options.clusterSeed === undefined ? fc.integer({ min: 1, max: 1000 }) : fc.constant(options.clusterSeed);
  const settings: ClusterCommandSettings = {
    ...(options.stepTime === undefined ? {} : { stepTime: options.stepTime }),
    ...(options.check === undefined ? {} : { check: options.check }),
  };
  const commandOptions: ClusterCommandsOptions = {
    ...settings,
    maxCommands,
    ...(options.kinds === undefined ? {} : { kinds: options.kinds }),
    ...(options.maxReplicas === undefined ? {} : { maxReplicas: options.maxReplicas }),
    ...(options.maxAdvanceSeconds === undefined ? {} : { maxAdvanceSeconds: options.maxAdvanceSeconds }),
    ...(options.maxFaults === undefined ? {} : { maxFaults: options.maxFaults }),
    ...(options.size === undefined ? {} : { size: options.size }),
  };
  const finalConverge = options.finalConverge ?? true;
  const withFinal = (commands: Commands): Commands =>
    finalConverge ? [...commands, new ConvergeCommand(settings)] : commands;
  const run = async (clusterSeed: number, commands: Commands): Promise<void> => {
    const live = start(clusterSeed);
    await fc.asyncModelRun(
      () => ({ model: createClusterModel(apps, live), real: live }),
      withFinal(commands),
    );
  };
  const details = await fc.check(
    fc.asyncProperty(
      clusterSeeds,
      clusterCommandsArb({ apps, nodes }, commandOptions),
      async (clusterSeed, commands) => {
        await run(clusterSeed, commands);
      },
    ),
    { seed, numRuns, ...(options.path === undefined ? {} : { path: options.path }) },
  );
  if (!details.failed) return;
  const path = details.counterexamplePath ?? '';
  if (details.counterexample === null)
    throw new Error(
      `checkClusterModel: the search failed without a counterexample (seed ${seed}${path === '' ? '' : `, path ${path}`}): ${describeError(details.errorInstance)}`,
    );
  const [clusterSeed, commands] = details.counterexample;

  // Replay the shrunk sequence once more on a cluster we keep: the same seed and commands give
  // the same run, and this time its timeline and failing instant are at hand.
  let live: LiveCluster | undefined;
  let failure = describeError(details.errorInstance);
  const shown: string[] = [];
  try {
    live = start(clusterSeed);
    const real = live;
    const model = createClusterModel(apps, real);
    for (const command of withFinal(commands)) {
      if (!command.check(model)) continue;
      shown.push(command.toString());
      await command.run(model, real);
    }
    failure += '\n(note: the shrunk sequence passed when replayed; the timeline below may not fail)';
  } catch (error) {
    failure = describeError(error);
  }
  const name = options.name ?? 'cluster-model';
  const document: ScenarioDocument = live?.scenario(name) ?? {
    apiVersion: 'knsim.dev/v1alpha1',
    kind: 'Scenario',
    metadata: { name },
    seed: clusterSeed,
    duration: '1s',
    cluster: config as Readonly<Record<string, unknown>>,
    manifests: manifests as unknown as readonly Readonly<Record<string, unknown>>[],
  };
  const outDir = resolve(process.cwd(), options.outDir ?? '.knsim-failures');
  const digest = createHash('sha256').update(scenarioYaml(document)).digest('hex').slice(0, 8);
  const file = join(outDir, `${slug(name, 'cluster-model')}-seed-${seed}-${digest}.yaml`);
  const where =
    isAbsolute(file) && !relative(process.cwd(), file).startsWith('..')
      ? relative(process.cwd(), file)
      : file;
  const yaml = scenarioYaml(
    document,
    [
      `knsim model-based failure (fast-check seed ${seed}, path "${path}", cluster seed ${clusterSeed}, shrunk ${details.numShrinks} times)`,
      `replay: npx knsim run ${where}`,
      'commands:',
      ...shown.map((command) => `  ${command}`),
      ...failure
        .split('\n')
        .slice(0, 8)
        .map((line, i) => (i === 0 ? `failure: ${line}` : `  ${line}`)),
    ].join('\n'),
  );
  mkdirSync(outDir, { recursive: true });
  writeFileSync(file, yaml);
  const timeline = document.timeline ?? [];
  const message = [
    `cluster model check failed after ${details.numRuns} run(s), shrunk ${details.numShrinks} time(s)`,
    `  seed: ${seed}${deep() && options.seed === undefined ? ' (random, KNSIM_DEEP=1)' : ''}, path: "${path}" (rerun the search with { seed: ${seed}, path: "${path}" }), cluster seed: ${clusterSeed}`,
    `  scenario: ${where}`,
    `  replay:   npx knsim run ${where}`,
    `  failure:  ${failure.split('\n').join('\n            ')}`,
    `--- commands (${shown.length}) ---`,
    ...shown,
    `--- timeline (until ${document.duration}) ---`,
    timeline.length === 0 ? '[]' : stringify(timeline, { lineWidth: 0 }).trimEnd(),
  ].join('\n');
  throw new ClusterModelFailure(message, document, file, seed, path, shown, clusterSeed);
}
