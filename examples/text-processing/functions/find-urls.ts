import type { UnumContext } from '../../../src/handler';

interface Draft {
  readonly author: string;
  readonly text: string;
}

/**
 * Branch 2, step 1: the http(s) URLs in the text, each once, in order
 * (punctuation that ends a sentence is not part of the URL). The draft
 * travels on: the join delivers only branch outputs, and CreatePost needs it.
 */
export async function handler(input: Draft, _context: UnumContext): Promise<{ draft: Draft; urls: string[] }> {
  const urls: string[] = [];
  for (const [raw] of input.text.matchAll(/https?:\/\/[^\s<>"]+/g)) {
    const url = raw.replace(/[.,;:!?)\]]+$/, '');
    if (!urls.includes(url)) urls.push(url);
  }
  return { draft: { author: input.author, text: input.text }, urls };
}
