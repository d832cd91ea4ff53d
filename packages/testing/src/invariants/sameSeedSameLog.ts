import type { RunScenarioOptions } from '@knsim/scenario';
import type { ScenarioDocument } from '../ScenarioDocument.js';
import { runDocument } from '../runDocument.js';
import type { Violation } from './Violation.js';

/**
 * The `sameSeedSameLog` invariant: runs a scenario document twice (same seed, the document's own)
 * and compares the two logs' digests; when they differ, names the first event that differs.
 *
 * @example
 * ```ts
 * expect(await sameSeedSameLog(doc)).toEqual([]);
 * ```
 */
export async function sameSeedSameLog(
  document: ScenarioDocument,
  options: Omit<RunScenarioOptions, 'attach'> = {},
): Promise<Violation[]> {
  const first = await runDocument(document, options);
  const second = await runDocument(document, options);
  if (first.report.logDigest === second.report.logDigest) return [];
  const a = first.cluster.sim.log.toNdjson().split('\n');
  const b = second.cluster.sim.log.toNdjson().split('\n');
  let line = 0;
  while (line < Math.max(a.length, b.length) && a[line] === b[line]) line++;
  return [
    {
      invariant: 'sameSeedSameLog',
      at: Math.min(first.cluster.now, second.cluster.now),
      message:
        `two runs of seed ${String(document.seed ?? 1)} gave different logs (${first.report.logDigest} vs ${second.report.logDigest}); ` +
        `first difference at line ${line + 1}:\n  ${a[line] ?? '(end of log)'}\n  ${b[line] ?? '(end of log)'}`,
    },
  ];
}
