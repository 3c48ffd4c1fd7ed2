import { fnName, join, succeed, to, World } from './harness';
import { failSession, succeedSession, timeOutSession } from '../../lambda-runtime/session';
import { Envelope, REDRIVE_ATTR, SESSION_ATTR, failureItemKey, sessionItemKey } from '../../src/protocol';

/**
 * The workflow timeout (FunctionConfig.timeoutSeconds, Envelope.deadline):
 * past the deadline no successor is invoked and the session is TIMED_OUT.
 */

let w: World;
beforeAll(async () => {
  w = await World.create('timeout');
});
afterAll(async () => w.close());
// Runs are counted by instance key across sessions: each test counts its own.
beforeEach(() => {
  for (const counts of [w.runs, w.invocations]) Object.keys(counts).forEach((k) => delete counts[k]);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Blocks the whole process (a synchronous fault hook cannot await). */
const block = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Calls `see` with each envelope the world's functions receive. */
function watch(world: World, see: (envelope: Envelope) => void): void {
  const invoke = world.invoke.bind(world);
  world.invoke = (request) => {
    see(JSON.parse(request.payload));
    return invoke(request);
  };
}

async function sessionItem(world: World, session: string): Promise<Record<string, any>> {
  return (await world.client.store.get(sessionItemKey({ workflow: world.workflow, session })))!;
}

test('a function still running at the deadline is cut off: TIMED_OUT (States.Timeout), its successor never invoked', async () => {
  w.deploy('wf', [
    { node: 'A', timeoutSeconds: 1, next: to('B'), handler: (x) => x },
    { node: 'B', next: to('C'), handler: () => sleep(1500).then(() => 'late') },
    { node: 'C', next: succeed, handler: (x) => x },
  ]);
  const session = await w.run({ n: 1 });
  const d = await w.client.describeSession(session);
  expect(d).toMatchObject({ status: 'TIMED_OUT', error: { error: 'States.Timeout', node: 'B', instance: 'B|0' } });
  const item = await sessionItem(w, session);
  const deadline = Number(item[SESSION_ATTR.DEADLINE].N);
  expect(d.deadline).toBe(new Date(deadline).toISOString());
  expect(d.error?.cause).toContain(new Date(deadline).toISOString());
  expect(w.invocations[fnName('C')]).toBeUndefined();
  // No checkpoint for B: nothing downstream can be replayed from it.
  expect(await w.items(w.keys(session).checkpoint + 'B|')).toEqual([]);
  // B is where a redrive resumes: its failure record keeps the envelope it was invoked with.
  expect(d.failures).toMatchObject([{ node: 'B', instance: 'B|0', error: 'States.Timeout' }]);
  const record = await w.client.store.get(failureItemKey({ workflow: 'wf', session }, 'B|0'));
  expect(JSON.parse(record![REDRIVE_ATTR.ENVELOPE].S!)).toMatchObject({ session, node: 'B', frames: [], iteration: 0 });
  await expect(w.result(session)).rejects.toThrow(/status TIMED_OUT.*States\.Timeout/);
});

test('every envelope carries the deadline the entry set; without a timeout there is none', async () => {
  const seen: Array<number | undefined> = [];
  const world = await World.create('timeout-envelopes');
  world.deploy('wf', [
    { node: 'A', timeoutSeconds: 60, next: to('B'), handler: (x) => x },
    { node: 'B', next: succeed, handler: (x) => x },
  ]);
  watch(world, (e) => seen.push(e.deadline));
  const session = await world.run(1);
  expect(await world.result(session)).toBe(1);
  const deadline = Number((await sessionItem(world, session))[SESSION_ATTR.DEADLINE].N);
  // The start (sent by the client) has none; B's envelope carries the session's.
  expect(seen).toEqual([undefined, deadline]);
  seen.length = 0;
  world.deploy('wf', [
    { node: 'A', next: to('B'), handler: (x) => x },
    { node: 'B', next: succeed, handler: (x) => x },
  ]);
  const plain = await world.run(2);
  expect(seen).toEqual([undefined, undefined]);
  expect((await sessionItem(world, plain))[SESSION_ATTR.DEADLINE]).toBeUndefined();
  await world.close();
});

test('an envelope that arrives past the deadline invokes nothing and records TIMED_OUT', async () => {
  w.deploy('wf', [
    { node: 'A', next: to('B'), handler: (x) => x },
    { node: 'B', next: to('C'), handler: (x) => x },
    { node: 'C', next: succeed, handler: (x) => x },
  ]);
  // A session created RUNNING by the entry (B never got its envelope), then B's envelope arrives late.
  const session = 'late-arrival';
  await w.client.store.putIfAbsent(sessionItemKey({ workflow: 'wf', session }), {
    [SESSION_ATTR.STATUS]: { S: 'RUNNING' }, [SESSION_ATTR.WORKFLOW]: { S: 'wf' }, [SESSION_ATTR.START]: { S: new Date().toISOString() },
  });
  await w.send('B', { unum: 1, workflow: 'wf', session, node: 'B', frames: [], iteration: 0, input: { value: 1 }, deadline: Date.now() - 1 });
  expect(w.runs['B|0']).toBeUndefined();
  expect(await w.client.describeSession(session)).toMatchObject({ status: 'TIMED_OUT', error: { error: 'States.Timeout', node: 'B' } });
  expect(await w.items(w.keys(session).checkpoint)).toEqual([]);
});

test('a branch that reaches the join after the deadline does not fire the fan-in', async () => {
  let xArrived!: () => void;
  const arrived = new Promise<void>((r) => { xArrived = r; });
  w.deploy('wf', [
    { node: 'A', timeoutSeconds: 1, next: { kind: 'parallel', fanout: 'P', branches: [to('X'), to('Y')] }, handler: (x) => x },
    { node: 'X', next: join('J', ['X', 'Y'], to('C')), handler: () => 'x' },
    { node: 'Y', next: join('J', ['X', 'Y'], to('C')), handler: () => arrived.then(() => 'y') },
    { node: 'C', next: succeed, handler: (x) => x },
  ]);
  w.faults = (step, info) => {
    if (step === 'after-join-arrive' && info.node === 'X') xArrived();
    // Y's user code ended in time; its egress runs past the deadline.
    if (step === 'after-user-code' && info.node === 'Y') block(1200);
  };
  try {
    const session = await w.run(null);
    expect(await w.client.describeSession(session)).toMatchObject({ status: 'TIMED_OUT', error: { node: 'Y' } });
    const shards = await w.items(w.keys(session).join);
    expect(shards.map((s) => s.e?.SS?.length)).toEqual([1]);
    expect(shards[0].c).toBeUndefined();
    expect(w.runs['C|0']).toBeUndefined();
  } finally {
    w.faults = undefined;
  }
});

test('a Wait longer than the timeout ends at the deadline: TIMED_OUT, the state after it never runs', async () => {
  w.deploy('wf', [
    { node: 'A', timeoutSeconds: 1, next: { kind: 'wait', node: 'Pause', seconds: 3600, next: to('B') }, handler: (x) => x },
    { node: 'B', next: succeed, handler: (x) => x },
  ]);
  const session = await w.run(null);
  expect(await w.client.describeSession(session)).toMatchObject({ status: 'TIMED_OUT', error: { error: 'States.Timeout', node: 'A' } });
  expect(w.runs['B|0']).toBeUndefined();
});

test('a Wait that does not fit the invocation is continued with the deadline, not the hour', async () => {
  const world = await World.create('timeout-wait-later', { remainingMs: 3000 });
  const waits: number[] = [];
  world.deploy('wf', [
    { node: 'A', timeoutSeconds: 2, next: { kind: 'wait', node: 'Pause', seconds: 3600, next: to('B') }, handler: (x) => x },
    { node: 'B', next: succeed, handler: (x) => x },
  ]);
  watch(world, (e) => { if (e.waits) waits.push(e.waits['Pause|0'] - e.deadline!); });
  const session = await world.run(null);
  expect(await world.client.describeSession(session)).toMatchObject({ status: 'TIMED_OUT', error: { node: 'A' } });
  expect(waits.length).toBeGreaterThan(0);
  expect(new Set(waits)).toEqual(new Set([0]));
  expect(world.runs['B|0']).toBeUndefined();
  expect(world.runs['A|0']).toBe(1);
  await world.close();
});

test('a retry interval past the deadline ends at it: no further attempt, TIMED_OUT rather than FAILED', async () => {
  w.deploy('wf', [{
    node: 'A',
    timeoutSeconds: 1,
    next: succeed,
    retry: [{ errors: ['States.ALL'], intervalSeconds: 600, maxAttempts: 3, backoffRate: 1 }],
    handler: () => { throw new Error('boom'); },
  }]);
  const session = await w.run(null);
  expect(await w.client.describeSession(session)).toMatchObject({ status: 'TIMED_OUT', error: { error: 'States.Timeout', node: 'A' } });
  expect(w.runs['A|0']).toBe(1);
});

test('TIMED_OUT is one conditional write: duplicates are harmless and later succeed/fail writes change nothing', async () => {
  const ref = { workflow: 'wf', session: 'terminal-writes' };
  const store = w.client.store;
  await store.putIfAbsent(sessionItemKey(ref), { [SESSION_ATTR.STATUS]: { S: 'RUNNING' } });
  const at = { node: 'B', instance: 'B|0', deadline: 1_780_000_000_000 };
  // The write that ended the session answers with its end (and the start, which this bare record lacks).
  expect(await timeOutSession(store, ref, at)).toEqual({ startedAt: undefined, endedAt: expect.any(String) });
  const first = await store.get(sessionItemKey(ref));
  expect(await timeOutSession(store, ref, { ...at, node: 'C', instance: 'C|0' })).toBeUndefined();
  expect(await succeedSession(store, ref, { rv: { S: '1' } })).toBeUndefined();
  // A later failure is kept for a redrive, and leaves the session as it ended.
  expect(await failSession(store, ref, { node: 'C', instance: 'C|0', error: 'Boom' })).toEqual({ recorded: true });
  expect(await store.get(sessionItemKey(ref))).toEqual(first);
  expect(first![SESSION_ATTR.STATUS].S).toBe('TIMED_OUT');
  expect(first![SESSION_ATTR.CAUSE].S).toBe('the session ran past its deadline 2026-05-28T20:26:40.000Z (the workflow\'s timeout)');
  expect((await w.client.describeSession(ref.session)).failures).toMatchObject([{ instance: 'C|0', error: 'Boom' }]);

  // A session that ended first stays as it ended; a session that does not exist is not created.
  const done = { workflow: 'wf', session: 'succeeded-first' };
  await store.putIfAbsent(sessionItemKey(done), { [SESSION_ATTR.STATUS]: { S: 'RUNNING' } });
  expect(await succeedSession(store, done, {})).toBeDefined();
  expect(await timeOutSession(store, done, at)).toBeUndefined();
  expect((await store.get(sessionItemKey(done)))![SESSION_ATTR.STATUS].S).toBe('SUCCEEDED');
  expect(await timeOutSession(store, { workflow: 'wf', session: 'never-started' }, at)).toBeUndefined();
  expect(await store.get(sessionItemKey({ workflow: 'wf', session: 'never-started' }))).toBeUndefined();
});
