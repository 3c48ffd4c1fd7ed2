// Stub functions of test/fixtures/asl/choice.json: each branch's task returns its own name.
export { identity } from './common';

export const Vip = async () => 'Vip';
export const Newcomer = async () => 'Newcomer';
export const Loyal = async () => 'Loyal';
export const Regular = async () => 'Regular';
