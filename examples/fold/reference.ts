// The in-process floor of fold: Split, Encode per chunk, PairWithPrevious, Rebase per pair, FoldInOrder.
import { handler as encode } from './functions/encode';
import { handler as fold } from './functions/fold';
import { handler as pairWithPrevious } from './functions/pair-with-previous';
import { handler as rebase } from './functions/rebase';
import { handler as split, Video } from './functions/split';
import { ReferenceRun, roundTrip } from '../support/reference';

export async function runReference(input: unknown): Promise<unknown> {
  const run = new ReferenceRun('Fold');
  const { chunks } = await run.call('Split', split, roundTrip(input as Video));
  const encoded = await run.map('EncodeChunks', chunks, [], (chunk, frames) => run.call('Encode', encode, chunk, frames));
  const { pairs } = await run.call('PairWithPrevious', pairWithPrevious, encoded);
  const rebased = await run.map('RebaseChunks', pairs, [], (pair, frames) => run.call('Rebase', rebase, pair, frames));
  return run.call('FoldInOrder', fold, rebased);
}
