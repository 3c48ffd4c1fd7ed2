import type { UnumContext } from '../../../src/handler';

interface Link {
  readonly url: string;
  readonly short: string;
}

/** What the FanIn delivers: the branch outputs in branch order. */
export type Analyzed = [{ mentions: string[] }, { draft: { author: string; text: string }; links: Link[] }];

export interface Post {
  readonly author: string;
  /** The text with every URL replaced by its short link. */
  readonly body: string;
  readonly mentions: string[];
  readonly links: Link[];
}

/** After the join: the post body with short links, and what it mentions. */
export async function handler([mentioned, shortened]: Analyzed, _context: UnumContext): Promise<Post> {
  let body = shortened.draft.text;
  // Longest first, so a URL that is a prefix of another does not cut into it.
  for (const link of [...shortened.links].sort((a, b) => b.url.length - a.url.length)) {
    body = body.split(link.url).join(link.short);
  }
  return { author: shortened.draft.author, body, mentions: mentioned.mentions, links: shortened.links };
}
