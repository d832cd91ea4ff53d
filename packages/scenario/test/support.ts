import { parseScenario, ScenarioError, type ParseScenarioOptions, type Scenario } from '@knsim/scenario';
import { shopWeb } from '../../../test/support/shopWeb.js';

/** A scenario's text: the header, a 2m duration, then `body`. */
export function scenarioText(body: string, duration = '2m'): string {
  return `apiVersion: knsim.dev/v1alpha1\nkind: Scenario\nduration: ${duration}\n${body}`;
}

/** Parses the header plus `body` (no includes unless `options.baseDir` says where). */
export function parse(body: string, options: ParseScenarioOptions = {}): Promise<Scenario> {
  return parseScenario(scenarioText(body), { file: 'test.yaml', ...options });
}

/** The formatted error lines of a scenario that must be rejected. */
export async function errorsOf(text: string, options: ParseScenarioOptions = {}): Promise<string[]> {
  try {
    await parseScenario(text, { file: 'test.yaml', ...options });
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    return error.message
      .split('\n')
      .slice(1)
      .map((line) => line.trim());
  }
  throw new Error('the scenario was accepted');
}

/** Manifests most tests refer to: namespace shop, Deployment and Service web, Pod toolbox. */
export const SHOP = `manifests:
${shopWeb(2)}  - apiVersion: v1
    kind: Pod
    metadata: { name: toolbox, namespace: shop }
    spec: { containers: [{ name: t, image: curl }] }
traffic:
  workloads:
    - { name: load, from: { pods: { namespace: shop, selector: app=toolbox } }, to: "web.shop:80", arrival: { constant: { rate: 10 } } }
`;
