import type { UnumContext } from '../../../src/handler';

/** The session input: the video as chunks of frames (a frame is one number here, e.g. its brightness). */
export interface Video {
  readonly chunks: number[][];
}

/** The entry: validates the chunks and numbers them. */
export async function handler(input: Video, _context: UnumContext): Promise<{ chunks: Array<{ chunk: number; frames: number[] }> }> {
  if (!Array.isArray(input?.chunks) || input.chunks.length === 0) throw new Error('the input needs "chunks": a non-empty list of frame lists');
  input.chunks.forEach((frames, chunk) => {
    if (!Array.isArray(frames) || frames.length === 0 || !frames.every(Number.isInteger)) {
      throw new Error(`chunk ${chunk} must be a non-empty list of integer frames`);
    }
  });
  return { chunks: input.chunks.map((frames, chunk) => ({ chunk, frames })) };
}
