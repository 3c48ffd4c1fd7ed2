import { LambdaClient } from '@aws-sdk/client-lambda';
import { ForwardClients, forwardRecord, s3RecordKey } from '../../lambda-runtime/forward';
import { DestinationsEndpoint } from '../../toolkit/src/local/destinations-endpoint';

/**
 * The recorder's forwarding against the engine's destinations endpoint with
 * the real SDK clients: a destination that refuses the record makes the
 * recorder's invocation fail (so Lambda retries it) instead of losing it.
 */
let endpoint: DestinationsEndpoint;
let clients: ForwardClients;
const saved = { ...process.env };
const QUEUE = 'https://sqs.us-east-1.amazonaws.com/000000000000/known';
const TOPIC = 'arn:aws:sns:us-east-1:000000000000:known';
const BUS = 'arn:aws:events:us-east-1:000000000000:event-bus/known';
const record = {
  version: '1.0',
  timestamp: '2026-12-02T01:02:03.456Z',
  requestContext: { requestId: 'r-1', functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:wf-A:$LATEST', condition: 'RetriesExhausted' },
  requestPayload: { unum: 1, session: 's-1' },
  responsePayload: { errorType: 'Runtime.ExitError', errorMessage: 'exit status 3' },
};

beforeAll(async () => {
  endpoint = await DestinationsEndpoint.start({ exists: (_service, d) => [QUEUE, TOPIC, BUS].includes(d) });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SQS: endpoint.url,
    AWS_ENDPOINT_URL_SNS: endpoint.url,
    AWS_ENDPOINT_URL_EVENTBRIDGE: endpoint.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  clients = new ForwardClients(new LambdaClient({}), { maxAttempts: 1 });
});
afterAll(async () => {
  process.env = saved;
  await endpoint?.stop();
});

test('each message service gets the record JSON, byte for byte', async () => {
  await forwardRecord(record, { kind: 'sqs', target: QUEUE }, clients);
  await forwardRecord(record, { kind: 'sns', target: TOPIC }, clients);
  await forwardRecord(record, { kind: 'eventbridge', target: BUS }, clients);
  expect(endpoint.messages.map((m) => [m.service, m.destination, m.body, m.session])).toEqual([
    ['sqs', QUEUE, JSON.stringify(record), 's-1'], ['sns', TOPIC, JSON.stringify(record), 's-1'], ['eventbridge', BUS, JSON.stringify(record), 's-1'],
  ]);
  expect(endpoint.messages[2].attributes).toMatchObject({ source: 'lambda', detailType: 'Lambda Function Invocation Result - Failure' });
});

test.each([
  ['sqs', 'https://sqs.us-east-1.amazonaws.com/000000000000/gone', /queue does not exist/i],
  ['sns', 'arn:aws:sns:us-east-1:000000000000:gone', /Topic does not exist/],
  ['eventbridge', 'arn:aws:events:us-east-1:000000000000:event-bus/gone', /EventBridge refused the on-failure record for .*gone: NotFound/],
] as const)('a %s destination that does not exist fails the forwarding', async (kind, target, message) => {
  await expect(forwardRecord(record, { kind, target }, clients)).rejects.toThrow(message);
});

test("S3 records are keyed like Lambda's: function, UTC date, time, a random id", () => {
  expect(s3RecordKey(record.requestContext.functionArn, record.timestamp))
    .toMatch(/^aws\/lambda\/async\/wf-A\/2026\/12\/02\/2026-12-02T01\.02\.03-[0-9a-f-]{36}$/);
});
