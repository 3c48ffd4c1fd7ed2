import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { synthExample } from './workflow-support';
import { LocalApp } from '../../toolkit/src/local/assembly';
import { LambdaPlatform } from '../../toolkit/src/simulate/lambda-platform';
import { DEFAULT_PROFILE } from '../../toolkit/src/simulate/profile';
import { reportBinSeconds, simulationReportHtml, workflowPlots } from '../../toolkit/src/simulate/simulation-report';
import { ticks } from '../../toolkit/src/simulate/svg-chart';
import { simWorkflow } from '../../toolkit/src/simulate/workflow-config';
import { runWorkflow } from '../../toolkit/src/simulate/workflow-run';
import { summarize } from '../../toolkit/src/simulate/workflow-summary';
import { collectErrors, describeInBrowser, launchChromium, screenshotPath } from '../support/browser';
import { unum } from '../support/cli';

/**
 * `unum simulate --report`: the platform's time series agree with the summary's figures (the plots draw what the
 * numbers say), and the page opens in Chromium with its plots and no error.
 */
let assembly: string;
let app: LocalApp;
let dir: string;
beforeAll(async () => {
  ({ app, dir: assembly } = await synthExample('map-join'));
  dir = mkdtempSync(join(tmpdir(), 'unum-simreport-'));
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const INPUT = Array.from({ length: 20 }, (_, i) => i);

test('ticks are round and cover the maximum', async () => {
  expect(ticks(0)).toEqual([0]);
  expect(ticks(1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  expect(ticks(37)).toEqual([0, 10, 20, 30, 40]);
  expect(ticks(0.0042)).toEqual([0, 0.001, 0.002, 0.003, 0.004, 0.005]);
});

test('the time series integrate to the summary: average concurrency and instances, cold starts, peak instances; the CDF gives the p95', async () => {
  const options = { rate: 20, sessions: 400, seed: 5, input: INPUT };
  const binSeconds = reportBinSeconds(options);
  expect(binSeconds).toBe(0.1);
  const { sim, model } = await runWorkflow(simWorkflow(app.workflows[0]), DEFAULT_PROFILE, { ...options, seriesBinSeconds: binSeconds });
  const summary = summarize(model, sim, DEFAULT_PROFILE, options);
  const plots = workflowPlots(model, summary);
  expect(plots.functions.map((f) => f.node).sort()).toEqual(Object.keys(summary.functions).sort());
  const width = (i: number) => Math.min(binSeconds, sim.now - i * binSeconds);
  const seconds = (series: readonly number[]) => series.reduce((a, v, i) => a + v * width(i), 0);
  for (const f of plots.functions) {
    const s = (model.platform as LambdaPlatform).stats(f.node);
    expect(seconds(f.running) / sim.now).toBeCloseTo(s.averageRunning, 9);
    expect(seconds(f.instances) / sim.now).toBeCloseTo(s.averageInstances, 9);
    expect(f.coldStarts.reduce((a, b) => a + b, 0)).toBe(summary.functions[f.node].coldStarts);
    expect(Math.max(...f.instances)).toBeLessThanOrEqual(s.peakInstances + 1e-9);
    expect(f.running.every((r, i) => r <= f.instances[i] + 1e-9)).toBe(true);
  }
  expect(plots.latencies).toHaveLength(summary.sessions.succeeded);
  expect(plots.latencies[Math.ceil(0.95 * plots.latencies.length) - 1]).toBeCloseTo(summary.latency.p95, 6);
  const html = simulationReportHtml([plots]);
  expect(html.match(/<svg class="unum-chart"/g)).toHaveLength(4);
  // One polyline for the CDF, then one per function on each of the three plots over time.
  expect(html.match(/<polyline class="series"/g)).toHaveLength(1 + 3 * plots.functions.length);
  expect(html).not.toMatch(/<script/);
});

test('the platform keeps no time series unless asked', async () => {
  const { model } = await runWorkflow(simWorkflow(app.workflows[0]), DEFAULT_PROFILE, { rate: 5, sessions: 5, input: INPUT });
  expect(model.platform.series('Identity')).toBeUndefined();
});

test('unum simulate --report writes the page (stdout keeps the JSON), and a file that is not .html is refused by name', async () => {
  const out = join(dir, 'sim.html');
  const r = await unum('simulate', '--assembly', assembly, '--input', JSON.stringify(INPUT), '--rate', '10', '--sessions', '100', '--json', '--report', out);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)[0].workflow).toBe('MapJoin');
  expect(r.stderr).toContain(`unum: report written to ${out}`);
  const html = readFileSync(out, 'utf8');
  expect(html).toContain('<h2>MapJoin</h2>');
  expect(html.match(/<svg class="unum-chart"/g)).toHaveLength(4);
  const bad = await unum('simulate', '--assembly', assembly, '--report', join(dir, 'sim.png'));
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('--report writes an HTML page: give a file ending in .html');
}, 120_000);

describeInBrowser('the report in Chromium', () => {
  test('opens from disk with no error; every plot is drawn with its series', async () => {
    const out = join(dir, 'browser.html');
    const r = await unum('simulate', '--assembly', assembly, '--input', JSON.stringify(INPUT), '--rate', '10', '--sessions', '200', '--report', out);
    expect(r.code).toBe(0);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 900, height: 1400 } });
      const errors = collectErrors(page);
      await page.goto(`file://${out}`);
      expect(await page.locator('svg.unum-chart').count()).toBe(4);
      const series = await page.locator('svg.unum-chart polyline.series').evaluateAll((els) => els.map((e) => e.getAttribute('data-series')));
      expect(series).toEqual(['sessions', 'Start', 'Identity', 'Collect', 'Start', 'Identity', 'Collect', 'Start', 'Identity', 'Collect']);
      // Drawn inside the plot: every point of the CDF lies in the chart's viewBox.
      const box = await page.locator('svg.unum-chart').first().boundingBox();
      expect(box!.width).toBeGreaterThan(300);
      await page.screenshot({ path: screenshotPath('simulate-report'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
