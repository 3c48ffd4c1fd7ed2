// TypeScript twin of app.py: the same stack, built with the library's TypeScript API.
// smoke.sh synthesizes both and requires equal templates (asset hashes normalized).
import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Chain, Choice, Condition, Fail, FanIn, Map, Succeed, UnumFunction, UnumWorkflow, WorkflowDefinition } from '../../src';

const FUNCTIONS = path.join(__dirname, 'functions');
const FAASR = path.join(__dirname, '..', 'fixtures', 'faasr', 'chain-one-sided.json');

// No version reporting: its metadata names the host language, which is not part of the workflow.
const app = new App({ outdir: process.argv[2], analyticsReporting: false });
const stack = new Stack(app, 'PolyglotSmoke');

const split = new UnumFunction(stack, 'Split', { code: lambda.Code.fromAsset(FUNCTIONS), handler: 'index.split' });
const square = new UnumFunction(stack, 'Square', {
  code: lambda.Code.fromInline('exports.handler = async (n) => n * n;'),
  handler: 'index.handler',
  memorySize: 128,
  timeout: Duration.seconds(10),
});
const total = new UnumFunction(stack, 'Total', { code: lambda.Code.fromAsset(FUNCTIONS), handler: 'index.total' });
total.addRetry({ errors: ['States.TaskFailed'], maxAttempts: 2 });

new UnumWorkflow(stack, 'Squares', {
  definition: Chain.start(split)
    .next(new Map(stack, 'SquareEach', { itemsPath: '$.numbers' }).itemProcessor(square))
    .next(new FanIn(stack, 'Squared'))
    .next(total)
    .next(new Choice(stack, 'BigEnough')
      .when(Condition.and(Condition.isNumeric('$.sum'), Condition.numberGreaterThan('$.sum', 100)), new Succeed(stack, 'Big'))
      .otherwise(new Fail(stack, 'Small', { error: 'TooSmall', cause: 'the sum of squares is at most 100' }))),
});

const functions: { [name: string]: UnumFunction } = {};
for (const name of ['prepare', 'validate', 'publish']) {
  functions[name] = new UnumFunction(stack, `Faasr-${name}`, { code: lambda.Code.fromAsset(FUNCTIONS), handler: 'index.echo' });
}
new UnumWorkflow(stack, 'Imported', {
  definition: WorkflowDefinition.fromFaasr(stack, 'FaasrDefinition', fs.readFileSync(FAASR, 'utf8'), { functions }),
});

app.synth();
