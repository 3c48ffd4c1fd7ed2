import type { UnumContext } from '../../../lambda-runtime/types';

interface Encoded {
  readonly chunk: number;
  readonly keyframe: number;
  readonly deltas: number[];
  readonly lastFrame: number;
}

export interface Pair {
  readonly current: Encoded;
  /** Stage 1 of the chunk before (null for the first chunk). */
  readonly previous: Encoded | null;
}

/**
 * After the full join of stage 1: pairs chunk i with chunk i - 1, the input
 * a partial join "instance i and i - 1" would have delivered directly.
 */
export async function handler(encoded: Encoded[], _context: UnumContext): Promise<{ pairs: Pair[] }> {
  return { pairs: encoded.map((current, i) => ({ current, previous: i === 0 ? null : encoded[i - 1] })) };
}
