// The in-process floor of iot-pipeline: Aggregate, then Decide.
import { AggregateInput, handler as aggregate } from './functions/aggregate';
import { handler as decide } from './functions/decide';
import { ReferenceRun, roundTrip } from '../support/reference';

export async function runReference(input: unknown): Promise<unknown> {
  const run = new ReferenceRun('IotPipeline');
  const windows = await run.call('Aggregate', aggregate, roundTrip(input as AggregateInput));
  return run.call('Decide', decide, windows);
}
