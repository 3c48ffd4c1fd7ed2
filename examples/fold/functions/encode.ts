import type { UnumContext } from '../../../src/handler';

/** Stage 1 of a chunk: encoded on its own, so it must start with a (costly) keyframe. */
export interface Encoded {
  readonly chunk: number;
  /** The first frame, stored whole. */
  readonly keyframe: number;
  /** Every further frame as the difference to the one before. */
  readonly deltas: number[];
  /** The decoder's state at the end of the chunk (what chunk + 1 will be rebased on). */
  readonly lastFrame: number;
}

/** Stage 1 (one Map item per chunk, all in parallel): delta-encode the chunk from its own keyframe. */
export async function handler(input: { chunk: number; frames: number[] }, _context: UnumContext): Promise<Encoded> {
  const { chunk, frames } = input;
  return {
    chunk,
    keyframe: frames[0],
    deltas: frames.slice(1).map((frame, i) => frame - frames[i]),
    lastFrame: frames[frames.length - 1],
  };
}
