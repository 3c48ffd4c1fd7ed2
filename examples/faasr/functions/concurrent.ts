import type { UnumContext } from '../../../src/handler';

export interface RankOutput {
  readonly rank: number;
  readonly square: number;
  /** This rank's number from computeA. */
  readonly number: number;
}

/**
 * One of 10 ranked instances: every instance gets computeA's whole output;
 * its rank (FaaSr's 1-based rank) comes from the context.
 */
export async function handler(input: { numbers: number[] }, context: UnumContext): Promise<RankOutput> {
  const rank = context.index + 1;
  return { rank, square: rank * rank, number: input.numbers[context.index] };
}
