// Stub functions of test/fixtures/asl/data-flow.json (one export per Task state).
export { identity } from './common';

export const Fetch = async (order: { items: number[] }) => ({ sum: order.items.reduce((a, b) => a + b, 0) });

/** Its input is what the state's Parameters built; it is logged (SHIPPED <json>) so the engine test can check it. */
export const Ship = async (x: unknown) => {
  console.log(`SHIPPED ${JSON.stringify(x)}`);
  return { tracking: 'T1' };
};
