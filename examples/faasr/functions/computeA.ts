import type { UnumContext } from '../../../src/handler';

/** Branch 1: produces the numbers the ranked instances share: base, base + 1, ..., base + 9. */
export async function handler(input: { base: number }, _context: UnumContext): Promise<{ numbers: number[] }> {
  return { numbers: Array.from({ length: 10 }, (_, i) => input.base + i) };
}
