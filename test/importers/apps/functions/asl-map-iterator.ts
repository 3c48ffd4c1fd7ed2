// Stub functions of test/fixtures/asl/map-iterator.json.
export { identity } from './common';

export const Split = async (x: { text: string }) => ({ words: x.text.split(' ').filter(Boolean) });
export const Upper = async (s: string) => s.toUpperCase();
export const Measure = async (s: string) => ({ w: s, len: s.length });
export const Join = async (list: Array<{ w: string; len: number }>) => list.map((x) => `${x.w}${x.len}`).join('-');
