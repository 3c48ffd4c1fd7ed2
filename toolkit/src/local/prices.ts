/**
 * Published AWS prices used by the cost figures: us-east-1, on-demand, no
 * free tier. Written down by hand on the date below from the public price
 * pages; NOT fetched live (the benchmark and `unum report` run offline). Update the numbers
 * and the date together.
 */
export const PRICES = {
  /** When these were taken from the pages below. */
  date: '2026-11-21',
  region: 'us-east-1',
  lambda: {
    /** Per request (invocation), any invocation type. */
    perRequest: 0.20 / 1e6,
    /** Per GB-second of x86 duration (first 6 billion GB-s/month tier). */
    perGbSecond: 0.0000166667,
    source: 'https://aws.amazon.com/lambda/pricing/',
  },
  dynamodb: {
    /** On-demand: per write request unit (1 KB, rounded up per item). Reduced by 50% on 2024-11-01 (was $1.25). */
    perWriteUnit: 0.625 / 1e6,
    /** On-demand: per read request unit (one strongly consistent read of up to 4 KB; 0.5 for eventually consistent). Was $0.25. */
    perReadUnit: 0.125 / 1e6,
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/ (price cut: https://aws.amazon.com/blogs/database/new-amazon-dynamodb-lowers-pricing-for-on-demand-throughput-and-global-tables/)',
  },
  s3: {
    /** S3 Standard: PUT, COPY, POST, LIST requests. */
    perPutRequest: 0.005 / 1000,
    /** S3 Standard: GET, SELECT and all other requests. */
    perGetRequest: 0.0004 / 1000,
    source: 'https://aws.amazon.com/s3/pricing/',
  },
  stepFunctions: {
    /** Standard workflows: per state transition. */
    standardPerTransition: 0.025 / 1000,
    /** Express workflows: per request (execution start). */
    expressPerRequest: 1.00 / 1e6,
    /** Express workflows: per GB-second of execution duration (first 1,000 hours tier), billed in 100 ms steps. */
    expressPerGbSecond: 0.00001667,
    /** Express bills memory in 64 MB increments; a workflow of small JSON payloads uses the minimum. */
    expressMinMemoryGb: 64 / 1024,
    source: 'https://aws.amazon.com/step-functions/pricing/',
  },
} as const;
