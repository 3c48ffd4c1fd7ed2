// Stub functions of test/fixtures/faasr/multi-end.json: several ends, a one-sided conditional and ranked
// copies at the end of a path (ingest is an identity).
import type { UnumContext } from '../../../../lambda-runtime/types';
export { identity } from './common';

export const a = async (n: number) => n + 1;
export const b = async (n: number) => n * 2;
/** [a, b] in ActionList order. */
export const join1 = async (list: number[]) => list.join('+');
export const gate = async (n: number) => n > 4;
/** Its input is its Arguments. */
export const publish = async (args: { folder: string }, ctx: UnumContext) => `${args.folder}/${ctx.index + 1}of${ctx.size}`;
