// User functions of the metrics app: a Map item fails, recovers or spills by its value.
import type { UnumContext } from '../../../../lambda-runtime/types';

export const items = async (input: { count: number }) => Array.from({ length: input.count }, (_, i) => i + 1);

/**
 * Item 3 throws an error the Catch rule routes to Recover; item 7 fails its first attempt (Retry);
 * item 5 returns a payload above the threshold; item 11 throws an error nothing handles (the session fails).
 */
export const work = async (n: number, ctx: UnumContext) => {
  if (n === 3) throw Object.assign(new Error('item 3 is bad'), { name: 'Bad' });
  if (n === 7 && ctx.attempt === 0) throw Object.assign(new Error('item 7 fails once'), { name: 'Transient' });
  if (n === 11) throw Object.assign(new Error('item 11 is fatal'), { name: 'Fatal' });
  if (n === 5) return 'x'.repeat(2048);
  return n * n;
};

export const recover = async (caught: { Error: string }) => caught.Error;

export const total = async (values: unknown[]) => values.length;
