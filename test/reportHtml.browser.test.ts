import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { parseScenario, reportHtml, runScenario } from '../packages/scenario/src/index.js';
import { shopWeb } from './support/shopWeb.js';

// Debian's Chromium (`apt-get install chromium`); .ci/run installs it, so CI always runs this.
const CHROMIUM = process.env['KNSIM_CHROMIUM'] ?? '/usr/bin/chromium';

const SCENARIO = `apiVersion: knsim.dev/v1alpha1
kind: Scenario
metadata: { name: "<img src=x onerror=alert(1)> & co", description: "names are escaped: <b>bold</b>" }
seed: 5
duration: 1m
cluster: { nodes: 3 }
manifests:
${shopWeb(3)}  - apiVersion: v1
    kind: Pod
    metadata: { name: client, namespace: shop, labels: { app: client } }
    spec: { containers: [{ name: c, image: curl }] }
traffic:
  workloads:
    - { name: "load<1>", from: { pods: { namespace: shop, selector: app=client } }, to: "web.shop:80", arrival: { constant: { rate: 40 } }, start: 5s }
timeline:
  - at: 20s
    name: "crash <node-2>"
    crashNode: node-2
expect:
  - over: { from: 5s, to: 20s }
    metric: { workload: "load<1>", successRatio: { atLeast: 0.99 } }
`;

// CI sets KNSIM_REQUIRE_BROWSER once it has installed Chromium: a missing browser then fails.
const skip = !existsSync(CHROMIUM) && process.env['KNSIM_REQUIRE_BROWSER'] !== '1';

describe.skipIf(skip)('report.html in headless Chromium', () => {
  it('renders its charts with no console errors, and shows user-provided names as text', async () => {
    const scenario = await parseScenario(SCENARIO, { file: 'browser.yaml' });
    const { report } = runScenario(scenario);
    const dir = mkdtempSync(join(tmpdir(), 'knsim-html-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, reportHtml(report));
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('dialog', (dialog) => {
        problems.push(`dialog: ${dialog.message()}`);
        void dialog.dismiss();
      });
      const requests: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith('file:')) requests.push(request.url());
      });
      await page.goto(pathToFileURL(file).href);
      expect(await page.title()).toBe('knsim run: <img src=x onerror=alert(1)> & co');
      expect(await page.locator('h1').innerText()).toBe('knsim run: <img src=x onerror=alert(1)> & co');
      expect(await page.locator('img').count()).toBe(0);
      // Per workload: success ratio and latency over time, outcomes and per-pod load; per Service: shares.
      expect(await page.locator('svg.chart').count()).toBe(5);
      expect(await page.locator('svg.chart polyline').count()).toBeGreaterThan(0);
      expect(await page.locator('svg.chart line.marker').count()).toBe(2);
      const size = await page.locator('svg.chart').first().boundingBox();
      expect(size?.width).toBeGreaterThan(100);
      expect(await page.locator('text=crash <node-2>').count()).toBeGreaterThan(0);
      expect(problems).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
