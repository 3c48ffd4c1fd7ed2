import type { UnumContext } from '../../../src/handler';

/** One Map item: returns it unchanged (context.index is its position in the list). */
export async function handler(item: unknown, _context: UnumContext): Promise<unknown> {
  return item;
}
