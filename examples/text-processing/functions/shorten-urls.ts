import { createHash } from 'crypto';
import type { UnumContext } from '../../../src/handler';

interface Draft {
  readonly author: string;
  readonly text: string;
}

export interface Link {
  readonly url: string;
  readonly short: string;
}

/** Where short links point. */
const SHORT_DOMAIN = 'https://unum.link/';

/**
 * Branch 2, step 2: a deterministic short link per URL: the first 7
 * characters of the base64url SHA-256 of the URL. The same URL always gets
 * the same link, so a retried or duplicated invocation agrees with itself.
 */
export async function handler(input: { draft: Draft; urls: string[] }, _context: UnumContext): Promise<{ draft: Draft; links: Link[] }> {
  const links = input.urls.map((url) => ({
    url,
    short: SHORT_DOMAIN + createHash('sha256').update(url).digest('base64url').slice(0, 7),
  }));
  return { draft: input.draft, links };
}
