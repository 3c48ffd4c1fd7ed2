/**
 * JSONata Output and Assign on Parallel and Map, and a JSONata Map's
 * ItemSelector, imported from Amazon States Language: the plan, the
 * generated TypeScript, refusals naming the state and the field, and a run
 * on the real runtime (DynamoDB Local, s3rver) with the exact outputs.
 */
import { deployImported, importDefinition } from './support';
import { translateStatesLanguage } from '../../src/importers/asl';
import { generateTypeScript } from '../../src/importers/codegen';
import { ImportError } from '../../src/importers/plan';
import { World } from '../runtime/harness';

const lambdaArn = (f: string) => `arn:aws:lambda:us-east-1:123456789012:function:${f}`;

const DEFINITION = {
  QueryLanguage: 'JSONata',
  StartAt: 'Load',
  States: {
    Load: { Type: 'Task', Resource: lambdaArn('load'), Next: 'Both' },
    Both: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'L', States: { L: { Type: 'Task', Resource: lambdaArn('l'), End: true } } },
        { StartAt: 'R', States: { R: { Type: 'Task', Resource: lambdaArn('r'), End: true } } },
      ],
      Output: '{% $merge($states.result) %}',
      Assign: { shop: '{% $states.input.shop %}' },
      Next: 'Each',
    },
    Each: {
      Type: 'Map',
      Items: '{% $states.input.lines %}',
      ItemSelector: { at: '{% $states.context.Map.Item.Index %}', sku: '{% $states.context.Map.Item.Value %}', shop: '{% $shop %}' },
      ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Task', Resource: lambdaArn('item'), End: true } } },
      Output: '{% $states.result.(shop & ":" & at & ":" & sku) %}',
      Assign: { n: '{% $count($states.result) %}', owner: '{% $states.input.owner %}' },
      Next: 'Done',
    },
    Done: { Type: 'Pass', Output: { lines: '{% $states.input %}', n: '{% $n %}', owner: '{% $owner %}' }, End: true },
  },
};

function problemsOf(definition: unknown): readonly string[] {
  try {
    translateStatesLanguage(JSON.stringify(definition));
  } catch (e) {
    expect(e).toBeInstanceOf(ImportError);
    return (e as ImportError).problems;
  }
  throw new Error('expected an ImportError');
}

test('Output and Assign go onto the Parallel and the Map as a JSONata data flow, the ItemSelector onto the Map', () => {
  const byId = Object.fromEntries(translateStatesLanguage(JSON.stringify(DEFINITION)).states.map((s) => [s.id, s]));
  expect(byId.Both).toMatchObject({
    kind: 'parallel', dataFlow: { queryLanguage: 'JSONata', outputs: '{% $merge($states.result) %}', assign: { shop: '{% $states.input.shop %}' } },
  });
  expect(byId.Each).toMatchObject({
    kind: 'map',
    items: '{% $states.input.lines %}',
    itemSelector: DEFINITION.States.Each.ItemSelector,
    dataFlow: { queryLanguage: 'JSONata', outputs: DEFINITION.States.Each.Output, assign: DEFINITION.States.Each.Assign },
  });
});

test('the generated TypeScript writes them with aws-stepfunctions\' names', () => {
  // One line per construct, whatever the layout.
  const code = generateTypeScript(translateStatesLanguage(JSON.stringify(DEFINITION))).code.replace(/\s*\n\s*/g, ' ');
  expect(code).toContain("new Parallel(this, 'Both', { queryLanguage: QueryLanguage.JSONATA, outputs: '{% $merge($states.result) %}', assign: { shop: '{% $states.input.shop %}' }, })");
  expect(code).toContain("new Map(this, 'Each', { queryLanguage: QueryLanguage.JSONATA, outputs: '{% $states.result.(shop & ");
  expect(code).toContain("sku) %}', assign: { n: '{% $count($states.result) %}', owner: '{% $states.input.owner %}' }, items: ProvideItems.jsonata('{% $states.input.lines %}'), "
    + "itemSelector: { at: '{% $states.context.Map.Item.Index %}', sku: '{% $states.context.Map.Item.Value %}', shop: '{% $shop %}' }, })");
});

test('a bad Output, Assign or ItemSelector is refused naming the state and the field', () => {
  const bad = structuredClone(DEFINITION) as any;
  bad.States.Both.Output = '{% $merge($states.result %}';
  bad.States.Each.Assign = { 'not-a-name': 1 };
  bad.States.Each.ItemSelector = { sku: '{% $states.context.Map.Item. %}' };
  expect(problemsOf(bad)).toEqual([
    expect.stringMatching(/^state 'Both': Output: the JSONata expression '\{% \$merge\(\$states\.result %\}' does not parse/),
    expect.stringMatching(/^state 'Each': ItemSelector\.sku: the JSONata expression '\{% \$states\.context\.Map\.Item\. %\}' does not parse/),
    expect.stringMatching(/^state 'Each': Assign: 'not-a-name' is not a variable name/),
  ]);
});

test('Output on a JSONata state that Step Functions gives none (a Fail) is refused, naming the state', () => {
  const fail = { QueryLanguage: 'JSONata', StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 1, Next: 'F' }, F: { Type: 'Fail', Output: 1 } } };
  expect(problemsOf(fail)).toEqual([expect.stringMatching(/^state 'F': Fail field Output cannot be translated: a JSONata state of this type has no Output in Step Functions/)]);
});

/** A JSONata Parallel whose Retry and Catch take a branch's failure, as a JSONPath Parallel's do. */
const CAUGHT = {
  QueryLanguage: 'JSONata',
  StartAt: 'Both',
  States: {
    Both: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'L', States: { L: { Type: 'Task', Resource: lambdaArn('l'), End: true } } },
        { StartAt: 'R', States: { R: { Type: 'Task', Resource: lambdaArn('r'), End: true } } },
      ],
      Output: '{% $merge($states.result) %}',
      Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 1, MaxAttempts: 1 }],
      Catch: [{ ErrorEquals: ['OutOfStock'], Next: 'Apologize' }],
      Next: 'Done',
    },
    Apologize: { Type: 'Pass', Output: { sorry: '{% $states.input.Error %}', why: '{% $states.input.Cause %}' }, End: true },
    Done: { Type: 'Succeed' },
  },
};

test('Retry and Catch on a JSONata Parallel or Map are kept, a catcher\'s Output and Assign too; a bad one is refused naming the state', () => {
  const plan = translateStatesLanguage(JSON.stringify(CAUGHT));
  const both = plan.states.find((st) => st.kind === 'parallel') as any;
  expect(both.retry).toEqual([expect.objectContaining({ errors: ['Flaky'], maxAttempts: 1 })]);
  expect(both.catch).toEqual([expect.objectContaining({ errors: ['OutOfStock'] })]);
  const shaped = structuredClone(CAUGHT) as any;
  shaped.States.Both.Catch[0].Output = { why: '{% $states.errorOutput.Cause %}', order: '{% $states.input.order %}' };
  shaped.States.Both.Catch[0].Assign = { failed: '{% $states.errorOutput.Error %}' };
  const caught = (translateStatesLanguage(JSON.stringify(shaped)).states.find((st) => st.kind === 'parallel') as any).catch;
  expect(caught).toEqual([{ errors: ['OutOfStock'], outputs: shaped.States.Both.Catch[0].Output, assign: shaped.States.Both.Catch[0].Assign, next: expect.any(String) }]);
  expect(generateTypeScript(translateStatesLanguage(JSON.stringify(shaped))).code)
    .toMatch(/both\.addCatch\(apologize, \{\s+errors: \['OutOfStock'\],\s+outputs: \{ why: '\{% \$states\.errorOutput\.Cause %\}'.*\},\s+assign: \{ failed: /);
  shaped.States.Both.Catch[0].Output = '{% $states.errorOutput. %}';
  expect(problemsOf(shaped)).toEqual([expect.stringMatching(/^state 'Both': Catch\[0\]\.Output: the JSONata expression '\{% \$states\.errorOutput\. %\}' does not parse/)]);
});

test('a whole-expression ItemSelector becomes jsonataItemSelector; one that is not an expression is refused', () => {
  const whole = structuredClone(DEFINITION) as any;
  whole.States.Each.ItemSelector = '{% $merge([{"at": $states.context.Map.Item.Index}, {"sku": $states.context.Map.Item.Value}]) %}';
  const code = generateTypeScript(translateStatesLanguage(JSON.stringify(whole))).code;
  expect(code).toMatch(/jsonataItemSelector: '\{% \$merge\(\[\{\\?"at\\?": \$states\.context\.Map\.Item\.Index\}/);
  whole.States.Each.ItemSelector = '$.sku';
  expect(problemsOf(whole)).toEqual([expect.stringMatching(/^state 'Each': ItemSelector must be a JSON object or a '\{% expression %\}' string, got "\$\.sku"/)]);
});

describe('on the runtime', () => {
  let w: World;
  beforeAll(async () => {
    w = await World.create('asl-jsonata-fanout');
  });
  afterAll(async () => w.close());

  test('the join\'s Output and Assign, and each item\'s ItemSelector, give Step Functions\' output', async () => {
    const imported = importDefinition('asl', JSON.stringify(DEFINITION));
    deployImported(w, imported, { L: (x: any) => ({ lines: x.lines }), R: () => ({ owner: 'ana' }), Item: (x: any) => ({ ...x, sku: x.sku.toUpperCase() }) });
    const session = await w.run({ shop: 's1', lines: ['tea', 'cups'] });
    expect(await w.result(session)).toEqual({ lines: ['s1:0:TEA', 's1:1:CUPS'], n: 2, owner: 'ana' });
  });

  test('a branch\'s failure goes to the JSONata Parallel\'s Retry, then its Catch, with the error as the handler\'s input', async () => {
    let flaky = 0;
    deployImported(w, importDefinition('asl', JSON.stringify(CAUGHT)), {
      L: () => {
        const e = new Error(flaky++ === 0 ? 'try again' : 'no tea left');
        e.name = flaky === 1 ? 'Flaky' : 'OutOfStock';
        throw e;
      },
      R: () => ({ r: 1 }),
    });
    expect(await w.result(await w.run({}))).toEqual({ sorry: 'OutOfStock', why: 'no tea left' });
    expect(flaky).toBe(2);
  });

  test('a whole-expression ItemSelector gives each item\'s input', async () => {
    const whole = structuredClone(DEFINITION) as any;
    whole.States.Each.ItemSelector = '{% $merge([{"at": $states.context.Map.Item.Index * 10, "shop": $shop}, {"sku": $states.context.Map.Item.Value}]) %}';
    deployImported(w, importDefinition('asl', JSON.stringify(whole)), {
      L: (x: any) => ({ lines: x.lines }), R: () => ({ owner: 'bo' }), Item: (x: any) => ({ ...x, sku: x.sku.toUpperCase() }),
    });
    expect(await w.result(await w.run({ shop: 's2', lines: ['a', 'b'] }))).toEqual({ lines: ['s2:0:A', 's2:10:B'], n: 2, owner: 'bo' });
  });
});
