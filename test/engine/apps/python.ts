// Workflows that mix Node.js and Python functions, for the engine tests.
// `node -r ts-node/register/transpile-only test/engine/apps/python.ts`
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Chain, Choice, Condition, Fail, FanIn, JsonPath, Map, Pass, ProvideItems, UnumFunction, UnumFunctionProps, UnumWorkflow } from '../../../src';

const app = new App();
const stack = new Stack(app, 'EnginePython');
const steps = path.join(__dirname, 'functions', 'steps.ts');

function node(id: string, handler: string): UnumFunction {
  return new UnumFunction(stack, id, { entry: steps, handler });
}

function py(id: string, dir: string, extra: Partial<UnumFunctionProps> = {}): UnumFunction {
  return new UnumFunction(stack, id, { entry: path.join(__dirname, 'python', dir), runtime: lambda.Runtime.PYTHON_3_12, ...extra });
}

new UnumWorkflow(stack, 'mixed', {
  definition: Chain.start(node('Double', 'double'))
    .next(py('Describe', 'describe', { index: 'app.py', handler: 'lambda_handler' }))
    .next(node('Increment', 'increment')),
});

new UnumWorkflow(stack, 'describe', {
  definition: Chain.start(node('Doubled', 'double')).next(py('Described', 'describe', { index: 'app.py', handler: 'lambda_handler' })),
});

new UnumWorkflow(stack, 'pymap', {
  definition: Chain.start(node('Items', 'items'))
    .next(new Map(stack, 'EachItem').itemProcessor(py('Square', 'square')))
    .next(new FanIn(stack, 'Squared'))
    .next(py('Total', 'total')),
});

new UnumWorkflow(stack, 'pyfail', { definition: Chain.start(node('Prepare', 'items')).next(py('Boom', 'total', { handler: 'boom' })) });

new UnumWorkflow(stack, 'pytimeout', { definition: py('Hang', 'hang', { timeout: Duration.seconds(1), retryAttempts: 1 }) });
new UnumWorkflow(stack, 'pyspin', { definition: py('Spin', 'hang', { handler: 'spin', timeout: Duration.seconds(1), retryAttempts: 1 }) });

// Step Functions paths evaluated by the Python runtime: an indefinite InputPath and ResultSelector
// (with '.$' inside an array) around a Python function, then a Choice its egress evaluates.
new UnumWorkflow(stack, 'pyjsonpath', {
  definition: Chain.start(node('Orders', 'identity'))
    .next(py('Totals', 'total').configureDataFlow({
      inputPath: "$.orders[?(@.total > 10 && @.status != 'void')].total",
      resultSelector: { 'last.$': '$.values[-1:]', 'sum.$': '$.total', 'both': [{ 'first.$': '$.values[0]' }, 'x'] },
      resultPath: '$.picked',
    }))
    .next(new Choice(stack, 'Route')
      .when(Condition.and(Condition.stringEquals('$.tags[-1]', 't3'), Condition.isPresent("$.orders[?(@.status == 'void')]")), node('Report', 'identity'))
      .otherwise(new Fail(stack, 'NoMatch', { error: 'NoMatch' }))),
});

// lambda:invoke's response shape from the Python runtime: the first result placed at $.invoked, the second read by a ResultSelector.
new UnumWorkflow(stack, 'pyresponse', {
  definition: Chain.start(py('SquareInvoked', 'square', { inputPath: '$.n', payloadResponseOnly: false, resultPath: '$.invoked' }))
    .next(py('SquareSelected', 'square', {
      inputPath: '$.invoked.Payload',
      payloadResponseOnly: false,
      resultSelector: { 'value.$': '$.Payload', 'status.$': '$.StatusCode', 'version.$': '$.ExecutedVersion', 'first.$': '$.Payload' },
    })),
});

// The context object $$: a Node.js function retried once, a Python one, and a Map whose itemSelector feeds Python items.
new UnumWorkflow(stack, 'context', {
  definition: Chain.start(new UnumFunction(stack, 'CtxFlaky', {
    entry: steps,
    handler: 'flaky',
    parameters: { 'name.$': '$$.Execution.Name', 'x.$': '$$.Execution.Input.x', 'state.$': '$$.State.Name', 'retries.$': '$$.State.RetryCount' },
  }).addRetry({ errors: ['Transient'], interval: Duration.seconds(1), maxAttempts: 1 }))
    .next(py('CtxPython', 'context', {
      parameters: {
        'node.$': '$',
        'id.$': '$$.Execution.Id',
        'name.$': '$$.Execution.Name',
        'x.$': '$$.Execution.Input.x',
        'start.$': '$$.Execution.StartTime',
        'state.$': '$$.State.Name',
        'retries.$': '$$.State.RetryCount',
        'items.$': '$$.Execution.Input.items',
      },
    }))
    .next(new Map(stack, 'CtxEach', {
      itemsPath: '$.items',
      itemSelector: { 'index.$': '$$.Map.Item.Index', 'item.$': '$$.Map.Item.Value', 'before.$': '$' },
    }).itemProcessor(py('CtxItem', 'context')))
    .next(new FanIn(stack, 'CtxJoined'))
    .next(node('CtxDone', 'identity')),
});

// Intrinsic functions evaluated by both runtimes: a Node.js function's parameters (written with JsonPath),
// a Pass after it (evaluated by the Node.js egress), then a Python function's parameters and resultSelector.
new UnumWorkflow(stack, 'intrinsics', {
  definition: Chain.start(new UnumFunction(stack, 'IntrNode', {
    entry: steps,
    handler: 'identity',
    parameters: {
      greeting: JsonPath.format('Hello, {} ({} items)', JsonPath.stringAt('$.name'), JsonPath.arrayLength(JsonPath.listAt('$.items'))),
      chunks: JsonPath.arrayPartition(JsonPath.listAt('$.items'), 2),
      id: JsonPath.hash(JsonPath.stringAt('$.name'), 'SHA-256'),
      session: JsonPath.format('run {}', JsonPath.executionName),
      items: JsonPath.listAt('$.items'),
    },
  }))
    .next(new Pass(stack, 'IntrPass', {
      parameters: {
        'greeting.$': '$.greeting',
        'session.$': '$.session',
        'second.$': 'States.ArrayGetItem($.items, 1)',
        'encoded.$': "States.Base64Encode(States.Format('{}-{}', $.id, States.MathAdd(States.ArrayLength($.chunks), 40)))",
        'range.$': 'States.ArrayRange(1, 9, 4)',
        'items.$': '$.items',
      },
    }))
    .next(py('IntrPython', 'context', {
      parameters: {
        'unique.$': 'States.ArrayUnique(States.Array(1, 2, 2, $.second))',
        'decoded.$': 'States.Base64Decode($.encoded)',
        'parts.$': "States.StringSplit($.greeting, ' ,()')",
        'merged.$': "States.JsonMerge(States.StringToJson('{\"a\": 1, \"b\": 1}'), States.StringToJson('{\"b\": 2}'), false)",
        'random.$': 'States.MathRandom(1, 999, 1234)',
        'session.$': '$.session',
        'range.$': '$.range',
        'items.$': '$.items',
      },
      resultSelector: { 'text.$': 'States.JsonToString($.merged)', 'all.$': '$', 'contains.$': 'States.ArrayContains($.items, 3)' },
    })),
});

// JSONata evaluated by the Python runtime (jsonata-python from the layer): a variable assigned by a Node.js
// function, Arguments/Output/Assign around a Python function, then a JSONata Pass and Choice in its egress.
new UnumWorkflow(stack, 'pyjsonata', {
  definition: Chain.start(new UnumFunction(stack, 'Customer', { entry: steps, handler: 'identity', assign: { customer: '{% $states.input.customer %}' } }))
    .next(py('PaidTotal', 'total', {
      arguments: '{% [$states.input.orders[paid].total] %}',
      outputs: { sum: '{% $states.result.total %}', who: '{% $uppercase($customer) %}' },
      assign: { best: '{% $max($states.result.values) %}' },
    }))
    .next(new Pass(stack, 'Shape', { outputs: { sum: '{% $states.input.sum %}', best: '{% $best %}', who: '{% $states.input.who & " ✓" %}' } }))
    .next(new Choice(stack, 'Enough')
      .when(Condition.jsonata('{% $states.input.sum > 20 and $best >= 10 %}'), node('Accepted', 'identity'))
      .otherwise(new Fail(stack, 'TooSmall', { error: 'TooSmall' }))),
});

// A JSONata Map fanned out by a Python function's egress: Items filters its output.
new UnumWorkflow(stack, 'pyjsonatamap', {
  definition: Chain.start(node('Counted', 'items'))
    .next(py('Listed', 'passthrough'))
    .next(new Map(stack, 'BigOnes', { items: ProvideItems.jsonata('{% $states.input[$ > 1] %}') }).itemProcessor(py('SquareBig', 'square')))
    .next(new FanIn(stack, 'SquaredBig'))
    .next(node('SumBig', 'sum')),
});

// A Python entry fed by SQS: one session per message.
new UnumWorkflow(stack, 'pysqs', { definition: py('SquareMessage', 'square') })
  .addSqsSource(new sqs.Queue(stack, 'Numbers', { visibilityTimeout: Duration.minutes(6), deadLetterQueue: { queue: new sqs.Queue(stack, 'NumbersDlq'), maxReceiveCount: 3 } }));

app.synth();
