// Stub functions of test/fixtures/asl/map-item-processor.json: the item and its index in the Map.
import type { UnumContext } from '../../../../lambda-runtime/types';
export { identity } from './common';

export const Pass = async (n: number, ctx: UnumContext) => `pass:${n}@${ctx.index}`;
export const FailGrade = async (n: number, ctx: UnumContext) => `fail:${n}@${ctx.index}`;
