import { createHash } from 'crypto';
import type { UnumContext } from '../../../src/handler';

interface Post {
  readonly author: string;
  readonly body: string;
  readonly mentions: string[];
  readonly links: Array<{ url: string; short: string }>;
}

export interface Published extends Post {
  /** Derived from the content, so publishing the same post twice gives the same id. */
  readonly id: string;
  readonly status: 'published';
  readonly characters: number;
  /** Who gets a notification: everyone mentioned except the author. */
  readonly notify: string[];
}

/** The last step: "publishes" the post (here: gives it an id and decides whom to notify). */
export async function handler(post: Post, context: UnumContext): Promise<Published> {
  const id = `post-${createHash('sha256').update(`${post.author}\n${post.body}`).digest('hex').slice(0, 12)}`;
  const notify = post.mentions.filter((m) => m !== post.author.toLowerCase());
  context.logger.info('published', { id, notify: notify.length });
  return { id, status: 'published', ...post, characters: [...post.body].length, notify };
}
