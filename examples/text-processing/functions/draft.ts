import type { UnumContext } from '../../../src/handler';

export interface Draft {
  readonly author: string;
  readonly text: string;
}

/** The entry: validates the draft both branches of the fan-out read. */
export async function handler(input: Partial<Draft>, _context: UnumContext): Promise<Draft> {
  if (typeof input?.text !== 'string' || input.text.trim() === '') throw new Error('the draft needs a non-empty "text"');
  if (typeof input.author !== 'string' || !/^\w{1,30}$/.test(input.author)) throw new Error('the draft needs an "author" handle (letters, digits, _)');
  return { author: input.author, text: input.text.trim() };
}
