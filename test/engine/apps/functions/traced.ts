// Node.js user functions of the tracing app (test/engine/apps/tracing.ts): each writes a line through context.logger.
import type { UnumContext } from '../../../../lambda-runtime/types';

export const items = async (input: { count: number }, ctx: UnumContext) => {
  ctx.logger.info('listing items', { count: input.count });
  return Array.from({ length: input.count }, (_, i) => i + 1);
};

/** Fails its first attempt (the runtime logs the retry), then totals the squares. */
export const join = async (values: number[], ctx: UnumContext) => {
  ctx.logger.info('joining', { attempt: ctx.attempt });
  if (ctx.attempt === 0) throw Object.assign(new Error('the join fails once'), { name: 'Transient' });
  return { values, total: values.reduce((a, b) => a + b, 0) };
};
