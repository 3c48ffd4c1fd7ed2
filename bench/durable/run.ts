/**
 * Lambda Durable Functions' LocalDurableTestRunner on the three workloads of
 * issue 17, for the side-by-side figures of bench/test-runner.ts --durable,
 * which runs this file in its own process (Durable's skipTime installs fake
 * timers process-wide, and each side's peak memory is its own). Prints one
 * JSON line: the median milliseconds per workload, with real timers and
 * with skipTime, and the process's peak resident set.
 *
 * The workloads do what the cdk-unum ones do: 100 sequential steps; a map
 * of 1,000 one-step items and their sum; word-count with the example's own
 * user functions (Split, a map of Count, Partition, a map of Reduce, Merge),
 * called through the same reference context as examples/word-count/reference.ts.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { DurableContext, withDurableExecution } from '@aws/durable-execution-sdk-js';
import { LocalDurableTestRunner } from '@aws/durable-execution-sdk-js-testing';
import { ReferenceRun } from '../../examples/support/reference';
import { handler as count } from '../../examples/word-count/functions/count';
import { handler as merge } from '../../examples/word-count/functions/merge';
import { handler as partition } from '../../examples/word-count/functions/partition';
import { handler as reduce } from '../../examples/word-count/functions/reduce';
import { handler as split } from '../../examples/word-count/functions/split';
import { median, now } from '../lib/stats';

const chain100 = withDurableExecution(async (_event: unknown, ctx: DurableContext) => {
  let value = 0;
  for (let i = 0; i < 100; i++) value = await ctx.step(`Step${i}`, async () => value + 1);
  return value;
});

const map1000 = withDurableExecution(async (_event: unknown, ctx: DurableContext) => {
  const items = Array.from({ length: 1000 }, (_, i) => i);
  const batch = await ctx.map('Items', items, async (c) => c.step('Item', async () => 1));
  return batch.getResults().reduce((a, b) => a + b, 0);
});

const wordCount = withDurableExecution(async (event: any, ctx: DurableContext) => {
  const run = new ReferenceRun('WordCount');
  const { chunks } = await ctx.step('Split', () => run.call('Split', split, event));
  const counted = await ctx.map('CountChunks', chunks, async (c, chunk, index) =>
    c.step('Count', () => run.call('Count', count, chunk, [{ fanout: 'CountChunks', index, size: chunks.length, attempt: 0 }])));
  const { partitions } = await ctx.step('Partition', () => run.call('Partition', partition, counted.getResults()));
  const reduced = await ctx.map('ReducePartitions', partitions, async (c, slice, index) =>
    c.step('Reduce', () => run.call('Reduce', reduce, slice, [{ fanout: 'ReducePartitions', index, size: partitions.length, attempt: 0 }])));
  return ctx.step('Merge', () => run.call('Merge', merge, reduced.getResults()));
});

const WORD_COUNT_INPUT = JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', 'word-count', 'input.json'), 'utf8'));
const WORD_COUNT_EXPECTED = JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', 'word-count', 'expected.json'), 'utf8'));

const WORKLOADS = [
  { name: 'chain100', handler: chain100, input: {}, expected: 100 },
  { name: 'map1000', handler: map1000, input: {}, expected: 1000 },
  { name: 'wordCount', handler: wordCount, input: WORD_COUNT_INPUT, expected: WORD_COUNT_EXPECTED },
];

async function measure(handler: any, input: unknown, expected: unknown, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = -1; i < runs; i++) {
    const runner = new LocalDurableTestRunner({ handlerFunction: handler });
    const t0 = now();
    const execution = await runner.run({ payload: input });
    const ms = now() - t0;
    const result = execution.getResult();
    if (execution.getStatus() !== 'SUCCEEDED' || JSON.stringify(result) !== JSON.stringify(expected)) {
      throw new Error(`Durable: ${execution.getStatus()} ${JSON.stringify(result ?? execution.getError()).slice(0, 300)}`);
    }
    if (i >= 0) times.push(ms);
  }
  return median(times);
}

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 5;
  const out: Record<string, Record<string, number>> = { realTimers: {}, skipTime: {} };
  for (const skipTime of [false, true]) {
    await LocalDurableTestRunner.setupTestEnvironment({ skipTime });
    try {
      for (const w of WORKLOADS) out[skipTime ? 'skipTime' : 'realTimers'][w.name] = await measure(w.handler, w.input, w.expected, runs);
    } finally {
      await LocalDurableTestRunner.teardownTestEnvironment();
    }
  }
  process.stdout.write(`${JSON.stringify({ ...out, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
