// The in-process floor of map-join: Start, Identity on every item concurrently, Collect.
import { handler as collect } from './functions/collect';
import { handler as identity } from './functions/identity';
import { handler as start } from './functions/start';
import { ReferenceRun, roundTrip } from '../support/reference';

export async function runReference(input: unknown): Promise<unknown> {
  const run = new ReferenceRun('MapJoin');
  const items = await run.call('Start', start, roundTrip(input));
  const outputs = await run.map('EachItem', items, [], (item, frames) => run.call('Identity', identity, item, frames));
  return run.call('Collect', collect, outputs);
}
