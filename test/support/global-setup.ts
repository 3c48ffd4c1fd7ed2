import { testPython } from './python';
import { startDynamoDbLocal, startS3rver } from '../../toolkit/src/local/servers';
import { TEST_SERVERS_ENV } from '../../toolkit/src/testing/test-servers';

/**
 * Starts DynamoDB Local and s3rver once for all test files; workers inherit
 * the endpoints through the environment (each test file makes its own table
 * and bucket).
 */
export default async function globalSetup(): Promise<void> {
  const [dynamodb, s3] = await Promise.all([
    withDeadline(startDynamoDbLocal(), 'DynamoDB Local (java) did not start'),
    withDeadline(startS3rver(), 's3rver did not start'),
  ]);
  (globalThis as any).__unumServers = [dynamodb, s3];
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // The names WorkflowTestRunner reads (the project's tests share its servers as users' tests do).
    [TEST_SERVERS_ENV.DYNAMODB]: dynamodb.endpoint,
    [TEST_SERVERS_ENV.S3]: s3.endpoint,
    // The engine's Python sandboxes (the Python examples, under every engine and chaos test) run
    // lambda-runtime/python/.venv, with the boto3 Lambda's Python runtime ships; made on first use.
    UNUM_PYTHON: process.env.UNUM_PYTHON ?? testPython(),
  });
}

/** A test run that cannot start its servers must fail with a reason, never wait forever. */
async function withDeadline<T>(start: Promise<T>, message: string, ms = 120_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([start, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
