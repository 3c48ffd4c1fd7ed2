import { existsSync } from 'fs';
import { join } from 'path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { UnumClient } from '../client';
import { UsageError } from './assembly';
import { checkJava, javaCommand } from './java';
import { LocalServer, startDynamoDbLocal, startS3rver } from './servers';

/**
 * Reopens the store a previous `unum run --data-dir` left behind, so that
 * `unum status` and `unum result` can read sessions after the run ended.
 */

export interface OpenStore {
  /** A client for `workflow`'s sessions in `table` (and its bucket). */
  client(workflow: string, table: string, bucket?: string): UnumClient;
  stop(): Promise<void>;
}

export async function openDataDir(dataDir: string, options: { java?: string } = {}): Promise<OpenStore> {
  if (!existsSync(join(dataDir, 'dynamodb'))) {
    throw new UsageError(`${dataDir} holds no local store: run a session first with \`unum run --data-dir ${dataDir} ...\``);
  }
  const java = javaCommand(options.java);
  checkJava(java);
  const servers: LocalServer[] = await Promise.all([
    startDynamoDbLocal({ java, dbPath: join(dataDir, 'dynamodb') }),
    startS3rver({ directory: join(dataDir, 's3') }),
  ]);
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const dynamodb = new DynamoDBClient({ region: 'us-east-1', credentials, endpoint: servers[0].endpoint });
  const s3 = new S3Client({ region: 'us-east-1', credentials, endpoint: servers[1].endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' });
  return {
    client: (workflow, table, bucket) => new UnumClient({ workflow, table, bucket, dynamodb, s3 }),
    async stop() {
      dynamodb.destroy();
      s3.destroy();
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
}
