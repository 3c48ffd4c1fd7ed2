// User functions of the test runner's test app: each export is one behaviour.
import type { UnumContext } from '../../../../lambda-runtime/types';

export const double = async (input: { n: number }) => ({ n: input.n * 2 });

export const increment = async (input: { n: number }) => input.n + 1;

export const identity = async (input: unknown) => input;

export const items = async (input: { count: number }) => Array.from({ length: input.count }, (_, i) => i + 1);

export const square = async (n: number) => n * n;

export const sum = async (values: number[]) => values.reduce((a, b) => a + b, 0);

/** Calls a service the test stubs with an override (it has no such service). */
export const lookup = async (input: { sku: string }) => {
  throw Object.assign(new Error(`the price service is unreachable for ${input.sku}`), { name: 'ServiceUnavailable' });
};

/** Fails every attempt: the node's Retry policy runs it again, then the session fails. */
export const alwaysFails = async (_input: unknown, ctx: UnumContext) => {
  throw Object.assign(new Error(`attempt ${ctx.attempt} failed`), { name: 'Unreliable' });
};

/** A result of `mb` megabytes. */
export const large = async (input: { mb: number }) => 'x'.repeat(input.mb * 1024 * 1024);

/** Outlasts its function's 1 s timeout. */
export const slow = async () => {
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  return 'too late';
};

/** Fails its first two attempts, so the Retry's intervals both pass before it succeeds. */
export const flaky = async (input: Record<string, unknown>, ctx: UnumContext) => {
  if (ctx.attempt < 2) throw Object.assign(new Error(`attempt ${ctx.attempt} failed`), { name: 'Flaky' });
  return { ...input, attempts: ctx.attempt + 1 };
};
