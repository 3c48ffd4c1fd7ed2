// Stub functions of test/fixtures/faasr/nested.json (ingest and report are identities).
export { identity } from './common';

export const left = async () => 'L';
export const leftA = async () => 'a';
export const leftB = async () => 'b';
export const leftJoin = async (list: string[]) => list.join('');
export const right = async () => 'r';
