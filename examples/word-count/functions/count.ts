import type { UnumContext } from '../../../src/handler';

/** A word and how often it occurs. */
export type WordCount = [word: string, count: number];

export interface ChunkCounts {
  readonly chunk: number;
  readonly partitions: number;
  /** Sorted by word. */
  readonly counts: WordCount[];
}

/**
 * One Map item: counts the words of a chunk. A word is a run of letters,
 * lower-cased, with inner apostrophes kept ("nation's"); digits, dashes and
 * punctuation separate words ("battle-field" is "battle" and "field").
 */
export async function handler(input: { chunk: number; text: string; partitions: number }, _context: UnumContext): Promise<ChunkCounts> {
  const counts = new Map<string, number>();
  const text = input.text.toLowerCase().replace(/[\u2018\u2019]/g, "'");
  for (const [word] of text.matchAll(/[a-z]+(?:'[a-z]+)*/g)) {
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return { chunk: input.chunk, partitions: input.partitions, counts: [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) };
}
