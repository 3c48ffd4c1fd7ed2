import { TEST_SERVERS_ENV, startTestServers } from './test-servers';

/**
 * jest `globalSetup`: starts DynamoDB Local and s3rver once for the whole
 * test run and hands their endpoints to the test workers through the
 * environment (jest's workers inherit it). Pair it with
 * `cdk-unum-toolkit/lib/testing/jest-global-teardown`.
 *
 *   // jest.config.js
 *   globalSetup: 'cdk-unum-toolkit/lib/testing/jest-global-setup',
 *   globalTeardown: 'cdk-unum-toolkit/lib/testing/jest-global-teardown',
 */
export default async function globalSetup(): Promise<void> {
  const [dynamodb, s3] = await startTestServers();
  // The teardown runs in this same process: it finds the servers here.
  (globalThis as { __unumTestServers?: unknown }).__unumTestServers = [dynamodb, s3];
  process.env[TEST_SERVERS_ENV.DYNAMODB] = dynamodb.endpoint;
  process.env[TEST_SERVERS_ENV.S3] = s3.endpoint;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
