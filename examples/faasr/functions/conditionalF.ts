import type { UnumContext } from '../../../src/handler';

/** Runs when computeB returned false. */
export async function handler(input: boolean, _context: UnumContext): Promise<{ branch: string; computeB: boolean }> {
  return { branch: 'conditionalF', computeB: input };
}
