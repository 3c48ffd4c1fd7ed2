// Stub functions of test/fixtures/asl/lambda-invoke.json (the entry function the import adds for Seed is an identity).
export { identity } from './common';

export const Multiply = async (x: { input: { x: number }; factor: number }) => ({ value: x.input.x * x.factor });
export const Describe = async (n: number) => ({ text: `n=${n}`, extra: true });
