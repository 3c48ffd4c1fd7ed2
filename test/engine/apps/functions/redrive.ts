// User functions of the redrive app: every run leaves a marker line, so a test counts user-code runs for real.
import { appendFileSync, existsSync } from 'fs';
import { join } from 'path';

interface Item { readonly dir: string; readonly index: number }

/** Appends the item's index to `<dir>/runs`, then fails while `<dir>/broken-<index>` exists (a dependency that is down). */
export const flaky = async (input: Item) => {
  appendFileSync(join(input.dir, 'runs'), `${input.index}\n`);
  if (existsSync(join(input.dir, `broken-${input.index}`))) {
    throw Object.assign(new Error(`item ${input.index}: its dependency is down`), { name: 'ItemBroken' });
  }
  return { dir: input.dir, value: input.index * 2 };
};

/** The join: appends a line to `<dir>/joins` per run and sums the items; `redrives` is $$.Execution.RedriveCount. */
export const total = async (input: { items: Array<{ dir: string; value: number }>; redrives: number }) => {
  appendFileSync(join(input.items[0].dir, 'joins'), 'join\n');
  return { count: input.items.length, sum: input.items.reduce((a, x) => a + x.value, 0), redrives: input.redrives };
};

export const identity = async (input: unknown) => input;
