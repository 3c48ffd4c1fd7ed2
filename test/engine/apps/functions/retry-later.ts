// User functions of the retry-interval app: each attempt logs when it starts and when it fails (epoch ms).
import type { UnumContext } from '../../../../lambda-runtime/types';

/** Time the slow attempt leaves its invocation: less than the 1 s interval plus the runtime's 2 s margin. */
const LEAVE_MS = 2_500;

const mark = (what: string, ctx: UnumContext) => console.log(`${what} ${JSON.stringify({ attempt: ctx.attempt, at: Date.now() })}`);

/** Attempt 0 runs until the invocation is nearly used up, then fails; attempt 1 fails at once; attempt 2 succeeds. */
export const slowThenFlaky = async (input: unknown, ctx: UnumContext) => {
  mark('ATTEMPT', ctx);
  if (ctx.attempt === 0) await new Promise((r) => setTimeout(r, Math.max(0, ctx.getRemainingTimeInMillis() - LEAVE_MS)));
  if (ctx.attempt < 2) {
    mark('FAIL', ctx);
    throw Object.assign(new Error(`attempt ${ctx.attempt} failed`), { name: 'Transient' });
  }
  return { input, attempts: ctx.attempt + 1 };
};

/** Every attempt runs until the invocation is nearly used up, then fails. */
export const alwaysSlow = async (_input: unknown, ctx: UnumContext) => {
  mark('ATTEMPT', ctx);
  await new Promise((r) => setTimeout(r, Math.max(0, ctx.getRemainingTimeInMillis() - LEAVE_MS)));
  mark('FAIL', ctx);
  throw Object.assign(new Error(`attempt ${ctx.attempt} failed`), { name: 'Transient' });
};
