// User functions of the engine's test apps: each export is one behaviour.
import type { UnumContext } from '../../../../lambda-runtime/types';

export const double = async (input: { n: number }) => ({ n: input.n * 2 });

export const identity = async (input: unknown) => input;

export const increment = async (input: { n: number }) => input.n + 1;

export const items = async (input: { count: number }) => Array.from({ length: input.count }, (_, i) => i + 1);

export const slowItems = async (input: { count: number; ms: number }) => Array.from({ length: input.count }, () => ({ ms: input.ms }));

export const square = async (n: number) => n * n;

export const sum = async (values: number[]) => values.reduce((a, b) => a + b, 0);

/** Fails its first attempt; the workflow's retry rule runs it again. */
export const flaky = async (input: unknown, ctx: UnumContext) => {
  if (ctx.attempt === 0) throw Object.assign(new Error('transient failure'), { name: 'Transient' });
  return { input, attempts: ctx.attempt + 1 };
};

export const boom = async () => {
  throw Object.assign(new Error('the boom node always fails'), { name: 'BoomError' });
};

/** Blocks the event loop: only the sandbox timeout can stop it. */
export const hang = async () => {
  const until = Date.now() + 5_000;
  while (Date.now() < until) { /* spin */ }
  return 'never';
};

export const sleep = async (input: { ms: number }) => {
  await new Promise((r) => setTimeout(r, input.ms));
  return input.ms;
};

/** Sleeps and says when it ran (epoch ms), for the overlap of bounded Map items. */
export const timed = async (input: { i: number; ms: number }) => {
  const start = Date.now();
  await new Promise((r) => setTimeout(r, input.ms));
  return { i: input.i, start, end: Date.now() };
};

/** An output above the payload threshold: it travels through S3. */
export const big = async (input: { kb: number }) => 'x'.repeat(input.kb * 1024);

export const measure = async (text: string) => ({ length: text.length, head: text.slice(0, 3) });

/** What the sandbox looks like from inside. */
export const env = async () => ({
  taskRoot: process.env.LAMBDA_TASK_ROOT === process.cwd(),
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
  region: process.env.AWS_REGION,
  user: process.env.GREETING,
  home: process.env.HOME ?? null,
  pid: process.pid,
});
