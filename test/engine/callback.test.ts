import { existsSync, readFileSync, rmSync } from 'fs';
import { join } from 'path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { ROOT, sharedDir, startEngine, synthApp } from './support';
import { callbackItemKey, sessionItemKey } from '../../src/protocol';
import { CALLBACK_ATTR, CALLBACK_STATE, TaskTokenError, encodeTaskToken, parseTaskToken } from '../../src/protocol/callback';
import { UnumClient } from '../../toolkit/src/client';
import { LocalApp, selectWorkflow } from '../../toolkit/src/local/assembly';
import { LocalEngine, SessionReport } from '../../toolkit/src/local/engine';
import { TraceEvent } from '../../toolkit/src/local/session-trace';

/**
 * Callbacks through the engine (test/engine/apps/approval.ts): Approve waits for a task token, which its user code
 * writes to a file as an approval request would send it; the test answers it with the client the engine builds.
 */
let app: LocalApp;
let engine: LocalEngine;
let dir: string;

beforeAll(async () => {
  app = await synthApp(join(__dirname, 'apps', 'approval.ts'));
  engine = await startEngine(app);
}, 300_000);
afterAll(async () => engine?.stop());
beforeEach(() => {
  dir = sharedDir(join(ROOT, 'test', 'engine'), '.callback-');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const tokenFile = (attempt: number) => join(dir, `token-${attempt}`);
const token = (attempt = 0) => readFileSync(tokenFile(attempt), 'utf8');

/** Starts a session: it parks at Approve, every invocation ended, and the token was handed out. */
async function park(workflow = 'approval'): Promise<SessionReport & { trace: readonly TraceEvent[] }> {
  let trace: readonly TraceEvent[] = [];
  const report = await engine.run({ workflow, input: { dir, order: 'o-1' }, timeoutMs: 60_000, onTrace: (t) => { trace = t; } });
  expect(report.status).toBe('RUNNING');
  expect(report.timedOut).toBeUndefined();
  return { ...report, trace };
}

async function callbackItem(t: string) {
  const { binding } = parseTaskToken(t);
  const client = engine.client(selectWorkflow(app, binding.workflow));
  return client.store.get(callbackItemKey(binding, binding.instance, binding.attempt));
}

test('the session parks RUNNING with nothing running; sendTaskSuccess resumes it and it succeeds with the output', async () => {
  const parked = await park();
  // Request and Approve ran; Ship did not, nothing is in flight, and nothing is committed for Approve.
  const invs = parked.trace.filter((e): e is Extract<TraceEvent, { t: 'inv' }> => e.t === 'inv');
  const ended = new Set(parked.trace.filter((e) => e.t === 'end').map((e) => (e as { id: number }).id));
  expect(invs.map((i) => i.node)).toEqual(['Request', 'Approve']);
  expect(invs.every((i) => ended.has(i.id))).toBe(true);
  expect(Object.keys(parked.commits).filter((k) => k.startsWith('Approve|'))).toEqual([]);
  const t = token();
  expect(readFileSync(join(dir, 'context-token-0'), 'utf8')).toBe(t);
  expect(parseTaskToken(t).binding).toEqual({ workflow: 'approval', session: parked.session, instance: 'Approve|0', attempt: 0 });
  expect((await callbackItem(t))?.[CALLBACK_ATTR.STATE]?.S).toBe(CALLBACK_STATE.WAITING);

  const resumed = await engine.callback({ workflow: 'approval', token: t, outcome: { kind: 'success', output: { approved: true, by: 'ana' } } });
  expect(resumed.session).toBe(parked.session);
  expect(resumed.status).toBe('SUCCEEDED');
  expect(resumed.result).toEqual({ dir, order: 'o-1', approval: { approved: true, by: 'ana' } });
  // The resume ran Approve's runtime (not its user code: no new token) and then Ship.
  expect(existsSync(tokenFile(1))).toBe(false);
  expect(resumed.instances.map((i) => i.instance).sort()).toEqual(['Approve|0', 'Ship|0']);

  // The token answers once: a second use is refused and changes nothing.
  const sessionBefore = await engine.client(selectWorkflow(app, 'approval')).store.get(sessionItemKey({ workflow: 'approval', session: parked.session }));
  const again = engine.callback({ workflow: 'approval', token: t, outcome: { kind: 'failure', error: 'Rejected' } });
  await expect(again).rejects.toThrow(TaskTokenError);
  await expect(again).rejects.toMatchObject({ reason: 'TaskAlreadyClosed', message: expect.stringMatching(/used already/) });
  const d = await engine.client(selectWorkflow(app, 'approval')).describeSession(parked.session);
  expect(d.status).toBe('SUCCEEDED');
  expect(await engine.client(selectWorkflow(app, 'approval')).store.get(sessionItemKey({ workflow: 'approval', session: parked.session })))
    .toEqual(sessionBefore);
  expect((await callbackItem(t))?.[CALLBACK_ATTR.STATE]?.S).toBe(CALLBACK_STATE.SUCCEEDED);
}, 300_000);

test('a client that stops between its claim and its invoke: the next use of the token delivers the first answer, and says so', async () => {
  const parked = await park();
  const t = token();
  const workflow = selectWorkflow(app, 'approval');
  // Its claim reaches the store; its Lambda endpoint is gone, so the resume is never invoked.
  const stopped = new UnumClient({
    workflow: workflow.name,
    table: workflow.table,
    bucket: workflow.bucket,
    dynamodb: engine.dynamodb,
    s3: engine.s3,
    lambda: new LambdaClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', maxAttempts: 1, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
  });
  await expect(stopped.sendTaskSuccess(t, { approved: true, by: 'first' })).rejects.toThrow(/ECONNREFUSED|connect/);
  const claimed = await callbackItem(t);
  expect(claimed?.[CALLBACK_ATTR.STATE]?.S).toBe(CALLBACK_STATE.SUCCEEDED);
  expect(claimed?.[CALLBACK_ATTR.DELIVERED]).toBeUndefined();
  const client = engine.client(workflow);
  expect((await client.describeSession(parked.session)).status).toBe('RUNNING');

  await expect(client.sendTaskSuccess(t, { approved: false, by: 'second' })).rejects.toMatchObject({
    reason: 'TaskAlreadyClosed', message: expect.stringMatching(/had not reached the task .*: the first answer was delivered now, not this one$/),
  });
  expect((await client.waitForSession(parked.session, { timeoutMs: 60_000, pollMs: 100 })).status).toBe('SUCCEEDED');
  expect(await client.getResult(parked.session)).toEqual({ dir, order: 'o-1', approval: { approved: true, by: 'first' } });
  expect((await callbackItem(t))?.[CALLBACK_ATTR.DELIVERED]?.S).toBeDefined();
  // Delivered: a third use is refused as any used token is, and delivers nothing.
  await expect(client.sendTaskSuccess(t, 3)).rejects.toMatchObject({ message: expect.not.stringMatching(/delivered now/) });
}, 300_000);

test('sendTaskFailure fails the task with its error and cause: a Catch routes it, and without one the session fails', async () => {
  await park();
  const caught = await engine.callback({ workflow: 'approval', token: token(), outcome: { kind: 'failure', error: 'Rejected', cause: 'over budget' } });
  expect(caught.status).toBe('SUCCEEDED');
  expect(caught.result).toEqual({ dir, order: 'o-1', rejection: { Error: 'Rejected', Cause: 'over budget' } });
  expect(caught.instances.map((i) => i.instance).sort()).toEqual(['Approve|0', 'Rejected|0']);

  rmSync(tokenFile(0));
  const parked = await park();
  const failed = await engine.callback({ workflow: 'approval', token: token(), outcome: { kind: 'failure', error: 'Lost', cause: 'the approver left' } });
  expect(failed.status).toBe('FAILED');
  expect(failed.session).toBe(parked.session);
  expect(failed.error).toMatchObject({ node: 'Approve', error: 'Lost', cause: 'the approver left' });
}, 300_000);

test('a failure that Retry matches runs the user code again with a new token; the old one is refused', async () => {
  await park();
  const first = token();
  const retried = await engine.callback({ workflow: 'approval', token: first, outcome: { kind: 'failure', error: 'TryAgain' } });
  expect(retried.status).toBe('RUNNING');
  const second = token(1);
  expect(second).not.toBe(first);
  expect(parseTaskToken(second).binding.attempt).toBe(1);
  await expect(engine.callback({ workflow: 'approval', token: first, outcome: { kind: 'success', output: 1 } }))
    .rejects.toMatchObject({ reason: 'TaskAlreadyClosed' });
  const done = await engine.callback({ workflow: 'approval', token: second, outcome: { kind: 'success', output: 'ok' } });
  expect(done.status).toBe('SUCCEEDED');
  expect(done.result).toEqual({ dir, order: 'o-1', approval: 'ok' });
}, 300_000);

test('a token of another workflow, a forged binding and a wrong secret are refused, and change nothing', async () => {
  const parked = await park();
  const t = token();
  const other = engine.callback({ workflow: 'approval-other', token: t, outcome: { kind: 'success', output: 1 } });
  await expect(other).rejects.toMatchObject({ reason: 'WrongWorkflow', message: expect.stringMatching(/belongs to workflow 'approval'.*'approval-other'/) });
  const { binding, secret } = parseTaskToken(t);
  // The same secret bound to the other workflow's session and instance: no such task waits there.
  const rebound = encodeTaskToken({ ...binding, workflow: 'approval-other', instance: 'OtherApprove|0' }, secret);
  await expect(engine.callback({ workflow: 'approval-other', token: rebound, outcome: { kind: 'success', output: 1 } }))
    .rejects.toMatchObject({ reason: 'TaskDoesNotExist' });
  const guessed = encodeTaskToken(binding, `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`);
  await expect(engine.callback({ workflow: 'approval', token: guessed, outcome: { kind: 'success', output: 1 } }))
    .rejects.toMatchObject({ reason: 'InvalidToken' });
  await expect(engine.callback({ workflow: 'approval', token: 'not-a-token', outcome: { kind: 'success', output: 1 } }))
    .rejects.toMatchObject({ reason: 'InvalidToken' });
  expect((await callbackItem(t))?.[CALLBACK_ATTR.STATE]?.S).toBe(CALLBACK_STATE.WAITING);
  expect((await engine.client(selectWorkflow(app, 'approval')).describeSession(parked.session)).status).toBe('RUNNING');
  // The real token still works.
  expect((await engine.callback({ workflow: 'approval', token: t, outcome: { kind: 'success', output: 'late but fine' } })).status).toBe('SUCCEEDED');
}, 300_000);

async function waitForFile(file: string): Promise<string> {
  for (let i = 0; i < 600 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 50));
  return readFileSync(file, 'utf8');
}

/** One heartbeat, then none: the task fails with States.HeartbeatTimeout, which the workflow's Catch routes. */
async function expectHeartbeatTimeout(workflow: string): Promise<void> {
  const schedulesBefore = engine.scheduler.history.length;
  const running = engine.run({ workflow, input: { dir, order: 'o-1' }, timeoutMs: 60_000 });
  const t = await waitForFile(tokenFile(0));
  const client = engine.client(selectWorkflow(app, workflow));
  // Half-way to the first check (the limit is 3 s from the start, rounded up to the second): it moves the limit past it.
  await new Promise((r) => setTimeout(r, 1500));
  await client.sendTaskHeartbeat(t);
  const report = await running;
  expect(report.status).toBe('SUCCEEDED');
  expect(report.result).toEqual({ dir, order: 'o-1', rejection: { Error: 'States.HeartbeatTimeout', Cause: 'no heartbeat (sendTaskHeartbeat) or answer within 3 s' } });
  // The first check found the heartbeat and scheduled the next one, which failed the task.
  const schedules = engine.scheduler.history.slice(schedulesBefore);
  expect(schedules).toHaveLength(2);
  expect(schedules.every((s) => s.firedAt !== undefined && JSON.parse(s.target.Input!).callback === true)).toBe(true);
  // Too late: the token is refused, and so is a heartbeat.
  await expect(client.sendTaskSuccess(t, 'late')).rejects.toMatchObject({ reason: 'TaskAlreadyClosed', message: expect.stringMatching(/used already \(the task failed/) });
  await expect(client.sendTaskHeartbeat(t)).rejects.toMatchObject({ reason: 'TaskAlreadyClosed' });
}

test('heartbeat: a heartbeat moves the limit; once they stop the task fails with States.HeartbeatTimeout, which Catch routes', async () => {
  await expectHeartbeatTimeout('approval-heartbeat');
}, 300_000);

test('taskTimeout: a 7-day limit passes through one schedule on simulated time and fails the session with States.Timeout', async () => {
  const fast = await startEngine(app, { skipTime: true });
  try {
    const report = await fast.run({ workflow: 'approval-timeout', input: { dir, order: 'o-1' }, timeoutMs: 60_000 });
    expect(report.status).toBe('FAILED');
    expect(report.error).toMatchObject({ node: 'ToApprove', error: 'States.Timeout', cause: 'the task token was not answered within its taskTimeout of 604800 s' });
    expect(fast.scheduler.history).toHaveLength(1);
    await expect(fast.client(selectWorkflow(app, 'approval-timeout')).sendTaskSuccess(token(), 'late')).rejects.toMatchObject({ reason: 'TaskAlreadyClosed' });
  } finally {
    await fast.stop();
  }
}, 300_000);

describe('a Python function that waits for a callback (lambda-runtime/python/unum_runtime/callback.py)', () => {
  test('parks with its token handed out; a failure that Retry matches runs it again with a new token; sendTaskSuccess resumes it', async () => {
    const parked = await park('approval-py');
    const first = token();
    expect(readFileSync(join(dir, 'context-token-0'), 'utf8')).toBe(first);
    expect(parseTaskToken(first).binding).toEqual({ workflow: 'approval-py', session: parked.session, instance: 'PyApprove|0', attempt: 0 });
    expect(Object.keys(parked.commits).filter((k) => k.startsWith('PyApprove|'))).toEqual([]);
    expect((await callbackItem(first))?.[CALLBACK_ATTR.STATE]?.S).toBe(CALLBACK_STATE.WAITING);

    const retried = await engine.callback({ workflow: 'approval-py', token: first, outcome: { kind: 'failure', error: 'TryAgain' } });
    expect(retried.status).toBe('RUNNING');
    const second = token(1);
    expect(parseTaskToken(second).binding.attempt).toBe(1);
    await expect(engine.callback({ workflow: 'approval-py', token: first, outcome: { kind: 'success', output: 1 } }))
      .rejects.toMatchObject({ reason: 'TaskAlreadyClosed' });
    const done = await engine.callback({ workflow: 'approval-py', token: second, outcome: { kind: 'success', output: { approved: true, by: 'ana' } } });
    expect(done.status).toBe('SUCCEEDED');
    expect(done.result).toEqual({ dir, order: 'o-1', approval: { approved: true, by: 'ana' } });
    expect(existsSync(tokenFile(2))).toBe(false);
    await expect(engine.callback({ workflow: 'approval-py', token: second, outcome: { kind: 'success', output: 2 } }))
      .rejects.toMatchObject({ reason: 'TaskAlreadyClosed' });
  }, 300_000);

  test('sendTaskFailure goes to its Catch; a heartbeat that stops fails it with States.HeartbeatTimeout, which Catch routes', async () => {
    await park('approval-py');
    const caught = await engine.callback({ workflow: 'approval-py', token: token(), outcome: { kind: 'failure', error: 'Rejected', cause: 'over budget' } });
    expect(caught.status).toBe('SUCCEEDED');
    expect(caught.result).toEqual({ dir, order: 'o-1', rejection: { Error: 'Rejected', Cause: 'over budget' } });

    rmSync(tokenFile(0));
    // The Python runtime names its checks as Node's does, so the same two schedules fire.
    await expectHeartbeatTimeout('approval-heartbeat-py');
  }, 300_000);
});
