// Stub functions of test/fixtures/faasr/crossed.json, a DAG that is not series-parallel (start and end are identities).
import type { UnumContext } from '../../../../lambda-runtime/types';
export { identity } from './common';

export const A = async (n: number) => n + 1;
export const B = async (n: number) => n * 10;
/** A ranked action: rank context.index + 1 of context.size. */
export const R = async (n: number, ctx: UnumContext) => `${n}:${ctx.index + 1}/${ctx.size}`;
export const C = async (n: number) => `c${n}`;
/** D joins A (through a Pass) and R's copies: [A's output, [R's outputs]]. */
export const D = async ([a, ranks]: [number, string[]]) => `${a}|${ranks.join(',')}`;
