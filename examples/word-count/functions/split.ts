import type { UnumContext } from '../../../src/handler';

export interface SplitInput {
  readonly text: string;
  /** Words per chunk (default 40). */
  readonly chunkWords?: number;
  /** Partitions of the shuffle (default 3). */
  readonly partitions?: number;
}

export interface Chunk {
  readonly chunk: number;
  readonly text: string;
  /** Travels with every chunk: Partition, after the join, reads it from the counts. */
  readonly partitions: number;
}

/** The entry: cuts the text into chunks of `chunkWords` words at whitespace, so no word is split. */
export async function handler(input: SplitInput, context: UnumContext): Promise<{ chunks: Chunk[] }> {
  const chunkWords = input.chunkWords ?? 40;
  const partitions = input.partitions ?? 3;
  if (!Number.isInteger(chunkWords) || chunkWords < 1) throw new Error(`chunkWords must be a positive integer (got ${chunkWords})`);
  if (!Number.isInteger(partitions) || partitions < 1) throw new Error(`partitions must be a positive integer (got ${partitions})`);
  const tokens = input.text.split(/\s+/).filter((t) => t !== '');
  const chunks: Chunk[] = [];
  for (let i = 0; i < tokens.length; i += chunkWords) {
    chunks.push({ chunk: chunks.length, text: tokens.slice(i, i + chunkWords).join(' '), partitions });
  }
  context.logger.info('split the text', { tokens: tokens.length, chunks: chunks.length });
  return { chunks };
}
