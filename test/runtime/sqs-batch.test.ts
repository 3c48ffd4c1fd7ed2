import { randomUUID } from 'crypto';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { fnName, succeed, to, World } from './harness';
import { itemKind, SQS_SESSION_PREFIX } from '../../src/protocol';

/**
 * The entry started by an SQS event source mapping: one session per record,
 * named by its message id, and `batchItemFailures` for the records whose
 * start failed (ReportBatchItemFailures).
 */

const QUEUE = 'arn:aws:sqs:us-east-1:123456789012:orders';

function record(body: string, messageId = randomUUID(), queue = QUEUE) {
  const attributes = { ApproximateReceiveCount: '1' };
  return { messageId, receiptHandle: `rh-${messageId}`, body, attributes, eventSource: 'aws:sqs', eventSourceARN: queue, awsRegion: 'us-east-1' };
}

interface Logged { level: string; message: string; fields: Record<string, unknown> }

/** A world with A (x → x.n * 2) then B (+1), logging into `logs`. */
async function world(name: string, logs: Logged[]): Promise<World> {
  const w = await World.create(name);
  const logger = loggingInto(logs);
  w.deploy('wf', [
    { node: 'A', next: to('B'), handler: (x: { n: number }) => x.n * 2 },
    { node: 'B', next: succeed, handler: (x: number) => x + 1 },
  ], { logger });
  return w;
}

/** Delivers a batch to the entry as the event source mapping does (synchronously), then drains the successors. */
async function deliver(w: World, records: unknown[]): Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }> {
  const out = await w.lambda.send(new InvokeCommand({ FunctionName: fnName('A'), Payload: Buffer.from(JSON.stringify({ Records: records })) }));
  await w.endpoint.idle();
  expect(out.FunctionError).toBeUndefined();
  return JSON.parse(Buffer.from(out.Payload!).toString('utf8'));
}

test('two messages start two sessions, each named by its message id, with the JSON body as input', async () => {
  const logs: Logged[] = [];
  const w = await world('sqs-two', logs);
  try {
    const [one, two] = [record('{"n":1}'), record('{"n":20}')];
    expect(await deliver(w, [one, two])).toEqual({ batchItemFailures: [] });
    expect(await w.result(`${SQS_SESSION_PREFIX}${one.messageId}`)).toBe(3);
    expect(await w.result(`${SQS_SESSION_PREFIX}${two.messageId}`)).toBe(41);
    expect(Object.keys(w.runs).sort()).toEqual(['A|0', 'B|0']);
    expect(w.runs).toEqual({ 'A|0': 2, 'B|0': 2 });
  } finally {
    await w.close();
  }
});

test('a redelivered message finds the session it started: no second session, the user code does not run again', async () => {
  const logs: Logged[] = [];
  const w = await world('sqs-redelivered', logs);
  try {
    const one = record('{"n":4}');
    await deliver(w, [one]);
    // The same message again (visibility timeout expired, or a batch retried whole): same message id.
    const second = record('{"n":5}');
    expect(await deliver(w, [{ ...one, attributes: { ApproximateReceiveCount: '2' } }, second])).toEqual({ batchItemFailures: [] });
    const sessions = (await w.items()).filter((i) => i.sk.S === 'SESSION' && itemKind(i.pk.S)?.kind === 'S').map((i) => itemKind(i.pk.S)!.rest);
    expect(await w.result(`${SQS_SESSION_PREFIX}${one.messageId}`)).toBe(9);
    // A ran once per message (twice in all), not for the redelivery; B committed once per session.
    expect(w.runs).toEqual({ 'A|0': 2, 'B|0': 2 });
    expect(sessions.sort()).toEqual([one.messageId, second.messageId].map((id) => `${SQS_SESSION_PREFIX}${id}`).sort());
  } finally {
    await w.close();
  }
});

test('a start that fails midway is a batch item failure; its redelivery completes the same session', async () => {
  const logs: Logged[] = [];
  const w = await world('sqs-transient', logs);
  try {
    const [flaky, fine] = [record('{"n":7}'), record('{"n":8}')];
    let failed = false;
    w.faults = (step, info) => {
      if (step === 'after-session-create' && info.session === `${SQS_SESSION_PREFIX}${flaky.messageId}` && !failed) {
        failed = true;
        throw new Error('throttled');
      }
    };
    expect(await deliver(w, [flaky, fine])).toEqual({ batchItemFailures: [{ itemIdentifier: flaky.messageId }] });
    // The runtime's own line of the failed start, then the batch's line naming the message.
    expect(logs.filter((l) => l.level === 'error').map((l) => [l.fields.messageId, l.fields.cause]))
      .toEqual([[undefined, 'throttled'], [flaky.messageId, 'Error: throttled']]);
    expect(await deliver(w, [flaky])).toEqual({ batchItemFailures: [] });
    expect(await w.result(`${SQS_SESSION_PREFIX}${flaky.messageId}`)).toBe(15);
    expect(await w.result(`${SQS_SESSION_PREFIX}${fine.messageId}`)).toBe(17);
  } finally {
    await w.close();
  }
});

test('a body that is not JSON is a batch item failure with an error naming the workflow and the message; the others start', async () => {
  const logs: Logged[] = [];
  const w = await world('sqs-malformed', logs);
  try {
    const [good, bad, after] = [record('{"n":1}'), record('n=1'), record('{"n":2}')];
    expect(await deliver(w, [good, bad, after])).toEqual({ batchItemFailures: [{ itemIdentifier: bad.messageId }] });
    expect(await w.result(`${SQS_SESSION_PREFIX}${good.messageId}`)).toBe(3);
    expect(await w.result(`${SQS_SESSION_PREFIX}${after.messageId}`)).toBe(5);
    const errors = logs.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toContain(`workflow 'wf': SQS message ${bad.messageId} cannot start a session: its body is not JSON`);
    expect(errors[0].message).toContain('dead-letter queue');
    expect(errors[0].fields).toMatchObject({ error: 'Unum.InvalidSqsMessage', messageId: bad.messageId, queue: QUEUE });
    expect(await w.client.describeSession(`${SQS_SESSION_PREFIX}${bad.messageId}`)).toMatchObject({ status: 'NOT_FOUND' });
  } finally {
    await w.close();
  }
});

test('from a FIFO queue, the records after a failure are left for redelivery unprocessed, keeping their order', async () => {
  const logs: Logged[] = [];
  const w = await world('sqs-fifo', logs);
  try {
    const fifo = `${QUEUE}.fifo`;
    const [first, bad, later] = [record('{"n":1}', undefined, fifo), record('{', undefined, fifo), record('{"n":2}', undefined, fifo)];
    const failures = [bad, later].map((r) => ({ itemIdentifier: r.messageId }));
    expect(await deliver(w, [first, bad, later])).toEqual({ batchItemFailures: failures });
    expect(await w.result(`${SQS_SESSION_PREFIX}${first.messageId}`)).toBe(3);
    expect(await w.client.describeSession(`${SQS_SESSION_PREFIX}${later.messageId}`)).toMatchObject({ status: 'NOT_FOUND' });
    expect(logs.filter((l) => l.level === 'warn').map((l) => l.fields.messageId)).toEqual([later.messageId]);
  } finally {
    await w.close();
  }
});

test('an event with Records from another service is not a batch: it starts one session with the event as input', async () => {
  const logs: Logged[] = [];
  const w = await World.create('sqs-other');
  try {
    w.deploy('wf', [{ node: 'A', next: succeed, handler: (x: { Records: unknown[] }) => x.Records.length }], { logger: loggingInto(logs) });
    const out = await w.lambda.send(new InvokeCommand({
      FunctionName: fnName('A'), Payload: Buffer.from(JSON.stringify({ Records: [{ eventSource: 'aws:s3' }] })),
    }));
    const { session } = JSON.parse(Buffer.from(out.Payload!).toString('utf8'));
    expect(await w.result(session)).toBe(1);
  } finally {
    await w.close();
  }
});

function loggingInto(logs: Logged[]): any {
  return Object.fromEntries(['debug', 'info', 'warn', 'error'].map((level) =>
    [level, (message: string, fields: Record<string, unknown> = {}) => logs.push({ level, message, fields })]));
}
