// Stub functions of test/fixtures/faasr/conditional-crossed.json: a True/False conditional feeding a join
// that is not series-parallel (split and report are identities).
export { identity } from './common';

export const left = async (x: { n: number }) => x.n * 2;
export const check = async (x: { fast: boolean }) => x.fast;
export const fast = async () => 'fast';
export const slow = async () => 'slow';
/** [left, fast, slow] in ActionList order, null for the side not taken. */
export const merge = async (list: Array<number | string | null>) => list.map((v) => v ?? '-').join(',');
export const audit = async (n: number) => `audit ${n}`;
