import { join } from 'path';
import { LocalApp } from '../../toolkit/src/local/assembly';
import { WorkflowTestMode, WorkflowTestRunner } from '../../toolkit/src/testing/workflow-test-runner';
import { synthApp } from '../engine/support';

/**
 * skipTime in both modes: an hour and more of Waits (the hour through the engine's scheduler) (a duration, SecondsPath, TimestampPath) and two nodes, Node.js
 * and Python, each failing twice under a 30 s Retry with backoff 2 (30 s, then 60 s). The run is given 60 s of real
 * time, so it can only succeed if simulated time passed; the assertions are on the simulated times the result shows.
 */
let app: LocalApp;

beforeAll(async () => {
  app = await synthApp(join(__dirname, 'apps', 'skip-time.ts'));
}, 300_000);

const HOUR = 3_600_000;

describe.each([WorkflowTestMode.FAST, WorkflowTestMode.FAITHFUL])('skipTime, %s mode', (mode) => {
  let runner: WorkflowTestRunner;
  beforeAll(async () => {
    runner = await WorkflowTestRunner.start({ assemblyDir: app.dir, mode, skipTime: true });
  });
  afterAll(async () => runner?.stop());

  test('an hour of Waits and two retried nodes pass in simulated time; the result shows the simulated gaps', async () => {
    const result = await runner.run({ workflow: 'waits', input: { pause: 120, until: '1970-01-01T00:00:00Z' }, timeoutMs: 60_000 });
    expect({ status: result.status, error: result.error }).toEqual({ status: 'SUCCEEDED', error: undefined });
    expect(result.output).toEqual({ pause: 120, until: '1970-01-01T00:00:00Z', attempts: 3, py_attempts: 3 });
    const started = Math.min(...result.invocations.map((i) => i.startedAt.getTime()));
    const py = result.instance('PyFlaky');
    expect(result.instance('Flaky').attempts).toBe(3);
    expect(py.attempts).toBe(3);
    // The hour (longer than LONG_WAIT_THRESHOLD_MS) went by in one schedule of the engine's scheduler, not in
    // re-invocations continuing the Wait; the SecondsPath's 2 minutes fit in the woken invocation.
    expect(result.invocations.filter((i) => i.instance === 'Hour|0').length).toBeLessThanOrEqual(2);
    expect(runner.localEngine.scheduler.history.filter((s) => s.firedAt !== undefined).length).toBe(1);
    // The hour, the SecondsPath's 2 minutes and Flaky's two intervals (30 s + 60 s) passed before PyFlaky started.
    expect(py.startedAt.getTime() - started).toBeGreaterThanOrEqual(HOUR + 120_000 + 90_000);
    // PyFlaky's own two intervals passed inside its invocation.
    expect(py.endedAt.getTime() - py.startedAt.getTime()).toBeGreaterThanOrEqual(90_000);
    // Not inflated: the sleeps do not add up past what the workflow asks (plus the runtime's margins).
    expect(py.endedAt.getTime() - started).toBeLessThan(HOUR + 120_000 + 180_000 + 300_000);
  }, 120_000);
});

test('without skipTime the simulated clock is off: a Wait takes real time (the run is still RUNNING when the test stops waiting)', async () => {
  const runner = await WorkflowTestRunner.start({ assemblyDir: app.dir, mode: WorkflowTestMode.FAST });
  try {
    const result = await runner.run({ workflow: 'waits', input: { pause: 1, until: '1970-01-01T00:00:00Z' }, timeoutMs: 3_000 });
    expect(result.status).toBe('RUNNING');
  } finally {
    await runner.stop();
  }
}, 120_000);
