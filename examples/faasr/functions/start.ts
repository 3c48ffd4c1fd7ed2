import type { UnumContext } from '../../../src/handler';

export interface Parameters {
  /** First number computeA produces. */
  readonly base: number;
  /** computeB's question: is base divisible by this? */
  readonly divisor: number;
}

/** The entry: checks the parameters both branches read. */
export async function handler(input: Partial<Parameters>, _context: UnumContext): Promise<Parameters> {
  const base = input?.base ?? 1;
  const divisor = input?.divisor ?? 2;
  if (!Number.isInteger(base)) throw new Error(`base must be an integer (got ${JSON.stringify(base)})`);
  if (!Number.isInteger(divisor) || divisor === 0) throw new Error(`divisor must be a non-zero integer (got ${JSON.stringify(divisor)})`);
  return { base, divisor };
}
