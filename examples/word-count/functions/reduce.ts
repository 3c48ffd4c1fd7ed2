import type { UnumContext } from '../../../src/handler';

type WordCount = [word: string, count: number];

/** One Map item of the second map: sums the counts of one partition, sorted by word. */
export async function handler(
  input: { partition: number; counts: WordCount[] },
  _context: UnumContext,
): Promise<{ partition: number; counts: WordCount[] }> {
  const totals = new Map<string, number>();
  for (const [word, count] of input.counts) totals.set(word, (totals.get(word) ?? 0) + count);
  return { partition: input.partition, counts: [...totals.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) };
}
