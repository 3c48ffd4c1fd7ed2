// Stub functions of test/fixtures/asl/jsonpath.json (one export per Task state).
export { identity } from './common';

interface Summary { ids: string[]; totals: number[]; rest: unknown[]; evens: string[]; pair: [{ first: string }, string] }

/** Reduces what the state's Parameters selected, so the expected output shows each path's value. */
export const Summarize = async (x: Summary) => ({
  ids: x.ids, evens: x.evens, sum: x.totals.reduce((a, b) => a + b, 0), restCount: x.rest.length, first: x.pair[0].first, second: x.pair[1],
});

export const Report = async (x: unknown) => x;
