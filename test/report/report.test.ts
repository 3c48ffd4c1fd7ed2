import { spawn } from 'child_process';
import { randomUUID } from 'crypto';
import { existsSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'fs';
import { join } from 'path';
import { ReportWorld, Traced } from './support';
import { workflowPicture } from '../../src/picture';
import { PRICES } from '../../toolkit/src/local/prices';
import { readTrace, readTraceEnd, readTraceStart, traceFile } from '../../toolkit/src/local/session-trace';
import { buildReportData, ReportData } from '../../toolkit/src/report';
import { ConsoleServer } from '../../toolkit/src/report/console';
import { describeScope } from '../../toolkit/src/report/model';
import { ROOT } from '../engine/support';
import { unum } from '../support/cli';

/**
 * The session report's data, from real sessions of the engine's test app:
 * the engine's trace (in memory and in the data directory), the counts per
 * state and per Map item, each instance's input, output and error, and the
 * store requests and dollars. The page itself is tested in a browser
 * (browser.test.ts).
 */
let world: ReportWorld;
let squares: Traced;
let failing: Traced;
const id = randomUUID().slice(0, 8);

beforeAll(async () => {
  world = await ReportWorld.start();
  squares = await world.run('squares', { count: 3 }, `squares-${id}`);
  failing = await world.run('failing', { n: 3 }, `failing-${id}`);
});
afterAll(async () => {
  await world?.stop();
  if (world) rmSync(world.dataDir, { recursive: true, force: true });
});

function data(t: Traced): ReportData {
  const start = t.events[0];
  if (start.t !== 'session' || start.graph === undefined) throw new Error('no graph in the trace');
  return buildReportData(t.events, workflowPicture(start.graph));
}

describe('the trace the engine keeps', () => {
  test('is written to the data directory as it is kept in memory, from the session start to its end', () => {
    expect(readTrace(world.dataDir, `squares-${id}`)).toEqual(squares.events);
    expect(readTraceStart(world.dataDir, `squares-${id}`)).toMatchObject({ t: 'session', workflow: 'squares', input: '{"count":3}' });
    expect(readTraceEnd(world.dataDir, `failing-${id}`)).toMatchObject({ t: 'done', status: 'FAILED', error: { node: 'Boom' } });
  });

  test('names the invocation of every log line of a sandbox', () => {
    const logs = failing.events.filter((e) => e.t === 'log');
    expect(logs.some((e) => e.t === 'log' && e.line.includes('user code failed; no retry or catch left'))).toBe(true);
    const invocations = new Map(failing.events.flatMap((e) => (e.t === 'inv' ? [[e.id, e.instance]] : [])));
    for (const e of logs) if (e.t === 'log' && e.line.includes('"instance":"Boom|0"')) expect(invocations.get(e.id!)).toBe('Boom|0');
  });
});

describe('the report data', () => {
  test('counts instances per state and items per Map, and agrees with the engine\'s report', () => {
    const d = data(squares);
    expect(d.status).toBe('SUCCEEDED');
    expect(d.result).toBe('14');
    const state = (name: string) => d.states.find((s) => s.state === name)!;
    expect(state('Square')).toMatchObject({ outcome: 'succeeded', instances: 3, succeeded: 3, failed: 0 });
    expect(state('EachItem')).toMatchObject({ kind: 'map', outcome: 'succeeded', items: { total: 3, succeeded: 3, failed: 0, running: 0 } });
    expect(state('Sum')).toMatchObject({ outcome: 'succeeded', instances: 1 });
    expect(d.instances).toHaveLength(squares.report.instances.length);
    expect(d.invocations).toEqual(squares.report.invocations);
    expect(d.store.total).toBe(squares.report.store.total);
    expect(d.store.dynamodb).toEqual(squares.report.store.dynamodb);
  });

  test('keeps each instance\'s input and output, and says where it ran', () => {
    const d = data(squares);
    const items = d.instances.filter((r) => r.node === 'Square').sort((a, b) => a.key.localeCompare(b.key));
    expect(items.map((r) => [r.key, r.input, r.output, r.scope])).toEqual([
      ['Square|0:0/0', '1', '1', 'item 1 of EachItem'],
      ['Square|0:1/0', '2', '4', 'item 2 of EachItem'],
      ['Square|0:2/0', '3', '9', 'item 3 of EachItem'],
    ]);
    for (const r of d.instances) {
      expect(r.outcome).toBe('committed');
      expect(r.checkpoint!.e).toBeGreaterThanOrEqual(r.checkpoint!.s);
      expect(r.end).toBeGreaterThanOrEqual(r.start);
      expect(r.userMs?.length).toBeGreaterThan(0);
    }
    expect(d.instances.find((r) => r.node === 'Sum')!.output).toBe('14');
    // The first invocation of each function starts a sandbox; its init is measured.
    expect(d.instances.find((r) => r.node === 'Items')!.invocations[0]).toMatchObject({ cold: true, init: expect.any(Number) });
  });

  test('a failed session: the failing state and instance with its error, the others succeeded', () => {
    const d = data(failing);
    expect(d.status).toBe('FAILED');
    expect(d.error).toMatchObject({ node: 'Boom', error: 'BoomError' });
    expect(d.states.find((s) => s.state === 'Boom')).toMatchObject({ outcome: 'failed', failed: 1, succeeded: 0 });
    expect(d.states.find((s) => s.state === 'Prepare')).toMatchObject({ outcome: 'succeeded' });
    const boom = d.instances.find((r) => r.key === 'Boom|0')!;
    expect(boom).toMatchObject({ outcome: 'failed', input: '{"n":6}', error: { error: 'BoomError', cause: expect.stringContaining('the boom node always fails') } });
    expect(boom.output).toBeUndefined();
    expect(boom.logs.some(([, line]) => line.includes('user code failed'))).toBe(true);
  });

  test('a Map retried as a whole: its items by index across attempts, the last attempt saying how each ended', async () => {
    const fanouts = await ReportWorld.start(join(ROOT, 'test', 'engine', 'apps', 'fanout-failures.ts'));
    try {
      const t = await fanouts.run('map-retry', { items: [{ n: 1 }, { n: 2, failOnce: true }, { n: 3, fail: true }] }, `map-retry-${id}`);
      expect(t.report.status).toBe('SUCCEEDED');
      const d = data(t);
      // Item 3 fails in every attempt: the Map's retries run out and its catch handles it; MrDone never runs.
      expect(d.states.find((s) => s.state === 'MrItems')).toMatchObject({ outcome: 'partial', items: { total: 3, succeeded: 2, failed: 1, retried: 3 } });
      expect(d.states.find((s) => s.state === 'MrHandler')).toMatchObject({ outcome: 'succeeded', instances: 1 });
      expect(d.states.find((s) => s.state === 'MrDone')).toMatchObject({ outcome: 'none', instances: 0 });
      const item3 = d.instances.filter((r) => r.node === 'MrItem' && /:2\/0$/.test(r.key)).map((r) => [r.key, r.outcome, r.error?.error, r.scope]);
      expect(item3.sort()).toEqual([
        ['MrItem|0:2/0', 'failed', 'ItemFailed', 'item 3 of MrItems'],
        ['MrItem|0~1:2/0', 'failed', 'ItemFailed', 'item 3 of MrItems (its attempt 2)'],
        ['MrItem|0~2:2/0', 'failed', 'ItemFailed', 'item 3 of MrItems (its attempt 3)'],
      ]);
      expect(d.instances.find((r) => r.key === 'MrItem|0~1:1/0')).toMatchObject({ outcome: 'committed', output: expect.stringContaining('"attempt":1') });
    } finally {
      await fanouts.stop();
      rmSync(fanouts.dataDir, { recursive: true, force: true });
    }
  });

  test('a Wait slept inside an invocation is marked on that invocation, in Node.js and in Python', async () => {
    const states = await ReportWorld.start(join(ROOT, 'test', 'engine', 'apps', 'states.ts'));
    try {
      for (const lang of ['node', 'py']) {
        const t = await states.run(`${lang}secondspath`, { wait: 1 }, `wait-${lang}-${id}`);
        expect(t.report.status).toBe('SUCCEEDED');
        const d = data(t);
        // The function before the Wait runs it (its runtime sleeps, then invokes the next function).
        const before = d.instances.find((r) => r.node === `${lang}Before`)!;
        expect(before.waits?.map((w) => w.state)).toEqual([`${lang}Pause`]);
        const [w] = before.waits!;
        expect(w.retry).toBeUndefined();
        expect(w.e - w.s).toBeGreaterThan(0);
        expect(w.e - w.s).toBeLessThanOrEqual(1000);
        expect(before.invocations.some((inv) => inv.s <= w.s && inv.e !== undefined && w.e <= inv.e + 1)).toBe(true);
        expect(d.instances.find((r) => r.node === `${lang}After`)?.waits).toBeUndefined();
      }
    } finally {
      await states.stop();
      rmSync(states.dataDir, { recursive: true, force: true });
    }
  });

  test('a Retry interval slept inside the invocation is marked as one, before the attempt it delays', async () => {
    const t = await world.run('retry', 'x', `retry-sleep-${id}`);
    expect(t.report.status).toBe('SUCCEEDED');
    const flaky = data(t).instances.find((r) => r.node === 'Flaky')!;
    expect(flaky.userMs).toHaveLength(2);
    expect(flaky.waits?.map((w) => [w.state, w.retry])).toEqual([['Flaky', true]]);
    const [w] = flaky.waits!;
    expect(w.e - w.s).toBeGreaterThan(0);
    expect(w.e - w.s).toBeLessThanOrEqual(1000);
  });

  test('a Wait longer than an invocation re-invokes the function, which is no retry', async () => {
    const states = await ReportWorld.start(join(ROOT, 'test', 'engine', 'apps', 'states.ts'), { skipTime: true });
    try {
      const t = await states.run('nodesecondspath', { wait: 3600 }, `long-wait-${id}`);
      expect(t.report.status).toBe('SUCCEEDED');
      const d = data(t);
      const before = d.instances.find((r) => r.node === 'nodeBefore')!;
      expect(before.invocations.filter((i) => i.re)).toHaveLength(1);
      expect(before.retries).toBe(0);
      expect(d.states.find((s) => s.state === 'nodeBefore')).toMatchObject({ retried: 0, succeeded: 1 });
      expect(d.invocations.retries).toBe(0);
    } finally {
      await states.stop();
      rmSync(states.dataDir, { recursive: true, force: true });
    }
  });

  test('injected crashes: every invocation with its crash and error, the retry that recovered, the state and the Map retried', async () => {
    const t = await world.run('squares', { count: 2 }, `crashes-${id}`, { crashAt: 'after-checkpoint-read' });
    expect(t.report.status).toBe('SUCCEEDED');
    const d = data(t);
    expect(d.invocations).toEqual(t.report.invocations);
    expect(d.invocations.crashes).toBe(t.report.instances.length);
    for (const r of d.instances) {
      expect(r).toMatchObject({ outcome: 'committed', crashes: 1, retries: 1 });
      expect(r.invocations).toEqual([
        expect.objectContaining({ attempt: 0, crash: 'after-checkpoint-read', err: expect.stringMatching(/^Unum\.SimulatedCrash: simulated crash after-checkpoint-read/) }),
        expect.not.objectContaining({ err: expect.anything() }),
      ]);
      expect(r.invocations[1]).toMatchObject({ attempt: 1 });
      expect(r.invocations[1].s).toBeGreaterThanOrEqual(r.invocations[0].e!);
    }
    expect(d.states.find((s) => s.state === 'EachItem')).toMatchObject({ items: { total: 2, succeeded: 2, retried: 2 } });
    expect(d.states.find((s) => s.state === 'Sum')).toMatchObject({ retried: 1, succeeded: 1 });
  });

  test('prices the session from its requests: capacity units, S3 classes, Lambda requests and GB-seconds', () => {
    const { cost, invocations } = data(squares);
    expect(cost.lambdaRequests).toBe(invocations.total);
    expect(cost.usd.lambdaRequests).toBeCloseTo(invocations.total * PRICES.lambda.perRequest, 12);
    expect(cost.usd.dynamodb).toBeCloseTo(cost.wcu * PRICES.dynamodb.perWriteUnit + cost.rcu * PRICES.dynamodb.perReadUnit, 12);
    // Every write costs at least one unit: the checkpoint and session writes alone are more than the instances.
    const writes = ['PutItem', 'UpdateItem', 'DeleteItem'].reduce((n, op) => n + (squares.report.store.dynamodb[op] ?? 0), 0);
    expect(cost.wcu).toBeGreaterThanOrEqual(writes);
    expect(cost.lambdaGbSeconds).toBeGreaterThan(0);
    expect(cost.usd.total).toBeCloseTo(cost.usd.dynamodb + cost.usd.s3 + cost.usd.lambdaRequests + cost.usd.lambdaDuration, 12);
  });

  test('instance keys in words', () => {
    expect(describeScope('Sum|0', [])).toBe('top level');
    expect(describeScope('Square|0:3/0', ['item %d of EachItem'])).toBe('item 4 of EachItem');
    expect(describeScope('Inner|0:1/2~1:0/4', ['item %d of Outer', 'branch %d of Both'])).toBe('item 2 of Outer, branch 1 of Both (its attempt 2), iteration 5');
  });
});

describe('unum report and unum run --report', () => {
  test('unum report writes one self-contained page of a session in the data directory', async () => {
    const out = join(world.dataDir, 'page.html');
    const r = await unum('report', `squares-${id}`, '--data-dir', world.dataDir, '--out', out);
    expect(r.stderr).toContain(`wrote the report of session squares-${id} to ${out}`);
    expect(r.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    // Nothing is fetched: no external script, stylesheet or image, and the page forbids loading any.
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain('<svg');
    const json = /<script id="unum-data" type="application\/json">(.*?)<\/script>/s.exec(html)![1];
    expect(JSON.parse(json)).toMatchObject({ session: `squares-${id}`, workflow: 'squares', status: 'SUCCEEDED' });
  });

  test('unum report of a session that is not there says what is', async () => {
    const r = await unum('report', 'nope', '--data-dir', world.dataDir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`no session nope in ${world.dataDir}`);
    expect((await unum('report', '--data-dir', world.dataDir)).stderr).toContain('usage: unum report <session>');
  });

  test('unum run --report writes the page of the session it ran', async () => {
    const out = join(world.dataDir, 'run.html');
    const r = await unum('run', '--assembly', world.app.dir, '--workflow', 'chain', '--input', '{"n": 5}', '--report', out);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`wrote the report to ${out}`);
    expect(existsSync(out)).toBe(true);
    const json = /<script id="unum-data" type="application\/json">(.*?)<\/script>/s.exec(readFileSync(out, 'utf8'))![1];
    expect(JSON.parse(json)).toMatchObject({ workflow: 'chain', status: 'SUCCEEDED', result: '11' });
  });
});

describe('unum ui', () => {
  test('refuses a non-loopback address without --allow-remote, and --app without --allow-run', async () => {
    const remote = await unum('ui', '--data-dir', world.dataDir, '--host', '0.0.0.0');
    expect(remote.code).toBe(2);
    expect(remote.stderr).toContain('unum: the console binds to the loopback interface only (got --host 0.0.0.0)');
    expect(remote.stderr).toContain('--allow-remote');
    const app = await unum('ui', '--data-dir', world.dataDir, '--assembly', world.app.dir);
    expect(app.code).toBe(2);
    expect(app.stderr).toContain('--app and --assembly are for starting sessions: add --allow-run');
    expect((await unum('ui', '--data-dir', join(world.dataDir, 'nothing'))).stderr).toContain('no data directory');
  });

  test('lists the sessions with status, start, duration and workflow; a trace left without an end is a stopped run', async () => {
    const stopped = `stopped-${id}`;
    const lines = squares.events.slice(0, -2).map((e) => JSON.stringify({ ...e, ...(e.t === 'session' ? { session: stopped } : {}) }));
    writeFileSync(traceFile(world.dataDir, stopped), `${lines.join('\n')}\n`);
    const old = new Date(Date.now() - 60_000);
    utimesSync(traceFile(world.dataDir, stopped), old, old);
    const server = await ConsoleServer.start({ dataDir: world.dataDir });
    try {
      const list = await (await fetch(`${server.url}api/sessions`)).json() as Array<Record<string, unknown>>;
      const at = (t: string) => squares.events.find((e) => e.t === t) as { at: number };
      expect(list.find((s) => s.session === `squares-${id}`)).toEqual({
        session: `squares-${id}`, workflow: 'squares', status: 'SUCCEEDED', startedAt: at('session').at, durationMs: at('done').at - at('session').at,
      });
      expect(list.find((s) => s.session === `failing-${id}`)).toMatchObject({ status: 'FAILED', workflow: 'failing' });
      expect(list.find((s) => s.session === stopped)).toMatchObject({ status: 'STOPPED', workflow: 'squares' });
    } finally {
      await server.stop();
      rmSync(traceFile(world.dataDir, stopped));
    }
  });

  test('a session the console cannot start: its run\'s error, and input that is not JSON', async () => {
    const server = await ConsoleServer.start({ dataDir: world.dataDir, run: { assembly: join(world.dataDir, 'no-such-cdk.out'), workflows: ['chain'] } });
    try {
      const post = (body: unknown) => fetch(`${server.url}api/sessions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      const bad = await post({ workflow: 'chain', input: '{n: 1}' });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: string }).error).toContain('the input is not JSON');
      expect((await post({ workflow: 'nope', input: '1' })).status).toBe(400);
      const failed = await post({ workflow: 'chain', input: '1' });
      expect(failed.status).toBe(500);
      expect(((await failed.json()) as { error: string }).error).toMatch(/^unum run exited with code 2 before the session started: unum: .*no-such-cdk\.out/s);
    } finally {
      await server.stop();
    }
  });

  test('serves until interrupted (SIGINT), then exits 0', async () => {
    const child = spawn(process.execPath, ['-r', join(ROOT, 'toolkit', 'dev', 'from-sources.js'), join(ROOT, 'toolkit', 'src', 'cli', 'main.ts'),
      'ui', '--data-dir', world.dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString('utf8');
        const m = /is at (http:\/\/127\.0\.0\.1:\d+\/) \(read-only\)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`unum ui exited ${code}: ${out}`)));
    });
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('cdk-unum console');
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
