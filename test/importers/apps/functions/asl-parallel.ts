// Stub functions of test/fixtures/asl/parallel.json (Prepare and Merge are identities).
export { identity } from './common';

export const Double = async (x: { n: number }) => ({ n: x.n * 2 });
export const Increment = async (x: { n: number }) => ({ n: x.n + 1 });
export const Describe = async (x: { n: number; tag: string }) => `${x.tag}:${x.n}`;
export const Square = async (x: { n: number }) => x.n * x.n;
