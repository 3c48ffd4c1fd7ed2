// Stub functions of test/fixtures/faasr/chain-one-sided.json.
export { identity } from './common';

/** Its input is the action's Arguments; it is logged (PREPARE <json>) so the engine test can check it. */
export const prepare = async (args: { threshold: number }) => {
  console.log(`PREPARE ${JSON.stringify(args)}`);
  return { ok: args.threshold };
};
/** The variant whose value fails validation: the one-sided conditional ends the path. */
export const prepareLow = async () => ({ ok: 1 });
export const validate = async (x: { ok: number }) => x.ok > 2;
export const publish = async (args: { folder: string }) => `published to ${args.folder}`;
