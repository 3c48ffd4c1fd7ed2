// A Choice on the greeting to Hello or Bye; both continue to World, which appends " world!".
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
// A copied app imports these from 'cdk-unum'.
import { Chain, Choice, Condition, Fail, UnumFunction, UnumWorkflow } from '../../src';

const app = new App();
const stack = new Stack(app, 'HelloByeExample');

const greet = new UnumFunction(stack, 'Greet', { entry: path.join(__dirname, 'functions', 'greet.ts') });
const hello = new UnumFunction(stack, 'Hello', { entry: path.join(__dirname, 'functions', 'hello.ts') });
const bye = new UnumFunction(stack, 'Bye', { entry: path.join(__dirname, 'functions', 'bye.ts') });
const world = new UnumFunction(stack, 'World', { entry: path.join(__dirname, 'functions', 'world.ts') });

new UnumWorkflow(stack, 'HelloBye', {
  definition: Chain.start(greet)
    .next(new Choice(stack, 'HelloOrBye', { comment: 'route on the normalized greeting' })
      .when(Condition.stringEquals('$.greeting', 'hello'), hello)
      .when(Condition.stringEquals('$.greeting', 'bye'), bye)
      .otherwise(new Fail(stack, 'UnknownGreeting', { error: 'UnknownGreeting', cause: 'the greeting must be "hello" or "bye"' }))
      .afterwards())
    .next(world),
});

app.synth();
