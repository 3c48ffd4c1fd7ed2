// Stub functions of test/fixtures/faasr/conditional-join.json (finish is an identity).
export { identity } from './common';

export const check = async (x: boolean) => x;
export const fastA = async () => 'fa';
export const fastB = async () => 'fb';
export const slow = async () => 'slow';
