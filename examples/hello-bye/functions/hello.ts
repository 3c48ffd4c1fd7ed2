import type { UnumContext } from '../../../src/handler';

/** Taken when the greeting is "hello". */
export async function handler(_input: { greeting: string }, _context: UnumContext): Promise<string> {
  return 'hello';
}
