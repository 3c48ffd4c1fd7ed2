import { readFileSync, rmSync } from 'fs';
import { join } from 'path';
import { TaskTokenError, parseTaskToken } from '../../src/protocol/callback';
import { LocalApp } from '../../toolkit/src/local/assembly';
import { WorkflowTestMode, WorkflowTestRunner } from '../../toolkit/src/testing/workflow-test-runner';
import { ROOT, sharedDir, synthApp } from '../engine/support';

/**
 * Callbacks in users' tests (test/engine/apps/approval.ts): run() returns when the session parks, the result
 * names the parked task and its token, and the test answers it (success, failure, heartbeat) or lets its limits
 * pass. skipTime is on, so without the runner holding the parked tasks' checks their limits would pass at once.
 */
let app: LocalApp;
let dir: string;

beforeAll(async () => {
  app = await synthApp(join(ROOT, 'test', 'engine', 'apps', 'approval.ts'));
}, 300_000);
beforeEach(() => {
  dir = sharedDir(join(ROOT, 'test', 'toolkit-testing'), '.callback-');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe.each([WorkflowTestMode.FAST, WorkflowTestMode.FAITHFUL])('callbacks in the test runner, %s mode', (mode) => {
  let runner: WorkflowTestRunner;
  beforeAll(async () => {
    runner = await WorkflowTestRunner.start({ assemblyDir: app.dir, mode, skipTime: true });
  }, 120_000);
  afterAll(async () => runner?.stop());

  test('run() returns the parked task with the token its code was handed; sendTaskSuccess runs the session to its end', async () => {
    const parked = await runner.run({ workflow: 'approval', input: { dir, order: 'o-1' } });
    expect(parked.status).toBe('RUNNING');
    expect(parked.report.timedOut).toBeUndefined();
    expect(parked.parked.map(({ token: _t, ...p }) => p)).toEqual([{ node: 'Approve', instance: 'Approve|0', index: 0, attempt: 0 }]);
    const token = parked.taskToken('Approve');
    expect(token).toBe(readFileSync(join(dir, 'token-0'), 'utf8'));
    expect(parked.instance('Approve').outcome).toBe('incomplete');
    expect(() => parked.instances('Ship')).toThrow(/no instance of node 'Ship' ran/);

    const done = await runner.sendTaskSuccess(token, { approved: true, by: 'ana' });
    expect({ status: done.status, error: done.error, session: done.session }).toEqual({ status: 'SUCCEEDED', error: undefined, session: parked.session });
    expect(done.output).toEqual({ dir, order: 'o-1', approval: { approved: true, by: 'ana' } });
    expect(done.instance('Approve').output).toEqual(done.output);
    expect(done.instance('Ship').outcome).toBe('committed');
    expect(done.parked).toEqual([]);
    expect(() => done.taskToken('Approve')).toThrow(/node 'Approve' does not wait for a task token in session .* \(status SUCCEEDED; parked: none\)/);
    // Used once: a second answer is refused and changes nothing.
    await expect(runner.sendTaskSuccess(token, { approved: false })).rejects.toThrow(TaskTokenError);
  }, 120_000);

  test('sendTaskFailure goes to the Catch of the parked task', async () => {
    const parked = await runner.run({ workflow: 'approval', input: { dir, order: 'o-2' } });
    const done = await runner.sendTaskFailure(parked.taskToken('Approve'), 'Rejected', 'over budget');
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output).toEqual({ dir, order: 'o-2', rejection: { Error: 'Rejected', Cause: 'over budget' } });
    expect(done.instance('Rejected').outcome).toBe('committed');
    expect(() => done.instances('Ship')).toThrow(/no instance of node 'Ship' ran/);
  }, 120_000);

  test('a failure the Retry matches parks the next attempt with a new token', async () => {
    const parked = await runner.run({ workflow: 'approval', input: { dir, order: 'o-3' } });
    const again = await runner.sendTaskFailure(parked.taskToken('Approve'), 'TryAgain');
    expect(again.status).toBe('RUNNING');
    expect(again.parked.map((p) => p.attempt)).toEqual([1]);
    const token = again.taskToken('Approve');
    expect(token).toBe(readFileSync(join(dir, 'token-1'), 'utf8'));
    expect(parseTaskToken(token).binding.attempt).toBe(1);
    const done = await runner.sendTaskSuccess(token, 'ok');
    expect(done.output).toEqual({ dir, order: 'o-3', approval: 'ok' });
  }, 120_000);

  test('the heartbeat limit waits for the test; a heartbeat keeps it, expireCallbacks lets it pass to the Catch', async () => {
    const parked = await runner.run({ workflow: 'approval-heartbeat', input: { dir, order: 'o-4' } });
    expect(parked.status).toBe('RUNNING');
    const token = parked.taskToken('HbApprove');
    await runner.sendTaskHeartbeat(token);
    const expired = await runner.expireCallbacks(parked.session, { workflow: 'approval-heartbeat' });
    expect(expired.status).toBe('SUCCEEDED');
    expect(expired.output).toEqual({
      dir, order: 'o-4', rejection: { Error: 'States.HeartbeatTimeout', Cause: 'no heartbeat (sendTaskHeartbeat) or answer within 3 s' },
    });
    await expect(runner.sendTaskSuccess(token, 'late')).rejects.toThrow(TaskTokenError);
  }, 120_000);

  test('a 7-day taskTimeout passes in simulated time when the test lets it; the session fails with States.Timeout', async () => {
    const parked = await runner.run({ workflow: 'approval-timeout', input: { dir, order: 'o-5' } });
    expect(parked.parked.map((p) => p.node)).toEqual(['ToApprove']);
    const expired = await runner.expireCallbacks(parked.session, { workflow: 'approval-timeout' });
    expect(expired.status).toBe('FAILED');
    expect(expired.error).toMatchObject({ error: 'States.Timeout' });
    expect(expired.parked).toEqual([]);
    expect(expired.instance('ToApprove').endedAt.getTime() - parked.instance('ToApprove').startedAt.getTime()).toBeGreaterThanOrEqual(7 * 86_400_000);
  }, 120_000);
});
