/**
 * mulberry32 (Tommy Ettinger's 32-bit generator): tiny, fast and good enough
 * for scheduling choices; the same seed gives the same simulation.
 */
/* eslint-disable no-bitwise -- the generator is defined by 32-bit integer operations */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/* eslint-enable no-bitwise */
