import { randomUUID } from 'crypto';
import { writeFileSync } from 'fs';
import { request } from 'http';
import { join } from 'path';
import type { Browser, Page } from 'playwright-core';
import { ReportWorld, Traced } from './support';
import { UsageError } from '../../toolkit/src/local/assembly';
import { sessionReportHtml } from '../../toolkit/src/report';
import { ConsoleServer } from '../../toolkit/src/report/console';
import { ROOT } from '../engine/support';
import { collectErrors, describeInBrowser, launchChromium, screenshotPath } from '../support/browser';

// Callbacks of page.$eval run in the page: they are written without the DOM's types, which the tests do not load.
/**
 * The session report and the console in headless Chromium (Debian's, through
 * playwright-core): each page loads without console errors, the graph has
 * one node per state, a failed state is drawn failed, a click on an instance
 * shows its output, and the console follows a session while it runs.
 * Screenshots go to test-reports/screenshots/.
 */
let world: ReportWorld;
let browser: Browser;
let squares: Traced;
let failing: Traced;
const id = randomUUID().slice(0, 8);

async function openReport(t: Traced, name: string): Promise<{ page: Page; errors: string[] }> {
  const file = join(world.dataDir, `${name}.html`);
  writeFileSync(file, await sessionReportHtml(t.events));
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = collectErrors(page);
  await page.goto(`file://${file}`);
  await page.waitForSelector('body[data-ready="1"]');
  return { page, errors };
}

function statesOf(t: Traced): string[] {
  const start = t.events[0];
  if (start.t !== 'session' || start.graph === undefined) throw new Error('no graph in the trace');
  return start.graph.states.map((s) => s.id).sort();
}

describeInBrowser('in a browser', () => {
  beforeAll(async () => {
    browser = await launchChromium();
    world = await ReportWorld.start();
    squares = await world.run('squares', { count: 3 }, `squares-${id}`);
    failing = await world.run('failing', { n: 3 }, `failing-${id}`);
  });
  afterAll(async () => {
    await browser?.close();
    await world?.stop();
  });

  describe('the report page', () => {
    test('loads without console errors and draws one node per state, each coloured by its outcome', async () => {
      const { page, errors } = await openReport(squares, 'squares');
      const drawn = await page.$$eval('#graph g.unum-state', (gs) => gs.map((g) => g.getAttribute('data-state')!));
      expect(drawn.sort()).toEqual(statesOf(squares));
      expect(await page.$$eval('#graph g.unum-state', (gs) => gs.map((g) => g.getAttribute('data-outcome')))).toEqual(drawn.map(() => 'succeeded'));
      expect(await page.textContent('#status')).toBe('SUCCEEDED');
      // The Map counts its items.
      expect(await page.textContent('#graph g[data-state="EachItem"] text.counts')).toBe('3 items ✓3');
      await page.screenshot({ path: screenshotPath('report-squares'), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    });

    test('a failed state is drawn failed, with the session\'s error', async () => {
      const { page, errors } = await openReport(failing, 'failing');
      const boom = await page.$('#graph g.unum-state[data-state="Boom"]');
      expect(await boom!.getAttribute('class')).toContain('outcome-failed');
      // The stylesheet's failed colour, not the kind's own.
      expect(await page.$eval('#graph g[data-state="Boom"] > rect', (r) => (globalThis as any).getComputedStyle(r).stroke)).toBe('rgb(220, 38, 38)');
      expect(await page.$eval('#graph g[data-state="Prepare"]', (g) => g.getAttribute('data-outcome'))).toBe('succeeded');
      expect(await page.textContent('#status')).toBe('FAILED');
      expect(await page.textContent('#session-error')).toContain("Failed at node 'Boom' (Boom|0): BoomError");
      expect(await page.textContent('#failed-instances')).toBe('failed instances1');
      expect(await page.textContent('#summary')).toContain('Result (none: the session failed)');
      expect(await page.getAttribute('.tl-row[data-instance="Boom|0"]', 'data-outcome')).toBe('failed');
      await page.click('.tl-row[data-instance="Boom|0"]');
      expect(await page.textContent('#panel pre.error')).toContain('the boom node always fails');
      await page.screenshot({ path: screenshotPath('report-failing'), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    });

    test('a click on an instance shows its input, output and invocations', async () => {
      const { page, errors } = await openReport(squares, 'squares-click');
      expect(await page.isVisible('#panel')).toBe(false);
      await page.click('.tl-row[data-instance="Square|0:2/0"]');
      expect(await page.textContent('#panel .key')).toBe('Square|0:2/0');
      expect(await page.textContent('#panel pre.input')).toBe('3');
      expect(await page.textContent('#panel pre.output')).toBe('9');
      expect(await page.textContent('#panel')).toContain('item 3 of EachItem');
      // A click on a state filters the timeline to it.
      await page.click('#graph g.unum-state[data-state="Sum"]');
      expect(await page.$$eval('.tl-row[data-instance]', (rows) => rows.map((r) => r.getAttribute('data-instance')))).toEqual(['Sum|0']);
      await page.screenshot({ path: screenshotPath('report-instance'), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    });

    test('a Wait slept inside an invocation is drawn on that invocation and listed in its panel', async () => {
      const states = await ReportWorld.start(join(ROOT, 'test', 'engine', 'apps', 'states.ts'));
      try {
        const waited = await states.run('nodesecondspath', { wait: 1 }, `wait-${id}`);
        const { page, errors } = await openReport(waited, 'wait');
        expect(await page.$$eval('.tl-row[data-instance="nodeBefore|0"] .bar .wait', (ws) => ws.map((w) => w.getAttribute('data-wait')))).toEqual(['nodePause']);
        expect(await page.$$eval('.tl-row[data-instance="nodeAfter|0"] .bar .wait', (ws) => ws.length)).toBe(0);
        await page.click('.tl-row[data-instance="nodeBefore|0"]');
        expect(await page.textContent('#panel table')).toMatch(/slept [\d.]+ m?s in Wait nodePause/);
        await page.screenshot({ path: screenshotPath('report-wait'), fullPage: true });
        expect(errors).toEqual([]);
        await page.close();
      } finally {
        await states.stop();
      }
    });

    test('a fan-out larger than the timeline draws one row for its node, and its instances a page at a time', async () => {
      const wide = await world.run('squares', { count: 70 }, `wide-${id}`);
      const { page, errors } = await openReport(wide, 'squares-70');
      expect(await page.$$('.tl-row[data-instance]')).toHaveLength(2); // Items and Sum
      expect(await page.textContent('.tl-group[data-node="Square"] .tl-label')).toMatch(/^70 × Square: ✓70, \d+ cold; peak \d+ at once$/);
      await page.click('.tl-group[data-node="Square"] .tl-group-row');
      expect(await page.$$('.tl-group[data-node="Square"] .tl-row[data-instance]')).toHaveLength(50);
      await page.click('.tl-group[data-node="Square"] .tl-more button');
      expect(await page.$$('.tl-group[data-node="Square"] .tl-row[data-instance]')).toHaveLength(70);
      await page.click('.tl-group[data-node="Square"] .tl-row[data-instance="Square|0:69/0"]');
      expect(await page.textContent('#panel pre.output')).toBe('4900');
      await page.screenshot({ path: screenshotPath('report-grouped'), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    });
  });

  describe('the console (unum ui)', () => {
    let server: ConsoleServer;
    beforeAll(async () => {
      server = await ConsoleServer.start({ dataDir: world.dataDir });
    });
    afterAll(async () => server?.stop());

    test('lists the sessions and follows one while it runs, without console errors', async () => {
      const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
      const errors = collectErrors(page);
      await page.goto(server.url);
      await page.waitForSelector(`tr.session[data-session="failing-${id}"]`);
      expect(await page.textContent(`tr.session[data-session="failing-${id}"] .badge`)).toBe('FAILED');
      expect(await page.textContent(`tr.session[data-session="squares-${id}"]`)).toContain('squares');
      expect(await page.isVisible('#start-form')).toBe(false);

      const session = `queue-${id}`;
      const running = world.run('queue', { count: 3, ms: 1500 }, session);
      await page.waitForSelector(`tr.session[data-session="${session}"] .status-RUNNING`);
      await page.click(`tr.session[data-session="${session}"]`);
      await page.waitForSelector('#session #status.status-RUNNING');
      await page.waitForSelector('#session .tl-row[data-instance^="Slow|"]');
      await page.screenshot({ path: screenshotPath('console-running'), fullPage: true });
      await running;
      await page.waitForSelector('#session #status.status-SUCCEEDED', { timeout: 10_000 });
      await page.waitForSelector(`tr.session[data-session="${session}"] .status-SUCCEEDED`);
      expect(await page.$$eval('#graph g.unum-state', (gs) => gs.length)).toBe(5);
      await page.click('#session .tl-row[data-instance="Count|0"]');
      expect(await page.textContent('#panel pre.output')).toBe('4500');
      await page.screenshot({ path: screenshotPath('console-ended'), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    });

    test('read-only by default, and only for its own host name', async () => {
      const post = await fetch(`${server.url}api/sessions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"input": 1}' });
      expect(post.status).toBe(403);
      expect(((await post.json()) as { error: string }).error).toContain('read-only');
      // A page of another site that rebinds its name to 127.0.0.1 reaches the console with its own Host.
      expect(await statusWithHost(server.url, 'attacker.example')).toBe(421);
      expect(await statusWithHost(server.url, new URL(server.url).host)).toBe(200);
    });

    test('refuses to listen beyond the loopback interface unless asked', async () => {
      await expect(ConsoleServer.start({ dataDir: world.dataDir, host: '0.0.0.0' })).rejects.toThrow(UsageError);
      await expect(ConsoleServer.start({ dataDir: world.dataDir, host: '0.0.0.0' })).rejects.toThrow(/binds to the loopback interface only.*--allow-remote/);
    });

    test('with --allow-run it starts a session with an input, and shows it', async () => {
      const run = { assembly: world.app.dir, workflows: world.app.workflows.map((w) => w.name) };
      const runner = await ConsoleServer.start({ dataDir: world.dataDir, run });
      try {
        const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
        const errors = collectErrors(page);
        await page.goto(runner.url);
        await page.selectOption('#start-form select', 'chain');
        await page.fill('#start-form textarea', '{"n": 20}');
        // A form of another origin cannot start one.
        const cross = await fetch(`${runner.url}api/sessions`, {
          method: 'POST', headers: { 'Content-Type': 'application/json', 'Origin': 'http://attacker.example' }, body: '{}',
        });
        expect(cross.status).toBe(403);
        await page.click('#start-form button');
        await page.waitForSelector('#start-message:has-text("started ")');
        const session = (await page.textContent('#start-message'))!.replace('started ', '');
        // A `unum run` child process: from the sources it compiles first and starts its own DynamoDB Local.
        await page.waitForSelector(`tr.session[data-session="${session}"] .status-SUCCEEDED`, { timeout: 90_000 });
        await page.waitForSelector('#session #status.status-SUCCEEDED', { timeout: 10_000 });
        expect(await page.textContent('#result')).toBe('41');
        await page.screenshot({ path: screenshotPath('console-started'), fullPage: true });
        expect(errors).toEqual([]);
        await page.close();
      } finally {
        await runner.stop();
      }
    });
  });
});

function statusWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, path: '/api/sessions', headers: { Host: host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}
