// The in-process floor of hello-bye: the user functions called in workflow order.
import { handler as bye } from './functions/bye';
import { GreetInput, handler as greet } from './functions/greet';
import { handler as hello } from './functions/hello';
import { handler as world } from './functions/world';
import { ReferenceRun, roundTrip } from '../support/reference';

export async function runReference(input: unknown): Promise<unknown> {
  const run = new ReferenceRun('HelloBye');
  const greeting = await run.call('Greet', greet, roundTrip(input as GreetInput));
  let word: string;
  if (greeting.greeting === 'hello') {
    word = await run.call('Hello', hello, greeting);
  } else if (greeting.greeting === 'bye') {
    word = await run.call('Bye', bye, greeting);
  } else {
    throw Object.assign(new Error('the greeting must be "hello" or "bye"'), { name: 'UnknownGreeting' });
  }
  return run.call('World', world, word);
}
