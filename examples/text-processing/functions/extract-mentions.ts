import type { UnumContext } from '../../../src/handler';

/**
 * Branch 1: the @handles in the text, each once, in order of first mention.
 * An @ inside a word (an e-mail address) is not a mention.
 */
export async function handler(input: { text: string }, _context: UnumContext): Promise<{ mentions: string[] }> {
  const mentions: string[] = [];
  for (const match of input.text.matchAll(/(?<![\w@.])@(\w{1,30})/g)) {
    const handle = match[1].toLowerCase();
    if (!mentions.includes(handle)) mentions.push(handle);
  }
  return { mentions };
}
