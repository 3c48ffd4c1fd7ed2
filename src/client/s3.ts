import type * as S3 from '@aws-sdk/client-s3';

/**
 * The S3 client module, loaded on first use. Only spilled payloads need S3,
 * and loading its SDK module costs a Lambda cold start about 25 ms on top of
 * the DynamoDB and Lambda clients every function needs.
 */
let loaded: typeof S3 | undefined;

export function s3Module(): typeof S3 {
  // Provided by Lambda's runtime in the layer, a dependency of cdk-unum-toolkit elsewhere (see store.ts).
  // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies
  loaded ??= require('@aws-sdk/client-s3') as typeof S3;
  return loaded;
}

/** An S3 client, or a factory the store calls the first time it touches S3. */
export type S3ClientSource = S3.S3Client | (() => S3.S3Client);
