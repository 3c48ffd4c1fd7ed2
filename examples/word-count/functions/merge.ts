import type { UnumContext } from '../../../src/handler';

type WordCount = [word: string, count: number];

export interface WordCountResult {
  /** Words in the text. */
  readonly words: number;
  /** Different words. */
  readonly distinct: number;
  /** How many different words each partition reduced, in partition order. */
  readonly partitionSizes: number[];
  /** Every word with its count: most frequent first, ties by word. */
  readonly counts: WordCount[];
}

/** After the second join: the partitions are disjoint, so merging is concatenating and sorting. */
export async function handler(partitions: Array<{ partition: number; counts: WordCount[] }>, _context: UnumContext): Promise<WordCountResult> {
  const counts = partitions.flatMap((p) => p.counts)
    .sort(([a, m], [b, n]) => n - m || (a < b ? -1 : a > b ? 1 : 0));
  return {
    words: counts.reduce((sum, [, n]) => sum + n, 0),
    distinct: counts.length,
    partitionSizes: partitions.map((p) => p.counts.length),
    counts,
  };
}
