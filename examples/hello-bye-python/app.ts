// examples/hello-bye with every function in Python, written the way original unum apps are
// (a directory per function, app.py, lambda_handler(event, context), data files read by relative path):
// function → Choice → one of two functions → a function both continue to.
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
// A copied app imports these from 'cdk-unum'.
import { Chain, Choice, Condition, Fail, UnumFunction, UnumWorkflow } from '../../src';

const app = new App();
const stack = new Stack(app, 'HelloByePythonExample');

const fn = (id: string, dir: string): UnumFunction =>
  new UnumFunction(stack, id, {
    runtime: lambda.Runtime.PYTHON_3_14,
    entry: path.join(__dirname, 'functions', dir),
    index: 'app.py',
    handler: 'lambda_handler',
  });

const greet = fn('Greet', 'greet');
const hello = fn('Hello', 'hello');
const bye = fn('Bye', 'bye');
const world = fn('World', 'world');

new UnumWorkflow(stack, 'HelloByePython', {
  definition: Chain.start(greet)
    .next(new Choice(stack, 'HelloOrBye', { comment: 'route on the normalized greeting' })
      .when(Condition.stringEquals('$.greeting', 'hello'), hello)
      .when(Condition.stringEquals('$.greeting', 'bye'), bye)
      .otherwise(new Fail(stack, 'UnknownGreeting', { error: 'UnknownGreeting', cause: 'the greeting must be "hello" or "bye"' }))
      .afterwards())
    .next(world),
});

app.synth();
