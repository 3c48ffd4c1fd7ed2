// The in-process floor of faasr: start, then both branches concurrently (10 ranks | computeB and
// the conditional it chose), then end.
import { handler as computeA } from './functions/computeA';
import { handler as computeB } from './functions/computeB';
import { handler as concurrent } from './functions/concurrent';
import { handler as conditionalF } from './functions/conditionalF';
import { handler as conditionalT } from './functions/conditionalT';
import { handler as end, Joined } from './functions/end';
import { handler as start } from './functions/start';
import { ReferenceRun, roundTrip } from '../support/reference';

const WIDTH = 10;

export async function runReference(input: unknown): Promise<unknown> {
  const run = new ReferenceRun('Faasr');
  const parameters = await run.call('start', start, roundTrip(input));
  const joined = await run.parallel('StartFanOut', parameters, [], [
    async (value, frames) => {
      const numbers = await run.call('computeA', computeA, value, frames);
      return run.map('Ranks', Array(WIDTH).fill(numbers), frames, (copy, inner) => run.call('concurrent', concurrent, copy, inner));
    },
    async (value, frames) => {
      const result = await run.call('computeB', computeB, value, frames);
      return result === true
        ? run.call('conditionalT', conditionalT, result, frames)
        : run.call('conditionalF', conditionalF, result, frames);
    },
  ]);
  return run.call('end', end, joined as Joined);
}
