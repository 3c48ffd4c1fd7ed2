import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Chain, Choice, Condition, FanIn, Map, Parallel, Pass, ProvideItems, QueryLanguage, UnumWorkflow } from '../../src';
import { fn } from '../support/shapes';

/* JSONata data flows: aws-stepfunctions' names, checked with jsonata's parser at synth, errors naming the state. */

function stack(): Stack {
  return new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
}

/** The FunctionConfig each function was synthesized with, by node. */
function configs(s: Stack): Record<string, any> {
  const out: Record<string, any> = {};
  for (const r of Object.values<any>(Template.fromStack(s).findResources('AWS::Lambda::Function'))) {
    const text = r.Properties?.Environment?.Variables?.UNUM_CONFIG;
    if (typeof text === 'string') {
      const config = JSON.parse(text);
      out[config.node] = config;
    }
  }
  return out;
}

test('arguments, outputs and assign make a JSONata data flow in the function\'s configuration', () => {
  const s = stack();
  const a = fn(s, 'A');
  a.configureDataFlow({ arguments: { id: '{% $states.input.orderId %}' }, outputs: '{% $states.result.total %}', assign: { orderId: '{% $states.input.orderId %}' } });
  new UnumWorkflow(s, 'W', { definition: Chain.start(a).next(fn(s, 'B')) });
  expect(configs(s).A.dataFlow).toEqual({
    queryLanguage: 'JSONata',
    arguments: { id: '{% $states.input.orderId %}' },
    output: '{% $states.result.total %}',
    assign: { orderId: '{% $states.input.orderId %}' },
  });
});

test('queryLanguage JSONATA alone is a JSONata flow; payloadResponseOnly false shapes $states.result', () => {
  const s = stack();
  const a = fn(s, 'A');
  a.configureDataFlow({ queryLanguage: QueryLanguage.JSONATA, payloadResponseOnly: false });
  new UnumWorkflow(s, 'W', { definition: a });
  expect(configs(s).A.dataFlow).toEqual({ queryLanguage: 'JSONata', lambdaResponse: true });
});

test('an expression that does not parse is refused at synth, naming the function and the field', () => {
  const s = stack();
  expect(() => fn(s, 'Price').configureDataFlow({ arguments: { total: '{% $sum($states.input.lines.price %}' } }))
    .toThrow(/^UnumFunction 'Price': arguments\.total: the JSONata expression '\{% \$sum\(\$states\.input\.lines\.price %\}' does not parse \(JSONata error S0203\)/);
  expect(() => fn(s, 'Eval').configureDataFlow({ outputs: '{% $eval("1") %}' })).toThrow(/^UnumFunction 'Eval': outputs: .* calls \$eval/);
  expect(() => fn(s, 'Spaced').configureDataFlow({ outputs: ' {% 1 %}' })).toThrow(/^UnumFunction 'Spaced': outputs: .* is not of the form/);
});

test('JSONPath and JSONata fields do not mix, and variable names are checked', () => {
  const s = stack();
  expect(() => fn(s, 'Mixed').configureDataFlow({ arguments: { a: 1 }, resultPath: '$.r' }))
    .toThrow(/^UnumFunction 'Mixed': resultPath is a JSONPath field: a JSONata state uses arguments and outputs instead/);
  expect(() => fn(s, 'Declared').configureDataFlow({ queryLanguage: QueryLanguage.JSON_PATH, outputs: 1 }))
    .toThrow(/^UnumFunction 'Declared': arguments, outputs and assign are JSONata fields, but queryLanguage is JSONPath/);
  expect(() => fn(s, 'Names').configureDataFlow({ assign: { 'not-a-name': 1, 'states': 2 } }))
    .toThrow(/^UnumFunction 'Names': assign: 'not-a-name' is not a variable name.*; assign: 'states' is not a variable name/);
  expect(() => new Pass(s, 'P', { outputs: '{% 1 %}', result: { a: 1 } })).toThrow(/^Pass 'P': result is a JSONPath field/);
});

test('a JSONata Pass and Choice compile into the egress of the function before them', () => {
  const s = stack();
  const a = fn(s, 'A');
  const pass = new Pass(s, 'Keep', { assign: { limit: 100 }, outputs: { total: '{% $states.input.total %}' } });
  const choice = new Choice(s, 'Big')
    .when(Condition.jsonata('{% $states.input.total > $limit %}'), fn(s, 'Large'))
    .otherwise(fn(s, 'Small'));
  new UnumWorkflow(s, 'W', { definition: Chain.start(a).next(pass).next(choice) });
  const next = configs(s).A.next;
  expect(next).toMatchObject({
    kind: 'pass',
    node: 'Keep',
    dataFlow: { queryLanguage: 'JSONata', assign: { limit: 100 }, output: { total: '{% $states.input.total %}' } },
    next: { kind: 'choice', node: 'Big', rules: [{ when: { op: 'jsonata', expression: '{% $states.input.total > $limit %}' } }] },
  });
});

test('Choice outputs/assign and a rule\'s (when options) compile into the ChoiceAction; a catcher\'s outputs/assign into the CatchRule', () => {
  const s = stack();
  const a = fn(s, 'A');
  const fallback = fn(s, 'Fallback');
  a.addCatch(fallback, { errors: ['States.QueryEvaluationError'], outputs: { why: '{% $states.errorOutput.Cause %}' }, assign: { failed: true } });
  const choice = new Choice(s, 'Tier', { assign: { seen: '{% $states.input.total %}' } })
    .when(Condition.jsonata('{% $states.input.total > 100 %}'), fn(s, 'Gold'), { comment: 'big spenders', outputs: { tier: 'gold' }, assign: { tier: 'gold' } })
    .otherwise(fn(s, 'Plain'));
  a.next(choice);
  new UnumWorkflow(s, 'W', { definition: a });
  const config = configs(s).A;
  expect(config.catch).toEqual([{
    errors: ['States.QueryEvaluationError'],
    resultPath: '$',
    jsonata: { output: { why: '{% $states.errorOutput.Cause %}' }, assign: { failed: true } },
    next: expect.objectContaining({ kind: 'invoke', node: 'Fallback' }),
  }]);
  expect(config.next).toMatchObject({
    kind: 'choice',
    node: 'Tier',
    jsonata: { assign: { seen: '{% $states.input.total %}' } },
    rules: [{ when: { op: 'jsonata' }, jsonata: { output: { tier: 'gold' }, assign: { tier: 'gold' } } }],
  });
});

test('catcher and Choice outputs/assign are checked at synth, naming the state, the rule and the field', () => {
  const s = stack();
  expect(() => fn(s, 'A').addCatch(fn(s, 'H'), { outputs: '{% $states.errorOutput. %}' }))
    .toThrow(/^UnumFunction 'A': addCatch outputs: the JSONata expression '\{% \$states\.errorOutput\. %\}' does not parse/);
  expect(() => fn(s, 'B').addCatch(fn(s, 'H2'), { assign: { 'bad-name': 1 } })).toThrow(/^UnumFunction 'B': addCatch assign: 'bad-name' is not a variable name/);
  expect(() => fn(s, 'C').addCatch(fn(s, 'H3'), { outputs: 1, resultPath: '$.error' })).toThrow(/^UnumFunction 'C': addCatch resultPath is a JSONPath field/);
  const parallel = new Parallel(s, 'Fork').branch(fn(s, 'L'));
  expect(() => parallel.addCatch(fn(s, 'H4'), { outputs: '{% $states.errorOutput. %}' }))
    .toThrow(/^Parallel 'Fork': addCatch outputs: the JSONata expression '\{% \$states\.errorOutput\. %\}' does not parse/);
  expect(() => parallel.addCatch(fn(s, 'H5'), { outputs: 1, resultPath: '$.error' })).toThrow(/^Parallel 'Fork': addCatch resultPath is a JSONPath field/);
  const map = new Map(s, 'Each', { items: ProvideItems.jsonata('{% $states.input %}') }).itemProcessor(fn(s, 'I'));
  expect(() => map.addCatch(fn(s, 'H6'), { assign: { 'bad-name': 1 } })).toThrow(/^Map 'Each': addCatch assign: 'bad-name' is not a variable name/);
  expect(() => new Choice(s, 'T', { outputs: '{% ( %}' })).toThrow(/^Choice 'T': outputs: the JSONata expression/);
  expect(() => new Choice(s, 'R').when(Condition.jsonata('{% true %}'), fn(s, 'X'), { assign: { v: '{% $eval("1") %}' } }))
    .toThrow(/^Choice 'R': rule 0 \(when\(\) number 1\): assign\.v: .* calls \$eval/);
  expect(() => new Choice(s, 'J').when(Condition.isPresent('$.x'), fn(s, 'Y'), { outputs: 1 }))
    .toThrow("Choice 'J': rule 0 (when() number 1): outputs and assign are JSONata fields (the rule's), but the condition is JSONPath: use Condition.jsonata");
});

test('Choice.when refuses a JSONata condition that does not parse or is combined, naming the Choice', () => {
  const s = stack();
  expect(() => new Choice(s, 'C1').when(Condition.jsonata('{% $states.input.total > %}'), fn(s, 'X')))
    .toThrow(/C1.*condition: the JSONata expression '\{% \$states\.input\.total > %\}' does not parse/);
  expect(() => new Choice(s, 'C2').when(Condition.not(Condition.jsonata('{% true %}')), fn(s, 'Y')))
    .toThrow(/C2.*a JSONata condition is a whole rule/);
  expect(() => new Choice(s, 'C3').when(Condition.jsonata('$states.input.ok'), fn(s, 'Z')))
    .toThrow(/C3.*must be a '\{% expression %\}' string/);
});

test('a Parallel\'s and a Map\'s catcher outputs/assign compile into their CatchRule, the handler in the fan-out\'s scope', () => {
  const s = stack();
  const parallel = new Parallel(s, 'Fork').branch(fn(s, 'L'));
  parallel.addCatch(fn(s, 'PH'), { errors: ['BranchFailed'], outputs: { why: '{% $states.errorOutput.Cause %}', n: '{% $states.input.n %}' }, assign: { failed: true } });
  const map = new Map(s, 'Each', { items: ProvideItems.jsonata('{% $states.input.orders %}') }).itemProcessor(fn(s, 'Item'));
  map.addCatch(fn(s, 'MH'), { assign: { error: '{% $states.errorOutput.Error %}' } });
  new UnumWorkflow(s, 'W', { definition: Chain.start(fn(s, 'A')).next(parallel).next(fn(s, 'B')).next(map).next(new FanIn(s, 'G')).next(fn(s, 'C')) });
  expect(configs(s).A.next.catch).toEqual([{
    errors: ['BranchFailed'],
    resultPath: '$',
    jsonata: { output: { why: '{% $states.errorOutput.Cause %}', n: '{% $states.input.n %}' }, assign: { failed: true } },
    next: expect.objectContaining({ kind: 'invoke', node: 'PH' }),
  }]);
  expect(configs(s).B.next.catch).toEqual([{
    errors: ['States.ALL'], resultPath: '$', jsonata: { assign: { error: '{% $states.errorOutput.Error %}' } }, next: expect.objectContaining({ kind: 'invoke', node: 'MH' }),
  }]);
});

test('Map.items (ProvideItems) compiles into the MapAction; bad items are refused', () => {
  const s = stack();
  const map = new Map(s, 'Each', { items: ProvideItems.jsonata('{% $states.input.orders[paid] %}') }).itemProcessor(fn(s, 'Item'));
  new UnumWorkflow(s, 'W', { definition: Chain.start(fn(s, 'A')).next(map).next(new FanIn(s, 'G')).next(fn(s, 'B')) });
  const next = configs(s).A.next;
  expect(next).toMatchObject({ kind: 'map', fanout: 'Each', items: '{% $states.input.orders[paid] %}' });
  expect(next.itemsPath).toBeUndefined();
  expect(() => ProvideItems.jsonata('{% $states.input.orders[ %}')).toThrow(/ProvideItems\.jsonata: the JSONata expression .* does not parse/);
  expect(() => ProvideItems.jsonata('$.orders')).toThrow(/must be a JSONata expression/);
  expect(() => new Map(s, 'Both', { items: ProvideItems.jsonArray([1, 2]), itemsPath: '$.x' })).toThrow(/^Map 'Both': set one of items \(JSONata\), itemsPath and width/);
  expect(() => new Map(s, 'BadArray', { items: ProvideItems.jsonArray(['{% ( %}']) })).toThrow(/^Map 'BadArray': items\[0\]: the JSONata expression/);
});

test('UnumWorkflow queryLanguage JSONATA: every state must be JSONata, the error names each one', () => {
  const ok = stack();
  const a = fn(ok, 'A').configureDataFlow({ arguments: '{% $states.input %}' });
  new UnumWorkflow(ok, 'W', {
    queryLanguage: QueryLanguage.JSONATA,
    definition: Chain.start(a).next(new Pass(ok, 'Plain')).next(new Choice(ok, 'C').when(Condition.jsonata('{% true %}'), fn(ok, 'B')).otherwise(fn(ok, 'D'))),
  });
  const s = stack();
  const mixed = Chain.start(fn(s, 'A').configureDataFlow({ inputPath: '$.x', resultPath: '$.r' }))
    .next(new Pass(s, 'P', { result: 1 }))
    .next(new Choice(s, 'C').when(Condition.isPresent('$.x'), fn(s, 'B')).otherwise(fn(s, 'D')));
  expect(() => new UnumWorkflow(s, 'W', { queryLanguage: QueryLanguage.JSONATA, definition: mixed })).toThrow(
    "UnumWorkflow 'W': its queryLanguage is JSONata, so every state must be JSONata: UnumFunction 'A' uses the JSONPath fields inputPath, resultPath; "
    + "Pass 'P' uses the JSONPath field result; Choice 'C' has a JSONPath rule (use Condition.jsonata)",
  );
});
