import type { UnumContext } from '../../../src/handler';

interface Rebased {
  readonly chunk: number;
  readonly head: { readonly type: 'key'; readonly value: number } | { readonly type: 'inter'; readonly delta: number };
  readonly deltas: number[];
}

export interface Stream {
  readonly chunks: number;
  readonly frames: number;
  /** Keyframes left in the stream (stage 1 had one per chunk). */
  readonly keyframes: number;
  /** The encoded stream: the first keyframe whole, then one difference per frame. */
  readonly stream: number[];
  /** The stream decoded frame by frame: equals the input frames, concatenated. */
  readonly decoded: number[];
}

/**
 * The fold, after the stage-2 join: walks the chunks in order, carrying the
 * decoder state (the last decoded frame) from one chunk into the next.
 */
export async function handler(chunks: Rebased[], _context: UnumContext): Promise<Stream> {
  const initial = { state: undefined as number | undefined, keyframes: 0, stream: [] as number[], decoded: [] as number[] };
  const folded = chunks.reduce((acc, chunk, i) => {
    if (chunk.chunk !== i) throw new Error(`chunk ${chunk.chunk} arrived at position ${i}`);
    let state: number;
    if (chunk.head.type === 'key') {
      state = chunk.head.value;
      acc.keyframes++;
    } else {
      if (acc.state === undefined) throw new Error(`chunk ${i} is an interframe but nothing came before it`);
      state = acc.state + chunk.head.delta;
    }
    acc.stream.push(chunk.head.type === 'key' ? chunk.head.value : chunk.head.delta, ...chunk.deltas);
    acc.decoded.push(state);
    for (const delta of chunk.deltas) {
      state += delta;
      acc.decoded.push(state);
    }
    acc.state = state;
    return acc;
  }, initial);
  return { chunks: chunks.length, frames: folded.decoded.length, keyframes: folded.keyframes, stream: folded.stream, decoded: folded.decoded };
}
