// The in-process floor of word-count-python: the same steps as word-count, each Python function called directly.
import * as path from 'path';
import { pythonHandler } from '../support/python';
import { ReferenceRun, roundTrip } from '../support/reference';

const fn = (dir: string) => pythonHandler(path.join(__dirname, 'functions', dir));

export async function runReference(input: unknown): Promise<unknown> {
  const run = new ReferenceRun('WordCountPython');
  const { chunks } = await run.call('Split', fn('split'), roundTrip(input)) as { chunks: unknown[] };
  const counted = await run.map('CountChunks', chunks, [], (chunk, frames) => run.call('Count', fn('count'), chunk, frames));
  const { partitions } = await run.call('Partition', fn('partition'), counted) as { partitions: unknown[] };
  const reduced = await run.map('ReducePartitions', partitions, [], (slice, frames) => run.call('Reduce', fn('reduce'), slice, frames));
  return run.call('Merge', fn('merge'), reduced);
}
