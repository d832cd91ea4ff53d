import { canonicalJson, sha256 } from '@knsim/core';
import type { Scenario } from './Scenario.js';

/** Drops `location` and origin fields: where a scenario lives must not change what it is. */
function withoutPlaces(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPlaces);
  if (value instanceof Map)
    return Object.fromEntries([...value].map(([k, v]) => [String(k), withoutPlaces(v)]));
  if (typeof value !== 'object' || value === null) return value;
  const result: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value))
    if (key !== 'location' && key !== 'origins') result[key] = withoutPlaces(entry);
  return result;
}

/**
 * The `scenarioDigest` of the event log header: `sha256:<hex>` of the canonical JSON of what the
 * scenario makes the simulation do: duration, resolved cluster configuration, every initial
 * object (included files too), traffic, timeline and expectations, with overrides applied.
 * Left out: the seed (the log header records it separately, so runs of one scenario over many
 * seeds share a digest), the metadata, and file names and positions (moving or reformatting the
 * file changes nothing).
 */
export function scenarioDigest(scenario: Scenario): string {
  return sha256(
    canonicalJson(
      withoutPlaces({
        duration: scenario.duration,
        cluster: scenario.cluster.config,
        manifests: scenario.manifests.objects,
        traffic: scenario.traffic.resolved,
        timeline: scenario.timeline,
        expectations: scenario.expectations,
      }),
    ),
  );
}
