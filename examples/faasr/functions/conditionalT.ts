import type { UnumContext } from '../../../src/handler';

/** Runs when computeB returned true. */
export async function handler(input: boolean, _context: UnumContext): Promise<{ branch: string; computeB: boolean }> {
  return { branch: 'conditionalT', computeB: input };
}
