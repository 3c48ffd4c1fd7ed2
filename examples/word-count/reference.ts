// The in-process floor of word-count: Split, Count per chunk, Partition, Reduce per partition, Merge.
import { handler as count } from './functions/count';
import { handler as merge } from './functions/merge';
import { handler as partition } from './functions/partition';
import { handler as reduce } from './functions/reduce';
import { handler as split, SplitInput } from './functions/split';
import { ReferenceRun, roundTrip } from '../support/reference';

export async function runReference(input: unknown): Promise<unknown> {
  const run = new ReferenceRun('WordCount');
  const { chunks } = await run.call('Split', split, roundTrip(input as SplitInput));
  const counted = await run.map('CountChunks', chunks, [], (chunk, frames) => run.call('Count', count, chunk, frames));
  const { partitions } = await run.call('Partition', partition, counted);
  const reduced = await run.map('ReducePartitions', partitions, [], (slice, frames) => run.call('Reduce', reduce, slice, frames));
  return run.call('Merge', merge, reduced);
}
