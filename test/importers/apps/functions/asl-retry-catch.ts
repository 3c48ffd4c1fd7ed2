// Stub functions of test/fixtures/asl/retry-catch.json: Charge fails as its input's mode says.
import { named } from './common';
import type { UnumContext } from '../../../../lambda-runtime/types';
export { identity } from './common';

export const Charge = async (x: { mode: string }, ctx: UnumContext) => {
  if (x.mode === 'throttle' && ctx.attempt < 2) throw named('Throttled', 'slow down');
  if (x.mode === 'declined') throw named('CardDeclined', 'insufficient funds');
  if (x.mode === 'boom') throw named('Boom', 'bug');
  return { charged: true, attempts: ctx.attempt };
};

export const Notify = async (x: unknown) => ({ notified: x });
