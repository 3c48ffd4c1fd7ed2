import { succeed, World } from './harness';
import { createSession } from '../../lambda-runtime/session';
import { payloadObjectKey } from '../../src/protocol';

let w: World;
const logged: string[] = [];
const lines: Array<{ message: string; fields?: Record<string, unknown> }> = [];
beforeAll(async () => {
  w = await World.create('envelopes');
  w.deploy('wf', [
    { node: 'A', next: succeed, handler: (x) => x },
    { node: 'B', next: succeed, handler: () => { throw new Error('user code must not run'); } },
  ], {
    logger: {
      debug() {},
      info() {},
      warn() {},
      error: (m: string, fields?: Record<string, unknown>) => {
        logged.push(m);
        lines.push({ message: m, fields });
      },
    },
  });
});
afterAll(async () => w.close());

/** Every item of a session, whatever the key layout puts before its id. */
const itemsOf = async (session: string) => (await w.items()).filter((i) => i.pk.S.includes(session));

const valid = (session: string) => ({
  unum: 1, workflow: 'wf', session, node: 'B', frames: [], iteration: 0, input: { value: 1 },
});

const cases: Array<[string, (e: any) => any, RegExp]> = [
  ['unsupported version', (e) => ({ ...e, unum: 2 }), /unsupported version 2/],
  ['another workflow', (e) => ({ ...e, workflow: 'other' }), /for workflow "other"/],
  ['another node', (e) => ({ ...e, node: 'A' }), /for node "A", this function is 'B'/],
  ['negative iteration', (e) => ({ ...e, iteration: -1 }), /iteration must be a non-negative integer/],
  ['frames not an array', (e) => ({ ...e, frames: {} }), /frames must be an array/],
  ['frame index out of range', (e) => ({ ...e, frames: [{ fanout: 'M', index: 3, size: 3, iteration: 0 }] }), /frames\[0\]\.index/],
  ['frame without fanout', (e) => ({ ...e, frames: [{ index: 0, size: 1, iteration: 0 }] }), /frames\[0\]\.fanout/],
  ['input with two kinds', (e) => ({ ...e, input: { value: 1, s3: { bucket: 'b', key: 'k' } } }), /exactly one of value, s3, fanIn/],
  ['input missing', (e) => ({ ...e, input: undefined }), /input must be an object/],
  ['s3 reference without key', (e) => ({ ...e, input: { s3: { bucket: 'b' } } }), /input.s3 needs string bucket and key/],
  ['fan-in of size 0', (e) => ({ ...e, input: { fanIn: { join: 'J', instance: 'J|0', size: 0 } } }), /input.fanIn needs/],
  ['negative attempt', (e) => ({ ...e, attempt: -1 }), /attempt must be a non-negative integer/],
];

test.each(cases)('%s: rejected with a clear error, logged and counted; nothing written, no retry', async (_name, mutate, message) => {
  const session = `bad-${Math.random().toString(36).slice(2)}`;
  const before = lines.length;
  await w.send('B', mutate(valid(session)));
  const d = await w.client.describeSession(session);
  expect(d).toEqual({ session, status: 'NOT_FOUND', failures: [] });
  expect(await itemsOf(session)).toEqual([]);
  const rejected = lines.slice(before);
  expect(rejected).toHaveLength(1);
  expect(rejected[0].message).toMatch(message);
  expect(rejected[0].fields).toMatchObject({ error: 'Unum.InvalidEnvelope', invalidEnvelopes: 1, claimedSession: session });
  expect(w.endpoint.failures).toEqual([]); // returned without throwing: no hopeless retries
});

test('an invalid envelope changes neither a running nor a succeeded session', async () => {
  await createSession(w.client.store, { workflow: 'wf', session: 'running-1' }, {});
  await w.send('B', { ...valid('running-1'), iteration: 1.5 });
  expect(await w.client.describeSession('running-1')).toMatchObject({ status: 'RUNNING', failures: [] });

  await w.send('A', { ...valid('done-1'), node: 'A' });
  const done = await w.client.describeSession('done-1');
  expect(done.status).toBe('SUCCEEDED');
  const items = await itemsOf('done-1');
  await w.send('A', { ...valid('done-1'), node: 'A', unum: 99 });
  await w.send('A', { unum: 99, session: 'done-1' });
  expect(await w.client.describeSession('done-1')).toEqual(done);
  expect(await itemsOf('done-1')).toEqual(items);
});

test('an unreadable session id is only logged', async () => {
  logged.length = 0;
  await w.send('B', { ...valid('x'), session: 'has spaces and / slashes' });
  expect(logged.join('\n')).toMatch(/session must be 1-128 characters/);
  expect(w.endpoint.failures).toEqual([]);
});

test('a plain event sent to a node that is not the entry is rejected', async () => {
  logged.length = 0;
  await w.send('B', { hello: 'world' });
  expect(logged.join('\n')).toMatch(/node 'B' is not the workflow's entry/);
});

test('an S3 input that does not exist fails the session with Unum.InvalidInput', async () => {
  const session = 'missing-object';
  await createSession(w.client.store, { workflow: 'wf', session }, {});
  await w.send('B', { ...valid(session), input: { s3: { bucket: w.bucket, key: payloadObjectKey({ workflow: 'wf', session }, 'B|0', 'input') } } });
  const d = await w.client.describeSession(session);
  expect(d.failures[0]).toMatchObject({ error: 'Unum.InvalidInput' });
  expect(w.runs['B|0']).toBeUndefined();
});
