// User functions of the fan-out failure app (Retry, Catch and tolerated failures on Parallel and Map).
import type { UnumContext } from '../../../../src/handler';

/** The attempt of the innermost enclosing fan-out (its addRetry re-runs every item). */
const fanOutAttempt = (ctx: UnumContext) => ctx.fanouts[ctx.fanouts.length - 1]?.attempt ?? 0;

/** Fails when the item says so: `fail: true` always, `failOnce: true` in the fan-out's first attempt only. */
export const item = async (input: { n: number; fail?: boolean; failOnce?: boolean; ms?: number }, ctx: UnumContext) => {
  if (input.ms) await new Promise((r) => setTimeout(r, input.ms));
  if (input.fail || (input.failOnce && fanOutAttempt(ctx) === 0)) {
    throw Object.assign(new Error(`item ${input.n} failed in attempt ${fanOutAttempt(ctx)}`), { name: 'ItemFailed' });
  }
  return { n: input.n * 2, attempt: fanOutAttempt(ctx), instance: ctx.instance };
};

export const identity = async (input: unknown) => input;

/** Takes `ms`, never fails: a branch still running when a sibling's failure retries the Parallel. */
export const slow = async (input: { n: number; ms: number }, ctx: UnumContext) => {
  await new Promise((r) => setTimeout(r, input.ms));
  return { n: input.n, attempt: fanOutAttempt(ctx) };
};

/** Crashes its sandbox when the item says so: Lambda retries, then gives up and the failure recorder gets the event. */
export const crash = async (input: { n: number; crash?: boolean }) => {
  if (input.crash) process.exit(3);
  return input.n;
};
