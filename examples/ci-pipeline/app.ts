// A CI pipeline that is a DAG, not nested Parallels: Publish waits for Package and for whichever check the
// Strictness choice ran, but not for UnitTests; Report waits for UnitTests and Publish.
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
// A copied app imports these from 'cdk-unum'.
import { Chain, Choice, Condition, FanIn, Parallel, UnumFunction, UnumWorkflow } from '../../src';

const app = new App();
const stack = new Stack(app, 'CiPipelineExample');

const fn = (id: string, file: string): UnumFunction =>
  new UnumFunction(stack, id, { entry: path.join(__dirname, 'functions', file) });

const checkout = fn('Checkout', 'checkout.ts');
const compile = fn('Compile', 'compile.ts');
const unitTests = fn('UnitTests', 'unit-tests.ts');
const pack = fn('Package', 'package.ts');
const lint = fn('Lint', 'lint.ts');
const typeCheck = fn('TypeCheck', 'type-check.ts');
const quickCheck = fn('QuickCheck', 'quick-check.ts');
const publish = fn('Publish', 'publish.ts');
const report = fn('Report', 'report.ts');

// The joins name their predecessors and chain themselves after each one; the branches below end in them.
new FanIn(stack, 'ReadyToShip', {
  predecessors: [pack, typeCheck, quickCheck],
  comment: '[package, type check or null, quick check or null]',
}).next(publish);
new FanIn(stack, 'AllDone', {
  predecessors: [unitTests, publish],
  comment: '[test run, published release]',
}).next(report);

new UnumWorkflow(stack, 'CiPipeline', {
  definition: Chain.start(checkout)
    // No FanIn closes Fork or AfterCompile: ReadyToShip and AllDone do.
    .next(new Parallel(stack, 'Fork')
      .branch(Chain.start(compile)
        .next(new Parallel(stack, 'AfterCompile').branch(unitTests).branch(pack)))
      .branch(Chain.start(lint)
        .next(new Choice(stack, 'Strictness', { comment: 'strict commits get the full type check' })
          .when(Condition.booleanEquals('$.strict', true), typeCheck)
          .otherwise(quickCheck)))),
});

app.synth();
