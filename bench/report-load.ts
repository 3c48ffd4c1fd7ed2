/**
 * The session report of a 10,000-item Map (issue 15: usable, and loaded in
 * under 2 s in a browser): one session of Start → Map (10,000 items) →
 * FanIn → Collect on the local engine (its Node.js functions in process, the
 * test runner's fast mode, so the session takes a minute rather than six),
 * its trace turned into the report page, and the page loaded in Debian's
 * headless Chromium (playwright-core) several times. Not a test: it prints
 * figures.
 *
 *   node -r ./toolkit/dev/from-sources.js bench/report-load.ts [--items N] [--loads N]
 *
 * Load time: from navigation to the page's `data-ready` mark (the script has
 * parsed the data and drawn the graph, timeline and tables), median and max
 * of the loads after a first one that warms Chromium's caches; also the
 * time to open the grouped fan-out's first 50 rows.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { cpus, tmpdir } from 'os';
import { join } from 'path';
import { workflowPicture } from '../src/picture';
import { mapJoin, synthShapes } from './lib/shapes';
import { median, now, round } from './lib/stats';
import { toSvg } from '../toolkit/src/graph/svg';
import { LocalEngine } from '../toolkit/src/local/engine';
import { TraceEvent } from '../toolkit/src/local/session-trace';
import { buildReportData } from '../toolkit/src/report';
import { reportHtml } from '../toolkit/src/report/html';
import { startTestServers } from '../toolkit/src/testing/test-servers';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number): number => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const items = arg('--items', 10_000);
const loads = arg('--loads', 5);
const TARGET_MS = 2000;
const CHROMIUM = process.env.UNUM_CHROMIUM ?? '/usr/bin/chromium';

async function main(): Promise<void> {
  const app = synthShapes({ Wide: (s) => mapJoin(s, items) });
  const servers = await startTestServers();
  const work = mkdtempSync(join(tmpdir(), 'unum-report-bench-'));
  const lines = [`report load bench — ${new Date().toISOString()} — ${cpus().length} cores, node ${process.version}, a Map of ${items} items`];
  try {
    const engine = await LocalEngine.start({
      app, servers: { dynamodb: servers[0].endpoint, s3: servers[1].endpoint }, inProcess: true, concurrency: 64,
    });
    let events: readonly TraceEvent[] = [];
    let sessionMs: number;
    try {
      const t0 = now();
      const report = await engine.run({ workflow: 'Wide', input: 0, onTrace: (e) => { events = e; }, timeoutMs: 30 * 60_000 });
      sessionMs = now() - t0;
      if (report.status !== 'SUCCEEDED') throw new Error(`the session ${report.status}: ${JSON.stringify(report.error)}`);
    } finally {
      await engine.stop();
    }
    const start = events[0];
    if (start.t !== 'session' || start.graph === undefined) throw new Error('the trace has no graph');
    const t1 = now();
    const picture = workflowPicture(start.graph);
    const data = buildReportData(events, picture);
    const t2 = now();
    const svg = await toSvg(picture);
    const html = reportHtml(data, svg);
    const t3 = now();
    const file = join(work, 'report.html');
    writeFileSync(file, html);
    lines.push(`session: ${round(sessionMs / 1000, 1)} s, ${events.length} trace events, ${data.instances.length} instances`);
    lines.push(`report: data ${round(t2 - t1, 0)} ms, layout + page ${round(t3 - t2, 0)} ms, ${round(html.length / 1024 / 1024, 2)} MB of HTML`);

    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { chromium } = require('playwright-core') as typeof import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
    try {
      const loadMs: number[] = [];
      const openMs: number[] = [];
      let rows = 0;
      let bars = 0;
      for (let i = -1; i < loads; i++) {
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        const t = now();
        await page.goto(`file://${file}`);
        await page.waitForSelector('body[data-ready="1"]', { timeout: 60_000 });
        const loaded = now() - t;
        const o = now();
        await page.click('.tl-group[data-node="Item"] .tl-group-row');
        await page.waitForSelector('.tl-group[data-node="Item"] .tl-row[data-instance]');
        const opened = now() - o;
        rows = (await page.$$('.tl-row')).length;
        bars = (await page.$$('.bar')).length;
        await page.close();
        if (i >= 0) {
          loadMs.push(loaded);
          openMs.push(opened);
        }
      }
      const med = median(loadMs);
      lines.push(`load in Chromium ${browser.version()}: median ${round(med, 0)} ms, max ${round(Math.max(...loadMs), 0)} ms of ${loads} `
        + `(target < ${TARGET_MS} ms: ${med < TARGET_MS ? 'met' : 'NOT met'}, ${round(med / TARGET_MS, 2)} of it)`);
      lines.push(`open the grouped ${items} items (first 50 rows): median ${round(median(openMs), 0)} ms; then ${rows} timeline rows and ${bars} bars drawn `
        + `for ${data.instances.length} instances`);
    } finally {
      await browser.close();
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(work, { recursive: true, force: true });
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
