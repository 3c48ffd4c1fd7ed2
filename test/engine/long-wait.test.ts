import { join } from 'path';
import { startEngine, synthApp } from './support';
import { SCHEDULE_INPUT_LIMIT, scheduledEnvelopeObjectKey } from '../../src/protocol';
import { LocalApp } from '../../toolkit/src/local/assembly';
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
