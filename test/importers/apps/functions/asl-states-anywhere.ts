// Stub functions of test/fixtures/asl/states-anywhere.json (Echo is an identity).
export { identity } from './common';

export const Double = async (x: { items: number[] }) => ({ items: x.items.map((i) => i * 2) });
export const Square = async (n: number) => n * n;
export const Check = async ([squares, echoed]: [number[], { items: number[] }]) => {
  const total = squares.reduce((a, b) => a + b, 0);
  return total > 10 ? { ok: true, total, echoed: echoed.items } : { ok: false, error: 'TooSmall', cause: `the squares add up to ${total}` };
};
