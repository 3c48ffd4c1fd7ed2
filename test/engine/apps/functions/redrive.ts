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

interface Step { readonly dir: string }
const step = (input: Step, name: string) => appendFileSync(join(input.dir, 'steps'), `${name}\n`);

/** Each step appends its name to `<dir>/steps`; the slow one then sleeps 10 s while `<dir>/slow` exists (past the workflow's timeout). */
export const first = async (input: Step) => {
  step(input, 'first');
  return input;
};

export const slow = async (input: Step) => {
  step(input, 'slow');
  if (existsSync(join(input.dir, 'slow'))) await new Promise((resolve) => setTimeout(resolve, 10_000));
  return input;
};

export const last = async (input: Step) => {
  step(input, 'last');
  return { done: true };
};
