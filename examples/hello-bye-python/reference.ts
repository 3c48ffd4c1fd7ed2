// The in-process floor of hello-bye-python: Greet, the branch the Choice takes, World.
import * as path from 'path';
import { pythonHandler } from '../support/python';
import { ReferenceRun, roundTrip } from '../support/reference';

const fn = (dir: string) => pythonHandler(path.join(__dirname, 'functions', dir), 'app.py', 'lambda_handler');

export async function runReference(input: unknown): Promise<unknown> {
  const run = new ReferenceRun('HelloByePython');
  const { greeting } = await run.call('Greet', fn('greet'), roundTrip(input)) as { greeting: string };
  if (greeting !== 'hello' && greeting !== 'bye') throw new Error('UnknownGreeting: the greeting must be "hello" or "bye"');
  const word = await run.call(greeting === 'hello' ? 'Hello' : 'Bye', fn(greeting), { greeting });
  return run.call('World', fn('world'), word);
}
