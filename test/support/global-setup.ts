import { startDynamoDbLocal, startS3rver } from '../../src/local/servers';

/**
 * Starts DynamoDB Local and s3rver once for all test files; workers inherit
 * the endpoints through the environment (each test file makes its own table
 * and bucket).
 */
export default async function globalSetup(): Promise<void> {
  const [dynamodb, s3] = await Promise.all([startDynamoDbLocal(), startS3rver()]);
  (globalThis as any).__unumServers = [dynamodb, s3];
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    UNUM_TEST_DYNAMODB_ENDPOINT: dynamodb.endpoint,
    UNUM_TEST_S3_ENDPOINT: s3.endpoint,
  });
}
