import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadManifests } from '@knsim/api';
import { describe, expect, it } from 'vitest';
import { analyzeConnectivity, formatConnectionList } from '../src/index.js';

// The netpol-analyzer corpus (see ../shared/conformance/README.md and docs/conformance.md).
const CORPUS = fileURLToPath(new URL('../../../../shared/conformance/netpol-analyzer/', import.meta.url));
const CASES = readdirSync(`${CORPUS}tests`).sort();

/**
 * Cases whose golden output knsim does not reproduce, each with the exact lines that differ.
 * See docs/conformance.md for the reasons.
 */
const KNOWN_DIFFERENCES: Readonly<
  Record<string, { readonly missing: readonly string[]; readonly reason: string }>
> = {
  'acs-security-demos': {
    missing: [
      '{ingress-controller} => frontend/asset-cache[Deployment] : TCP 8080',
      '{ingress-controller} => frontend/webapp[Deployment] : TCP 8080',
    ],
    reason: 'the lines come from OpenShift Route objects, which are not Kubernetes objects and are skipped',
  },
  'acs-security-demos-with-netpol-list': {
    missing: [
      '{ingress-controller} => frontend/asset-cache[Deployment] : TCP 8080',
      '{ingress-controller} => frontend/webapp[Deployment] : TCP 8080',
    ],
    reason: 'the lines come from OpenShift Route objects, which are not Kubernetes objects and are skipped',
  },
};

const ADDRESS_RANGE = /^\d+\.\d+\.\d+\.\d+-\d+\.\d+\.\d+\.\d+$/;

/**
 * The harmless normalisations: trailing whitespace and blank lines go, and address ranges get
 * the `[External]` tag that goldens written before netpol-analyzer added it lack. Line order is
 * kept: every golden is sorted by source then destination, as knsim's output is.
 */
function normalize(text: string): string[] {
  const tag = (endpoint: string): string =>
    ADDRESS_RANGE.test(endpoint) ? `${endpoint}[External]` : endpoint;
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '')
    .map((line) => {
      const match = /^(.*) => (.*) : (.*)$/.exec(line);
      return match === null ? line : `${tag(match[1] ?? '')} => ${tag(match[2] ?? '')} : ${match[3] ?? ''}`;
    });
}

async function analyzeCase(
  name: string,
): Promise<{ actual: string[]; expected: string[]; skippedKinds: string[] }> {
  const loaded = await loadManifests([`${CORPUS}tests/${name}`], { strict: false });
  const actual = normalize(formatConnectionList(analyzeConnectivity(loaded.objects)));
  const expected = normalize(readFileSync(`${CORPUS}expected/${name}_connlist_output.txt`, 'utf8'));
  const skippedKinds = loaded.warnings
    .map((warning) => /skipped: knsim does not model kind (\S+)/.exec(warning.reason)?.[1])
    .filter((kind): kind is string => kind !== undefined);
  return { actual, expected, skippedKinds };
}

describe('netpol-analyzer corpus: analyzeConnectivity reproduces `list` output', () => {
  it('holds the 49 cases the corpus README announces', () => {
    expect(CASES).toHaveLength(49);
  });

  for (const name of CASES) {
    const known = KNOWN_DIFFERENCES[name];
    if (known === undefined) {
      it(`${name}: same connections as the golden`, async () => {
        const { actual, expected } = await analyzeCase(name);
        expect(actual).toEqual(expected);
      });
    } else {
      it(`${name}: same as the golden except the known difference (${known.reason})`, async () => {
        const { actual, expected, skippedKinds } = await analyzeCase(name);
        expect(skippedKinds).toContain('Route');
        for (const line of known.missing) expect(expected).toContain(line);
        expect(actual).toEqual(expected.filter((line) => !known.missing.includes(line)));
      });
    }
  }

  it('passes 47 of 49 cases exactly', () => {
    expect(CASES.filter((name) => KNOWN_DIFFERENCES[name] === undefined)).toHaveLength(47);
  });
});
