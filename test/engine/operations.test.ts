import { randomUUID } from 'crypto';
import { join } from 'path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { deliverSqsBatch, startEngine, synthApp } from './support';
import { LocalApp, selectWorkflow } from '../../toolkit/src/local/assembly';
import { LocalEngine } from '../../toolkit/src/local/engine';

/**
 * Production settings through the local engine (test/engine/apps/operations.ts):
 * predecessors invoke `name:alias`, which the local Lambda endpoint resolves
 * to the function as Lambda resolves an alias to its version, and a plain
 * event (what an EventBridge rule sends) starts a session.
 */
let app: LocalApp;
let engine: LocalEngine;

beforeAll(async () => {
  app = await synthApp(join(__dirname, 'apps', 'operations.ts'));
  engine = await startEngine(app, { concurrency: 4 });
});
afterAll(async () => engine?.stop());

test('the entry\'s configuration names its successor through the alias', () => {
  const workflow = selectWorkflow(app, 'aliased');
  const increment = workflow.functions.find((f) => f.node === 'Increment')!;
  expect(JSON.parse(workflow.entry.environment.UNUM_CONFIG).next).toMatchObject({ kind: 'invoke', functionName: `${increment.functionName}:live` });
});

test('a session runs through the aliases to its result', async () => {
  const r = await engine.run({ workflow: 'aliased', input: { n: 5 } });
  expect({ status: r.status, result: r.result }).toEqual({ status: 'SUCCEEDED', result: 11 });
  expect(r.instances.map((i) => [i.instance, i.outcome])).toEqual([['Double|0', 'committed'], ['Increment|0', 'committed']]);
});

test('a plain event sent to the entry alias, as an EventBridge rule does, starts a session with the event as input', async () => {
  const workflow = selectWorkflow(app, 'aliased');
  const response = await engine.lambda.send(new InvokeCommand({
    FunctionName: `${workflow.entry.functionName}:live`, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify({ n: 20 })),
  }));
  expect(response.StatusCode).toBe(202);
  await engine.endpoint.idle();
  // Lambda's request id of the asynchronous invocation is the session id (what the API integration returns).
  const client = engine.client(workflow);
  expect(await client.describeSession(response.$metadata.requestId!)).toMatchObject({ status: 'SUCCEEDED' });
  expect(await client.getResult(response.$metadata.requestId!)).toBe(41);
});

test('an SQS batch delivered to the entry alias starts one session per message; a non-JSON body is a batch item failure', async () => {
  const workflow = selectWorkflow(app, 'aliased');
  const client = engine.client(workflow);
  const [one, bad, two] = [randomUUID(), randomUUID(), randomUUID()];
  const queue = 'arn:aws:sqs:us-east-1:000000000000:orders';
  const batch: Array<[string, string]> = [[one, '{"n":1}'], [bad, 'n=2'], [two, '{"n":3}']];
  const entry = `${workflow.entry.functionName}:live`;
  expect(await deliverSqsBatch(engine, entry, queue, batch)).toEqual({ batchItemFailures: [{ itemIdentifier: bad }] });
  expect([await client.getResult(`sqs-${one}`), await client.getResult(`sqs-${two}`)]).toEqual([3, 7]);
  expect(await client.describeSession(`sqs-${bad}`)).toMatchObject({ status: 'NOT_FOUND' });
  // Redelivered: the same sessions, already done; nothing fails.
  expect(await deliverSqsBatch(engine, entry, queue, [batch[0], batch[2]])).toEqual({ batchItemFailures: [] });
  expect(await client.describeSession(`sqs-${one}`)).toMatchObject({ status: 'SUCCEEDED' });
});
