import { succeed, World } from './harness';
import { ForwardClients } from '../../lambda-runtime/forward';
import { DestinationRecord, recordFailure, RecorderOptions } from '../../lambda-runtime/recorder';
import { createSession } from '../../lambda-runtime/session';
import { checkpointItemKey } from '../../src/protocol';

/**
 * The failure recorder against a real store: what Lambda's on-failure
 * record does to a session in each state it can find it in.
 */
let w: World;
let options: RecorderOptions;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

beforeAll(async () => {
  w = await World.create('recorder');
  w.deploy('wf', [{ node: 'A', next: succeed, handler: (x) => x }]);
  options = { store: w.client.store, clients: new ForwardClients(w.lambda), workflow: 'wf', entryFunction: 'entry-fn', entryNode: 'A', forward: {}, logger: silent };
});
afterAll(async () => w.close());

const envelope = (session: string, node = 'B') => ({ unum: 1, workflow: 'wf', session, node, frames: [], iteration: 0, input: { value: 1 } });
const record = (payload: unknown, functionName = 'b-fn', requestId = 'req-1'): DestinationRecord => ({
  version: '1.0',
  requestContext: { requestId, functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: 3 },
  requestPayload: payload,
  responsePayload: { errorType: 'Runtime.ExitError', errorMessage: 'Runtime exited with error: exit status 1' },
});

test('a running session becomes FAILED with the node, the instance and the error', async () => {
  await createSession(w.client.store, { workflow: 'wf', session: 'run-1' }, {});
  expect(await recordFailure(record(envelope('run-1')), options)).toEqual({ recorded: true });
  const d = await w.client.describeSession('run-1');
  expect(d).toMatchObject({ status: 'FAILED', error: { node: 'B', instance: 'B|0', error: 'Runtime.ExitError' } });
  expect(d.error!.cause).toMatch(/exit status 1; Lambda gave up after 3 attempt\(s\) \(RetriesExhausted\)/);
  expect(d.failures).toHaveLength(1);
});

test('a committed instance keeps its checkpoint; the cause says its successors may not have run', async () => {
  await createSession(w.client.store, { workflow: 'wf', session: 'run-2' }, {});
  await w.client.store.putIfAbsent(checkpointItemKey({ workflow: 'wf', session: 'run-2' }, 'B|0'), { v: { S: '42' } });
  await recordFailure(record(envelope('run-2')), options);
  const d = await w.client.describeSession('run-2');
  expect(d.status).toBe('FAILED');
  expect(d.error!.cause).toMatch(/had committed its output, which is kept/);
  expect(await w.client.store.get(checkpointItemKey({ workflow: 'wf', session: 'run-2' }, 'B|0'))).toMatchObject({ v: { S: '42' } });
});

test('a session that already SUCCEEDED, or that does not exist, is left alone', async () => {
  await w.run({ value: 7 }, 'done-1');
  const before = await w.client.describeSession('done-1');
  expect(before.status).toBe('SUCCEEDED');
  expect(await recordFailure(record(envelope('done-1')), options)).toEqual({ recorded: false });
  expect(await w.client.describeSession('done-1')).toEqual(before);
  expect(await recordFailure(record(envelope('nowhere')), options)).toEqual({ recorded: false });
  expect(await w.client.describeSession('nowhere')).toEqual({ session: 'nowhere', status: 'NOT_FOUND', failures: [] });
});

test('a start Lambda gave up on before the session existed is recorded as a FAILED session', async () => {
  // A plain event to the entry: the runtime names the session after the request id.
  await recordFailure(record({ plain: true }, 'entry-fn', 'req-start'), options);
  expect(await w.client.describeSession('req-start')).toMatchObject({ status: 'FAILED', workflow: 'wf', error: { node: 'A', instance: 'A|0' } });
  await recordFailure({
    ...record(envelope('env-start', 'A'), 'entry-fn'),
    responsePayload: undefined,
    requestContext: { functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:entry-fn', condition: 'EventAgeExceeded', approximateInvokeCount: 0 },
  }, options);
  expect(await w.client.describeSession('env-start')).toMatchObject({ status: 'FAILED', error: { node: 'A', error: 'Lambda.EventAgeExceeded' } });
});

test('an invalid envelope in the record changes nothing', async () => {
  await createSession(w.client.store, { workflow: 'wf', session: 'run-3' }, {});
  expect(await recordFailure(record({ ...envelope('run-3'), unum: 99 }), options)).toEqual({ recorded: false });
  expect(await recordFailure(record({ ...envelope('run-3'), workflow: 'other' }), options)).toEqual({ recorded: false });
  expect(await w.client.describeSession('run-3')).toMatchObject({ status: 'RUNNING', failures: [] });
});
