import type { UnumContext } from '../../../src/handler';

/** Branch 2: a boolean, for the Choice after it (true → conditionalT, false → conditionalF). */
export async function handler(input: { base: number; divisor: number }, _context: UnumContext): Promise<boolean> {
  return input.base % input.divisor === 0;
}
