import type { UnumContext } from '../../../src/handler';

/** The entry: the session input must be a list; it is passed on unchanged for the Map to fan out. */
export async function handler(input: unknown[], _context: UnumContext): Promise<unknown[]> {
  if (!Array.isArray(input)) throw new Error('the input must be a JSON array, e.g. [1, 2, 3]');
  return input;
}
