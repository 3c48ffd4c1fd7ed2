import { succeed, World } from './harness';
import { createSession } from '../../lambda-runtime/session';
import { payloadObjectKey } from '../../src/protocol';

let w: World;
const logged: string[] = [];
beforeAll(async () => {
  w = await World.create('envelopes');
  w.deploy('wf', [
    { node: 'A', next: succeed, handler: (x) => x },
    { node: 'B', next: succeed, handler: () => { throw new Error('user code must not run'); } },
  ], { logger: { debug() {}, info() {}, warn() {}, error: (m: string) => { logged.push(m); } } });
});
afterAll(async () => w.close());

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

test.each(cases)('%s: rejected with a clear error recorded on the session, nothing processed', async (_name, mutate, message) => {
  const session = `bad-${Math.random().toString(36).slice(2)}`;
  await w.send('B', mutate(valid(session)));
  const d = await w.client.describeSession(session);
  expect(d.failures).toHaveLength(1);
  expect(d.failures[0]).toMatchObject({ node: 'B', error: 'Unum.InvalidEnvelope' });
  expect(d.failures[0].cause).toMatch(message);
  expect(await w.items(w.keys(session).checkpoint)).toEqual([]);
  expect(w.endpoint.failures).toEqual([]); // returned without throwing: no hopeless retries
});

test('an invalid envelope for a running session fails it', async () => {
  const session = 'running-1';
  await createSession(w.client.store, { workflow: 'wf', session }, {});
  expect((await w.client.describeSession(session)).status).toBe('RUNNING');
  await w.send('B', { ...valid(session), iteration: 1.5 });
  const d = await w.client.describeSession(session);
  expect(d).toMatchObject({ status: 'FAILED', error: { node: 'B', error: 'Unum.InvalidEnvelope' } });
  expect(d.error!.cause).toMatch(/iteration/);
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
  await w.send('B', { ...valid(session), input: { s3: { bucket: w.bucket, key: payloadObjectKey({ workflow: 'wf', session }, 'B|0', 'input') } } });
  const d = await w.client.describeSession(session);
  expect(d.failures[0]).toMatchObject({ error: 'Unum.InvalidInput' });
  expect(w.runs['B|0']).toBeUndefined();
});
