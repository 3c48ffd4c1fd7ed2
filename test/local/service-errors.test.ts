import { Server, createServer } from 'http';
import { AddressInfo } from 'net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { retryConfig } from '../../lambda-runtime/index';
import { sendDynamoDbThrottle, sendLambdaThrottle, sendS3Error } from '../../toolkit/src/local/service-errors';

/**
 * The injected errors in AWS's wire format: the real SDK v3 clients must
 * parse each as the named exception, and their retry strategy must treat it
 * as retryable (the second attempt, answered normally, succeeds).
 */

let server: Server;
let url: string;
/** Errors left to send before answering normally; the handler for the current test. */
let failures = 0;
let fault: (res: import('http').ServerResponse, method?: string) => void;
let ok: (res: import('http').ServerResponse) => void;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (failures > 0) {
        failures--;
        fault(res, req.method);
      } else {
        ok(res);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => new Promise<void>((r) => server.close(() => r())));

const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const base = { region: 'us-east-1', credentials, endpoint: '' };

async function rejection(p: Promise<unknown>): Promise<any> {
  return p.then(() => { throw new Error('expected a rejection'); }, (e) => e);
}

test('DynamoDB ProvisionedThroughputExceededException', async () => {
  fault = (res) => sendDynamoDbThrottle(res);
  ok = (res) => { res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.0' }); res.end('{}'); };
  const once = new DynamoDBClient({ ...base, endpoint: url, maxAttempts: 1 });
  failures = 1;
  const e = await rejection(once.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } })));
  expect(e.name).toBe('ProvisionedThroughputExceededException');
  expect(e.$metadata.httpStatusCode).toBe(400);
  const retrying = new DynamoDBClient({ ...base, endpoint: url, ...retryConfig({}) });
  failures = 2;
  const out = await retrying.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } }));
  expect(out.$metadata.attempts).toBe(3);
});

test.each(['SlowDown', 'InternalError'] as const)('S3 %s', async (code) => {
  fault = (res, method) => sendS3Error(res, code, method);
  ok = (res) => { res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 2 }); res.end('{}'); };
  const once = new S3Client({ ...base, endpoint: url, forcePathStyle: true, maxAttempts: 1 });
  failures = 1;
  const e = await rejection(once.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' })));
  expect(e.name).toBe(code);
  expect(e.$metadata.httpStatusCode).toBe(code === 'SlowDown' ? 503 : 500);
  const retrying = new S3Client({ ...base, endpoint: url, forcePathStyle: true, ...retryConfig({}) });
  failures = 1;
  const out = await retrying.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' }));
  expect(await out.Body!.transformToString()).toBe('{}');
  expect(out.$metadata.attempts).toBe(2);
});

test('Lambda TooManyRequestsException', async () => {
  fault = (res) => sendLambdaThrottle(res);
  ok = (res) => { res.writeHead(202); res.end(); };
  const once = new LambdaClient({ ...base, endpoint: url, maxAttempts: 1 });
  failures = 1;
  const e = await rejection(once.send(new InvokeCommand({ FunctionName: 'f', InvocationType: 'Event', Payload: Buffer.from('{}') })));
  expect(e.name).toBe('TooManyRequestsException');
  expect(e.Reason).toBe('ConcurrentInvocationLimitExceeded');
  expect(e.$metadata.httpStatusCode).toBe(429);
  const retrying = new LambdaClient({ ...base, endpoint: url, ...retryConfig({}) });
  failures = 1;
  const out = await retrying.send(new InvokeCommand({ FunctionName: 'f', InvocationType: 'Event', Payload: Buffer.from('{}') }));
  expect(out.StatusCode).toBe(202);
  expect(out.$metadata.attempts).toBe(2);
});

test('a function may set its own AWS_MAX_ATTEMPTS / AWS_RETRY_MODE', () => {
  expect(retryConfig({})).toEqual({ maxAttempts: 5, retryMode: 'standard' });
  expect(retryConfig({ AWS_MAX_ATTEMPTS: '2', AWS_RETRY_MODE: 'adaptive' })).toEqual({});
});
