// Stub functions of FaaSr's model workflow (test/fixtures/faasr/model.json); end is an identity.
import type { UnumContext } from '../../../../lambda-runtime/types';
export { identity } from './common';

export const start = async (args: unknown) => args;
export const computeA = async (args: { base: number }) => args.base;
/** A ranked action: rank context.index + 1 of context.size. */
export const concurrent = async (args: { scale: number }, ctx: UnumContext) =>
  ({ rank: ctx.index + 1, max: ctx.size, value: (ctx.index + 1) * args.scale });
export const computeB = async () => true;
export const computeBFalse = async () => false;
export const conditionalT = async () => 'T';
export const conditionalF = async () => 'F';
