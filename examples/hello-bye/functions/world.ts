import type { UnumContext } from '../../../src/handler';

/** Where both branches meet: appends " world!" to whichever word arrived. */
export async function handler(input: string, _context: UnumContext): Promise<string> {
  return `${input} world!`;
}
