// Stub functions of test/fixtures/asl/wait-loop.json: the job is DONE at the second poll.
export { identity } from './common';

export const Submit = async () => ({ count: 0 });
export const Poll = async (x: { count: number }) => ({ count: x.count + 1, status: x.count + 1 >= 2 ? 'DONE' : 'RUNNING' });
export const Report = async (x: { count: number }) => `polled ${x.count}`;
