// Workflows that start with a Parallel, Map, Choice, Pass or Wait (no identity function), in Node.js and in Python, for the engine tests.
// `node -r ts-node/register/transpile-only test/engine/apps/anywhere.ts`
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Choice, Condition, FanIn, Map, Parallel, Pass, UnumFunction, UnumWorkflow, Wait, WaitTime } from '../../../src';

const app = new App();
const stack = new Stack(app, 'EngineAnywhere');
const steps = path.join(__dirname, 'functions', 'steps.ts');
const pyDir = (name: string) => path.join(__dirname, 'python', name);

const fns = {
  node: {
    square: (id: string) => new UnumFunction(stack, id, { entry: steps, handler: 'square' }),
    identity: (id: string) => new UnumFunction(stack, id, { entry: steps, handler: 'identity' }),
    total: (id: string) => new UnumFunction(stack, id, { entry: steps, handler: 'sum' }),
  },
  py: {
    square: (id: string) => new UnumFunction(stack, id, { entry: pyDir('square'), runtime: lambda.Runtime.PYTHON_3_12 }),
    identity: (id: string) => new UnumFunction(stack, id, { entry: pyDir('sleep'), handler: 'identity', runtime: lambda.Runtime.PYTHON_3_12 }),
    total: (id: string) => new UnumFunction(stack, id, { entry: pyDir('total'), runtime: lambda.Runtime.PYTHON_3_12 }),
  },
};

for (const lang of ['node', 'py'] as const) {
  const f = fns[lang];
  const id = (name: string) => `${lang}${name}`;
  new UnumWorkflow(stack, id('parallel'), {
    definition: new Parallel(stack, id('Fork')).branch(f.square(id('SquareBranch')), f.identity(id('Same')), f.square(id('AgainBranch'))),
  });
  new UnumWorkflow(stack, id('map'), {
    definition: new Map(stack, id('Each')).itemProcessor(f.square(id('SquareItem'))).next(new FanIn(stack, id('Squared'))).next(f.total(id('Total'))),
  });
  new UnumWorkflow(stack, id('choice'), {
    definition: new Choice(stack, id('Route'))
      .when(Condition.stringEquals('$.greeting', 'hello'), f.identity(id('Hello')))
      .otherwise(f.identity(id('Other'))),
  });
  new UnumWorkflow(stack, id('pass'), { definition: new Pass(stack, id('Four'), { result: 4 }).next(f.square(id('SquarePassed'))) });
  new UnumWorkflow(stack, id('wait'), {
    definition: new Wait(stack, id('Pause'), { time: WaitTime.duration(Duration.seconds(1)) }).next(f.square(id('SquareLater'))),
  });
}

// A Wait first that does not fit in the entry's invocation (3 s timeout): the start states continue in a re-invocation.
new UnumWorkflow(stack, 'longwait', {
  definition: new Wait(stack, 'LongPause', { time: WaitTime.secondsPath('$.wait') })
    .next(new UnumFunction(stack, 'AfterLongPause', { entry: steps, handler: 'identity', timeout: Duration.seconds(3) })),
});
new UnumWorkflow(stack, 'pylongwait', {
  definition: new Wait(stack, 'PyLongPause', { time: WaitTime.secondsPath('$.wait') })
    .next(new UnumFunction(stack, 'PyAfterLongPause', { entry: pyDir('sleep'), handler: 'identity', runtime: lambda.Runtime.PYTHON_3_12, timeout: Duration.seconds(3) })),
});

// A Parallel start fed by SQS: one session per message.
new UnumWorkflow(stack, 'sqsparallel', {
  definition: new Parallel(stack, 'SqsFork').branch(fns.node.square('SqsSquare'), fns.py.square('SqsPySquare')),
}).addSqsSource(new sqs.Queue(stack, 'Numbers', { visibilityTimeout: Duration.minutes(6) }));
// The same with a Python entry.
new UnumWorkflow(stack, 'pysqsparallel', {
  definition: new Parallel(stack, 'PySqsFork').branch(fns.py.square('PySqsSquare'), fns.node.square('PySqsNodeSquare')),
}).addSqsSource(new sqs.Queue(stack, 'PyNumbers', { visibilityTimeout: Duration.minutes(6) }));

app.synth();
