import type { UnumContext } from '../../../src/handler';

/** The session input: a greeting, bare or in an object, in any case and spacing. */
export type GreetInput = string | { greeting?: unknown };

/**
 * The entry: normalizes the input to `{ greeting }` in lower case, so the
 * Choice after it can compare strings exactly.
 */
export async function handler(input: GreetInput, context: UnumContext): Promise<{ greeting: string }> {
  const raw = typeof input === 'string' ? input : input?.greeting;
  const greeting = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  context.logger.info('normalized the greeting', { greeting });
  return { greeting };
}
