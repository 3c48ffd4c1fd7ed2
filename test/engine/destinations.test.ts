import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { startEngine, synthApp } from './support';
import { LocalApp } from '../../toolkit/src/local/assembly';
import { formatDelivered, readDeliveredMessages } from '../../toolkit/src/local/destinations-endpoint';
import { LocalEngine, SessionReport } from '../../toolkit/src/local/engine';
import { unum } from '../support/cli';

/**
 * A user's own onFailure of every kind works alongside the failure
 * recorder: a node whose invocations always fail ends its session FAILED,
 * and the user's destination gets exactly the record Lambda sent the
 * recorder (SQS, SNS, EventBridge through the engine's destinations
 * endpoint; S3 in the local S3 server; Lambda functions of the app).
 */
let app: LocalApp;
let engine: LocalEngine;
let dataDir: string;
const logs: string[] = [];

beforeAll(async () => {
  app = await synthApp(join(__dirname, 'apps', 'destinations.ts'));
  dataDir = mkdtempSync(join(tmpdir(), 'unum-destinations-'));
  engine = await startEngine(app, { onLog: (_fn, line) => logs.push(line), dataDir });
});
afterAll(async () => engine?.stop());

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:';

/** Runs the workflow of `kind`: its Quit node fails; returns the report and the record Lambda sent the recorder. */
async function failing(kind: string): Promise<{ r: SessionReport; record: string }> {
  const r = await engine.run({ workflow: kind, input: { kind } });
  expect(r.status).toBe('FAILED');
  expect(r.error).toMatchObject({ node: `Quit-${kind}`, instance: `Quit-${kind}|0`, error: 'Runtime.ExitError' });
  expect(r.onFailure).toHaveLength(1);
  const record = r.onFailure[0].record!;
  expect(JSON.parse(record)).toMatchObject({
    version: '1.0',
    requestContext: { functionArn: `${ARN}${r.onFailure[0].functionName}:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: 1 },
    requestPayload: { session: r.session, node: `Quit-${kind}` },
    responsePayload: { errorType: 'Runtime.ExitError' },
  });
  return { r, record };
}

test.each([
  ['sqs', 'sqs', /^https:\/\/sqs\.us-east-1\.amazonaws\.com\/000000000000\/Destinations-Queue/],
  ['sns', 'sns', /^arn:aws:sns:us-east-1:000000000000:Destinations-Topic/],
])('%s: the record is the message body, unchanged', async (kind, service, destination) => {
  const { r, record } = await failing(kind);
  expect(r.delivered).toHaveLength(1);
  expect(r.delivered[0]).toMatchObject({ service, session: r.session, body: record });
  expect(r.delivered[0].destination).toMatch(destination);
  expect(r.delivered[0].attributes).toBeUndefined();
});

test.each([
  ['events', 'arn:aws:events:us-east-1:000000000000:event-bus/failures'],
  ['defaultBus', 'arn:aws:events:us-east-1:000000000000:event-bus/default'],
])('%s: the record is the detail of a "lambda" event, as Lambda puts it', async (kind, bus) => {
  const { r, record } = await failing(kind);
  expect(r.delivered).toEqual([expect.objectContaining({
    service: 'eventbridge',
    destination: bus,
    body: record,
    attributes: expect.objectContaining({
      source: 'lambda', detailType: 'Lambda Function Invocation Result - Failure', resources: [bus, `${ARN}${r.onFailure[0].functionName}:$LATEST`],
    }),
  })]);
});

test('lambda: the user function is invoked with the record, unchanged', async () => {
  logs.length = 0;
  const { r, record } = await failing('lambda');
  await engine.endpoint.idle();
  const got = logs.filter((l) => l.startsWith('RECORD '));
  expect(got).toEqual([`RECORD ${record}`]);
  expect(r.delivered).toEqual([]);
});

test('lambda with responseOnly: the user function gets the error object alone', async () => {
  logs.length = 0;
  const { record } = await failing('response');
  await engine.endpoint.idle();
  expect(logs.filter((l) => l.startsWith('RESPONSE '))).toEqual([`RESPONSE ${JSON.stringify(JSON.parse(record).responsePayload)}`]);
});

test('s3: the record is an object under Lambda\'s key layout for the function', async () => {
  const { r, record } = await failing('s3');
  const bucket = app.buckets.find((b) => b.logicalId.startsWith('Records'))!.name;
  const prefix = `aws/lambda/async/${r.onFailure[0].functionName}/`;
  const listed = await engine.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  expect(listed.Contents).toHaveLength(1);
  const key = listed.Contents![0].Key!;
  const day = JSON.parse(record).timestamp.slice(0, 10);
  expect(key.slice(prefix.length)).toMatch(new RegExp(`^${day.replace(/-/g, '/')}/${day}T\\d\\d\\.\\d\\d\\.\\d\\d-[0-9a-f-]{36}$`));
  const object = await engine.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  expect(await object.Body!.transformToString()).toBe(record);
});

test('the delivered messages are kept in the data directory; unum status shows them', async () => {
  const { r } = await failing('sqs');
  const kept = readDeliveredMessages(dataDir, r.session);
  expect(kept).toEqual(r.delivered);
  const status = await unum('status', r.session, '--data-dir', dataDir);
  expect(status.code).toBe(1);
  expect(status.stdout).toMatch(new RegExp(`^session ${r.session}: FAILED\n`));
  expect(status.stdout).toMatch(/Delivered to on-failure destinations[^]*sqs +https:\/\/sqs\.us-east-1\.amazonaws\.com\/000000000000\/Destinations-Queue/);
  expect(status.stdout).toContain(formatDelivered(kept).join('\n'));
});
