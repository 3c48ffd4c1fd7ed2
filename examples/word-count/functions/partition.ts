import type { UnumContext } from '../../../src/handler';

type WordCount = [word: string, count: number];

export interface PartitionSlice {
  readonly partition: number;
  /** Every (word, count) of this partition from every chunk, unmerged, in chunk order. */
  readonly counts: WordCount[];
}

/** FNV-1a (32 bit) of the word's UTF-8 bytes: a stable hash, the same on every machine and run. */
export function fnv1a(word: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(word, 'utf8')) {
    // A hash is bit arithmetic: xor the byte in, multiply by the FNV prime modulo 2^32.
    // eslint-disable-next-line no-bitwise
    hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * The shuffle, after the first join: gets the per-chunk counts in chunk
 * order and sends each word to partition fnv1a(word) mod P, so every
 * occurrence of a word meets in the same Reduce.
 */
export async function handler(
  chunks: Array<{ chunk: number; partitions: number; counts: WordCount[] }>,
  _context: UnumContext,
): Promise<{ partitions: PartitionSlice[] }> {
  const p = chunks[0]?.partitions ?? 0;
  const partitions: PartitionSlice[] = Array.from({ length: p }, (_, partition) => ({ partition, counts: [] }));
  for (const chunk of chunks) {
    for (const [word, count] of chunk.counts) {
      partitions[fnv1a(word) % p].counts.push([word, count]);
    }
  }
  return { partitions };
}
