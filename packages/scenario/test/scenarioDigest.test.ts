import { describe, expect, it } from 'vitest';
import { parseScenario, scenarioDigest } from '@knsim/scenario';
import { scenarioText, SHOP } from './support.js';

const TEXT = scenarioText(
  `${SHOP}timeline:\n  - at: 10s\n    scale: { deployment: shop/web, replicas: 3 }\n`,
);

describe('scenarioDigest', () => {
  it('is a sha256 that depends on what the scenario does', async () => {
    const digest = scenarioDigest(await parseScenario(TEXT));
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(scenarioDigest(await parseScenario(TEXT))).toBe(digest);
    expect(scenarioDigest(await parseScenario(TEXT, { set: ['proxy.policy=maglev'] }))).not.toBe(digest);
    expect(scenarioDigest(await parseScenario(TEXT.replace('replicas: 3', 'replicas: 4')))).not.toBe(digest);
  });

  it('ignores the seed, the file and the layout', async () => {
    const digest = scenarioDigest(await parseScenario(TEXT));
    expect(scenarioDigest(await parseScenario(TEXT, { seed: 99, file: 'elsewhere/other.yaml' }))).toBe(
      digest,
    );
    expect(scenarioDigest(await parseScenario(`# a comment\n\n${TEXT}`))).toBe(digest);
  });
});
