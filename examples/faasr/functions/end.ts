import type { UnumContext } from '../../../src/handler';

interface RankOutput {
  readonly rank: number;
  readonly square: number;
  readonly number: number;
}

/** What the FanIn delivers: the Parallel's branch outputs in branch order. */
export type Joined = [ranks: RankOutput[], conditional: { branch: string; computeB: boolean }];

/** Runs once, after the 10 ranks and the conditional: sums what the ranks computed. */
export async function handler([ranks, conditional]: Joined, _context: UnumContext): Promise<{
  ranks: number[]; sumOfSquares: number; sumOfNumbers: number; branch: string;
}> {
  return {
    ranks: ranks.map((r) => r.rank),
    sumOfSquares: ranks.reduce((sum, r) => sum + r.square, 0),
    sumOfNumbers: ranks.reduce((sum, r) => sum + r.number, 0),
    branch: conditional.branch,
  };
}
