import { createHash, randomInt } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import fc from 'fast-check';
import type { ScenarioDocument } from '../ScenarioDocument.js';
import { scenarioYaml } from '../scenarioYaml.js';
import { deep, describeError, slug } from './propertyRun.js';

/**
 * How {@link checkScenarioProperty} searches.
 *
 * @example
 * ```ts
 * const options: ScenarioPropertyOptions = { seed: 42, numRuns: 20, outDir: 'out/failures' };
 * ```
 */
export interface ScenarioPropertyOptions {
  /** fast-check's seed. Default 424242, or a random one (printed) when `KNSIM_DEEP=1`. */
  readonly seed?: number;
  /** Documents tried. Default 20, or 200 when `KNSIM_DEEP=1`. */
  readonly numRuns?: number;
  /** fast-check's replay path (from a failure message), to re-run just the failing case. */
  readonly path?: string;
  /** Where shrunk failures are written; default `.knsim-failures/` under the working directory. */
  readonly outDir?: string;
}

/** The error {@link checkScenarioProperty} throws: the failure, replayable. */
export class ScenarioPropertyFailure extends Error {
  override readonly name = 'ScenarioPropertyFailure';
  constructor(
    message: string,
    /** The shrunk document that fails. */
    readonly document: ScenarioDocument,
    /** The scenario file it was written to. */
    readonly file: string,
    readonly seed: number,
    readonly path: string,
  ) {
    super(message);
  }
}

/**
 * Checks a property over generated scenario documents with fast-check (`fc.asyncProperty`, the
 * same search and shrinking as `fc.assert`). The predicate fails by returning false or throwing
 * (e.g. an `expect`). On failure the shrunk document is written with `scenarioYaml` to
 * `outDir`, and a {@link ScenarioPropertyFailure} is thrown whose message gives the seed and
 * fast-check's path (to replay the search), the file, the `npx knsim run <file>` command that
 * replays the scenario, the failure, and the scenario's YAML itself.
 *
 * Deep mode (`KNSIM_DEEP=1`, as `pnpm test:deep`): a random seed (printed in any failure), ten
 * times the runs.
 *
 * @example
 * ```ts
 * await checkScenarioProperty(scenarioArbitrary, async (doc) => {
 *   const monitor = monitorInvariants();
 *   const run = await runDocument(doc, { attach: monitor.attach });
 *   expect(monitor.check(run)).toEqual([]);
 * }, { numRuns: 10 });
 * ```
 */
export async function checkScenarioProperty(
  arbitrary: fc.Arbitrary<ScenarioDocument>,
  predicate: (document: ScenarioDocument) => boolean | void | Promise<boolean | void>,
  options: ScenarioPropertyOptions = {},
): Promise<void> {
  // Deep mode wants a fresh seed each night: from the OS, not the (forbidden) ambient Math.random.
  const seed = options.seed ?? (deep() ? randomInt(0, 2 ** 31 - 1) : 424242);
  const numRuns = options.numRuns ?? (deep() ? 200 : 20);
  const details = await fc.check(
    fc.asyncProperty(arbitrary, async (document) => {
      const result = await predicate(document);
      return result !== false;
    }),
    { seed, numRuns, ...(options.path === undefined ? {} : { path: options.path }) },
  );
  if (!details.failed) return;
  const path = details.counterexamplePath ?? '';
  if (details.counterexample === null) {
    throw new Error(
      `checkScenarioProperty: the search failed without a counterexample (seed ${seed}${path === '' ? '' : `, path ${path}`}): ${describeError(details.errorInstance)}`,
    );
  }
  const [document] = details.counterexample;
  const failure = describeError(details.errorInstance);
  const outDir = resolve(process.cwd(), options.outDir ?? '.knsim-failures');
  const digest = createHash('sha256').update(scenarioYaml(document)).digest('hex').slice(0, 8);
  const file = join(
    outDir,
    `${slug(document.metadata?.name ?? 'scenario', 'scenario')}-seed-${seed}-${digest}.yaml`,
  );
  const shown =
    isAbsolute(file) && !relative(process.cwd(), file).startsWith('..')
      ? relative(process.cwd(), file)
      : file;
  const yaml = scenarioYaml(
    document,
    [
      `knsim property failure (fast-check seed ${seed}, path "${path}", shrunk ${details.numShrinks} times)`,
      `replay: npx knsim run ${shown}`,
      ...failure
        .split('\n')
        .slice(0, 5)
        .map((line, i) => (i === 0 ? `failure: ${line}` : `  ${line}`)),
    ].join('\n'),
  );
  mkdirSync(outDir, { recursive: true });
  writeFileSync(file, yaml);
  const message = [
    `scenario property failed after ${details.numRuns} run(s), shrunk ${details.numShrinks} time(s)`,
    `  seed: ${seed}${deep() && options.seed === undefined ? ' (random, KNSIM_DEEP=1)' : ''}, path: "${path}" (rerun the search with { seed: ${seed}, path: "${path}" })`,
    `  scenario: ${shown}`,
    `  replay:   npx knsim run ${shown}`,
    `  failure:  ${failure.split('\n').join('\n            ')}`,
    '--- scenario ---',
    yaml.trimEnd(),
  ].join('\n');
  throw new ScenarioPropertyFailure(message, document, file, seed, path);
}
