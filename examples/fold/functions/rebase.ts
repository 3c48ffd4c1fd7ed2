import type { UnumContext } from '../../../src/handler';

interface Encoded {
  readonly chunk: number;
  readonly keyframe: number;
  readonly deltas: number[];
  readonly lastFrame: number;
}

/** Stage 2 of a chunk: its first frame is a keyframe only for the first chunk. */
export interface Rebased {
  readonly chunk: number;
  /** `key`: the first frame whole; `inter`: the first frame as a difference to the previous chunk's last frame. */
  readonly head: { readonly type: 'key'; readonly value: number } | { readonly type: 'inter'; readonly delta: number };
  readonly deltas: number[];
}

/**
 * Stage 2 (one Map item per chunk, after the partial join `WithPrevious`):
 * re-encode the chunk's keyframe as an interframe against the decoder state
 * at the end of chunk i - 1. Gets stage 1 of this chunk and of the previous
 * one (null for the first chunk), nothing else.
 */
export async function handler(window: [Encoded, Encoded | null], context: UnumContext): Promise<Rebased> {
  const [current, previous] = window;
  if (current.chunk !== context.index) throw new Error(`item ${context.index} holds chunk ${current.chunk}`);
  const head = previous === null
    ? { type: 'key' as const, value: current.keyframe }
    : { type: 'inter' as const, delta: current.keyframe - previous.lastFrame };
  return { chunk: current.chunk, head, deltas: current.deltas };
}
