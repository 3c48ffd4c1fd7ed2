import { join } from 'path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { startEngine, synthApp } from './support';
import { ATTR, SCHEDULE_INPUT_LIMIT, scheduledEnvelopeObjectKey } from '../../src/protocol';
import { LocalApp, selectWorkflow } from '../../toolkit/src/local/assembly';
import { LocalEngine } from '../../toolkit/src/local/engine';
import { TraceEvent } from '../../toolkit/src/local/session-trace';

/**
 * Long Waits on the engine's scheduler, in simulated time: a 30-day Wait and a TimestampPath Wait 40 days out each
 * end the waiting invocation with a one-time schedule, which the engine fast-forwards to and fires. The run is given
 * 60 s of real time, so it can only succeed if the schedules fast-forwarded.
 */
let app: LocalApp;

beforeAll(async () => {
  app = await synthApp(join(__dirname, '..', 'toolkit-testing', 'apps', 'long-wait.ts'));
}, 300_000);

const DAY = 24 * 3600 * 1000;

// Python functions always run in sandboxes: 'longwaitpy' checks the Python runtime's schedules.
describe.each([
  ['Node.js, in process', true, 'longwait'], ['Node.js, in sandboxes', false, 'longwait'], ['Python', false, 'longwaitpy'],
] as const)('long Waits, %s', (_mode, inProcess, workflow) => {
  const prefix = workflow === 'longwait' ? '' : workflow;
  let engine: LocalEngine;
  beforeAll(async () => {
    engine = await startEngine(app, { skipTime: true, inProcess });
  }, 120_000);
  afterAll(async () => engine?.stop());

  async function run(faults = {}): Promise<{ status: string; result?: unknown; trace: readonly TraceEvent[]; started: number }> {
    const started = engine.clock.now();
    let trace: readonly TraceEvent[] = [];
    // Whole seconds: a TimestampPath's timestamp is read to the second.
    const until = new Date(Math.ceil((started + 40 * DAY) / 1000) * 1000).toISOString();
    const report = await engine.run({ workflow, input: { until }, faults, timeoutMs: 60_000, onTrace: (events) => { trace = events; } });
    return { status: report.status, result: report.result, trace, started };
  }

  test('a 30-day Wait and a TimestampPath Wait pass through two schedules; nothing runs while they last', async () => {
    const schedulesBefore = engine.scheduler.history.length;
    const { status, result, trace, started } = await run();
    expect(status).toBe('SUCCEEDED');
    expect(result).toEqual({ until: expect.any(String) });
    const invs = trace.filter((e): e is Extract<TraceEvent, { t: 'inv' }> => e.t === 'inv');
    const ends = new Map(trace.filter((e): e is Extract<TraceEvent, { t: 'end' }> => e.t === 'end').map((e) => [e.id, e.at]));
    // Before, Before woken after the month (which schedules the second Wait), Before woken at `until` (which invokes After), After.
    expect(invs.map((i) => i.node)).toEqual(['Before', 'Before', 'Before', 'After'].map((n) => prefix + n));
    const schedules = engine.scheduler.history.slice(schedulesBefore);
    expect(schedules.map((s) => s.target.Arn.split(':')[6])).toEqual([invs[0].fn, invs[0].fn]);
    expect(schedules.every((s) => s.firedAt !== undefined && s.actionAfterCompletion === 'DELETE')).toBe(true);
    expect(engine.scheduler.pending).toBe(0);
    // The trace shows simulated times: the woken invocations start at the Waits' ends.
    expect(invs[1].at - started).toBeGreaterThanOrEqual(30 * DAY);
    expect(invs[1].at - started).toBeLessThan(30 * DAY + 60_000);
    expect(invs[2].at - started).toBeGreaterThanOrEqual(40 * DAY);
    expect(invs[3].at).toBeGreaterThanOrEqual(invs[2].at);
    // No invocation runs while a schedule waits: each one ended before the schedule was created or starts after it fired.
    for (const s of schedules) {
      for (const inv of invs) expect(inv.at >= s.at || ends.get(inv.id)! <= s.createdAt + 5_000).toBe(true);
    }
  }, 120_000);

  test('a duplicate delivery of the waiting invocation creates no second schedule (ConflictException)', async () => {
    const schedulesBefore = engine.scheduler.history.length;
    const conflictsBefore = engine.scheduler.conflicts;
    const { status, trace } = await run({ duplicateRate: 1, nodes: [`${prefix}Before`] });
    expect(status).toBe('SUCCEEDED');
    const befores = trace.filter((e) => e.t === 'inv' && e.node === `${prefix}Before`);
    // Each of the three deliveries of Before came twice.
    expect(befores.filter((e) => e.t === 'inv' && e.duplicate === true).length).toBe(3);
    // One schedule per Wait. A copy that finds the checkpoint of the other runs the egress too and meets the
    // schedule (the woken deliveries always do; the first two do when one commits before the other reads).
    expect(engine.scheduler.history.length - schedulesBefore).toBe(2);
    expect(engine.scheduler.conflicts - conflictsBefore).toBeGreaterThanOrEqual(1);
    expect(trace.filter((e) => e.t === 'inv' && e.node === `${prefix}After`).length).toBeGreaterThanOrEqual(1);
  }, 120_000);
});

test('a resume envelope over Scheduler\'s 256 KB input limit is stored; the schedule passes its key and the Wait resumes with it', async () => {
  const engine = await startEngine(app, { skipTime: true, inProcess: true });
  try {
    const report = await engine.run({ workflow: 'longwaitbig', input: {}, timeoutMs: 60_000 });
    expect({ status: report.status, result: report.result }).toEqual({ status: 'SUCCEEDED', result: { length: 300_000 } });
    const [schedule] = engine.scheduler.history;
    const input = JSON.parse(schedule.target.Input!);
    expect(Buffer.byteLength(schedule.target.Input!)).toBeLessThan(SCHEDULE_INPUT_LIMIT);
    expect(input.variables).toBeUndefined();
    expect(input.stored).toBe(scheduledEnvelopeObjectKey(input, schedule.name));
  } finally {
    await engine.stop();
  }
}, 120_000);

describe.each([['Node.js', 'longretry', 'Hourly'], ['Python', 'longretrypy', 'HourlyPy']] as const)('a Retry with intervals longer than the long-wait threshold, %s', (
  _runtime, workflow, node) => {
  const HOUR = 3600 * 1000;
  const logs: string[] = [];
  let engine: LocalEngine;
  beforeAll(async () => {
    engine = await startEngine(app, { skipTime: true, inProcess: true, onLog: (_fn, line) => logs.push(line) });
  }, 120_000);
  afterAll(async () => engine?.stop());

  /** Every item of the session, as stored (what a late delivery must leave as it is). */
  async function items(session: string): Promise<unknown[]> {
    const store = engine.client(selectWorkflow(app, workflow)).store;
    const found = await store.dynamodb.send(new ScanCommand({
      TableName: store.table,
      ConsistentRead: true,
      FilterExpression: 'contains(#pk, :s)',
      ExpressionAttributeNames: { '#pk': ATTR.PK },
      ExpressionAttributeValues: { ':s': { S: session } },
    }));
    return (found.Items ?? []).map((i) => JSON.stringify(i)).sort();
  }

  test('waits 1 h then 2 h through two schedules, none in a sleeping invocation; a late duplicate of a used schedule changes nothing', async () => {
    const schedulesBefore = engine.scheduler.history.length;
    let trace: readonly TraceEvent[] = [];
    const report = await engine.run({ workflow, input: { n: 1 }, timeoutMs: 60_000, onTrace: (events) => { trace = events; } });
    expect({ status: report.status, result: report.result }).toEqual({ status: 'SUCCEEDED', result: { n: 1, attempts: 3 } });
    const invs = trace.filter((e): e is Extract<TraceEvent, { t: 'inv' }> => e.t === 'inv');
    const ends = new Map(trace.filter((e): e is Extract<TraceEvent, { t: 'end' }> => e.t === 'end').map((e) => [e.id, e.at]));
    // One invocation per attempt: the first, and one per schedule.
    expect(invs.map((i) => i.node)).toEqual([node, node, node]);
    const schedules = engine.scheduler.history.slice(schedulesBefore);
    expect(schedules).toHaveLength(2);
    expect(schedules.every((s) => s.firedAt !== undefined && s.actionAfterCompletion === 'DELETE')).toBe(true);
    expect(schedules.map((s) => JSON.parse(s.target.Input!).attempt)).toEqual([1, 2]);
    expect(engine.scheduler.pending).toBe(0);
    // Engine clock: the attempts start 1 h, then 2 h apart (Scheduler's whole seconds add under a second each).
    expect(invs[1].at - invs[0].at).toBeGreaterThanOrEqual(HOUR);
    expect(invs[1].at - invs[0].at).toBeLessThan(HOUR + 60_000);
    expect(invs[2].at - invs[1].at).toBeGreaterThanOrEqual(2 * HOUR);
    expect(invs[2].at - invs[1].at).toBeLessThan(2 * HOUR + 60_000);
    // No invocation slept through an interval: each ended within a minute (the function's timeout) of its start.
    for (const inv of invs) expect(ends.get(inv.id)! - inv.at).toBeLessThan(60_000);

    // Scheduler delivers at least once: the first schedule's invocation again, after it fired and was deleted.
    const stored = await items(report.session);
    const logged = logs.length;
    engine.endpoint.enqueue(schedules[0].target.Arn.split(':')[6], schedules[0].target.Input!);
    await engine.endpoint.idle();
    const late = logs.slice(logged).join('\n');
    // It found the checkpoint, counted a duplicate delivery and ran no attempt (attempt 1 would fail again and schedule anew).
    expect(late).toMatch(new RegExp(`"Node":"${node}".*"DuplicateDeliveries":1`));
    expect(late).not.toMatch(/user code failed|scheduled/);
    expect(engine.scheduler.history.length - schedulesBefore).toBe(2);
    expect(engine.scheduler.pending).toBe(0);
    expect(await items(report.session)).toEqual(stored);
  }, 120_000);
});
