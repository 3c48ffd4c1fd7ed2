// The in-process floor of fold: Split, Encode per chunk, Rebase per chunk on (chunk, chunk - 1), FoldInOrder.
import { handler as encode } from './functions/encode';
import { handler as fold } from './functions/fold';
import { handler as rebase } from './functions/rebase';
import { handler as split, Video } from './functions/split';
import { ReferenceRun, roundTrip } from '../support/reference';

export async function runReference(input: unknown): Promise<unknown> {
  const run = new ReferenceRun('Fold');
  const { chunks } = await run.call('Split', split, roundTrip(input as Video));
  const encoded = await run.map('Chunks', chunks, [], (chunk, frames) => run.call('Encode', encode, chunk, frames));
  const rebased = await run.map('Chunks', encoded, [], (current, frames) =>
    run.call('Rebase', rebase, [current, frames[0].index === 0 ? null : encoded[frames[0].index - 1]], frames));
  return run.call('FoldInOrder', fold, rebased);
}
