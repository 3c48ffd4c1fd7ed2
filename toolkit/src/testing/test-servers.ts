import { LocalServer, startDynamoDbLocal, startS3rver } from '../local/servers';

/**
 * The local store servers a test run shares: started once (jest's global
 * setup) and found by every test worker through these environment
 * variables, so each test file pays for runners, never for a JVM start.
 */
export const TEST_SERVERS_ENV = {
  DYNAMODB: 'UNUM_TEST_DYNAMODB_ENDPOINT',
  S3: 'UNUM_TEST_S3_ENDPOINT',
} as const;

export interface TestServerEndpoints {
  readonly dynamodb: string;
  readonly s3: string;
}

/** The shared servers' endpoints, when a global setup started them. */
export function sharedTestServers(env: NodeJS.ProcessEnv = process.env): TestServerEndpoints | undefined {
  const dynamodb = env[TEST_SERVERS_ENV.DYNAMODB];
  const s3 = env[TEST_SERVERS_ENV.S3];
  return dynamodb && s3 ? { dynamodb, s3 } : undefined;
}

/** DynamoDB Local and s3rver, started together; a start that hangs fails with a reason instead of stalling the run. */
export async function startTestServers(options: { readonly java?: string; readonly timeoutMs?: number } = {}): Promise<LocalServer[]> {
  const ms = options.timeoutMs ?? 90_000;
  const started = Promise.allSettled([startDynamoDbLocal({ java: options.java }), startS3rver()]);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`DynamoDB Local and s3rver did not start within ${ms / 1000} s`)), ms);
  });
  try {
    const results = await Promise.race([started, deadline]);
    const servers = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) {
      await Promise.all(servers.map((s) => s.stop().catch(() => undefined)));
      throw failed.reason;
    }
    return servers;
  } finally {
    clearTimeout(timer);
  }
}
