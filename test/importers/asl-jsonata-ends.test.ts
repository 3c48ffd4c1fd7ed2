/**
 * JSONata Output and Assign on a Wait, Output on a Succeed and Arguments on
 * a Parallel: the constructs' props, the import from Amazon States Language
 * (plan, generated TypeScript, refusals naming the state), and runs on the
 * real runtime (DynamoDB Local, s3rver) with Step Functions' outputs.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { deployImported, importDefinition } from './support';
import { Parallel, QueryLanguage, Succeed, Wait, WaitTime } from '../../src';
import { translateStatesLanguage } from '../../src/importers/asl';
import { generateTypeScript } from '../../src/importers/codegen';
import { ImportError } from '../../src/importers/plan';
import { World } from '../runtime/harness';

const lambdaArn = (f: string) => `arn:aws:lambda:us-east-1:123456789012:function:${f}`;
const task = (f: string, next?: string) => ({ Type: 'Task', Resource: lambdaArn(f), ...(next ? { Next: next } : { End: true }) });

/** A Parallel whose branches run on its Arguments; one branch ends in a Map followed by a Succeed with Output, one in a Wait with Output and Assign. */
const DEFINITION = {
  QueryLanguage: 'JSONata',
  StartAt: 'Fan',
  States: {
    Fan: {
      Type: 'Parallel',
      Arguments: { lines: '{% $states.input.order.lines %}', shop: '{% $states.input.shop %}' },
      Branches: [
        {
          StartAt: 'Each',
          States: {
            Each: {
              Type: 'Map',
              Items: '{% $states.input.lines %}',
              ItemProcessor: { StartAt: 'Price', States: { Price: task('price') } },
              Next: 'Priced',
            },
            Priced: { Type: 'Succeed', Output: { count: '{% $count($states.input) %}', sum: '{% $sum($states.input) %}' } },
          },
        },
        {
          StartAt: 'Label',
          States: {
            Label: task('label', 'Hold'),
            Hold: { Type: 'Wait', Seconds: 0, Output: { label: '{% $states.input.label %}', held: '{% $states.context.State.Name %}' }, Assign: { label: '{% $states.input.label %}' }, Next: 'Stamp' },
            Stamp: { Type: 'Pass', Output: { label: '{% $label %}', held: '{% $states.input.held %}' }, End: true },
          },
        },
      ],
      Output: { customer: '{% $states.input.customer %}', totals: '{% $states.result[0] %}', label: '{% $states.result[1] %}' },
      End: true,
    },
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

test('Arguments go onto the Parallel, Output and Assign onto the Wait, Output onto the Succeed', () => {
  const byId = Object.fromEntries(translateStatesLanguage(JSON.stringify(DEFINITION)).states.map((s) => [s.id, s]));
  expect(byId.Fan).toMatchObject({ kind: 'parallel', dataFlow: { queryLanguage: 'JSONata', arguments: DEFINITION.States.Fan.Arguments } });
  const hold = DEFINITION.States.Fan.Branches[1].States.Hold as { Output: unknown; Assign: unknown };
  expect(byId.Hold).toMatchObject({ kind: 'wait', seconds: 0, outputs: hold.Output, assign: hold.Assign });
  expect(byId.Priced).toMatchObject({ kind: 'succeed', outputs: (DEFINITION.States.Fan.Branches[0].States.Priced as { Output: unknown }).Output });
});

test('the generated TypeScript writes them with aws-stepfunctions\' names', () => {
  const code = generateTypeScript(translateStatesLanguage(JSON.stringify(DEFINITION))).code.replace(/\s*\n\s*/g, ' ');
  expect(code).toContain("arguments: { lines: '{% $states.input.order.lines %}', shop: '{% $states.input.shop %}' }");
  expect(code).toContain("new Wait(this, 'Hold', { time: WaitTime.duration(Duration.seconds(0)), outputs: { label: '{% $states.input.label %}', held: '{% $states.context.State.Name %}' }, "
    + "assign: { label: '{% $states.input.label %}' }, })");
  expect(code).toContain("new Succeed(this, 'Priced', { outputs: { count: '{% $count($states.input) %}', sum: '{% $sum($states.input) %}' } })");
});

test('fields Step Functions does not have on a JSONata state, and bad expressions, are refused naming the state and the field', () => {
  const bad = structuredClone(DEFINITION) as any;
  bad.States.Fan.Branches[0].States.Priced.Assign = { n: 1 };
  bad.States.Fan.Branches[0].States.Each.Arguments = { x: 1 };
  bad.States.Fan.Branches[1].States.Hold.Output = '{% $states.input. %}';
  expect(problemsOf(bad)).toEqual([
    expect.stringMatching(/^state 'Each': Map field Arguments cannot be translated: a JSONata state of this type has no Arguments in Step Functions/),
    expect.stringMatching(/^state 'Priced': Succeed field Assign cannot be translated: a JSONata state of this type has no Assign in Step Functions/),
    expect.stringMatching(/^state 'Hold': Output: the JSONata expression '\{% \$states\.input\. %\}' does not parse/),
  ]);
});

describe('the constructs', () => {
  const stack = () => new Stack(new App(), 'S');

  test('a Wait takes outputs and assign with a fixed or JSONata time, not with a path', () => {
    const s = stack();
    expect(() => new Wait(s, 'W1', { time: WaitTime.duration(Duration.seconds(5)), outputs: { a: '{% $states.input.a %}' }, assign: { b: 1 } })).not.toThrow();
    expect(() => new Wait(s, 'W2', { time: WaitTime.secondsPath('$.delay'), outputs: 1 }))
      .toThrow(/Wait 'W2' \(S\/W2\): outputs and assign are JSONata fields; wait with WaitTime.seconds or WaitTime.timestamp/);
    expect(() => new Wait(s, 'W3', { time: WaitTime.seconds('{% 1 %}'), assign: { 'no-name': 1 } })).toThrow(/Wait 'W3' \(S\/W3\): .*'no-name' is not a variable name/);
  });

  test('a Succeed takes outputs, a Parallel arguments; bad expressions name the state', () => {
    const s = stack();
    expect(() => new Succeed(s, 'Done', { outputs: '{% $states.input. %}' })).toThrow(/Succeed 'Done' \(S\/Done\): outputs: the JSONata expression .* does not parse/);
    expect(() => new Parallel(s, 'P', { arguments: { x: '{% $states.input.x %}' } })).not.toThrow();
    expect(() => new Parallel(s, 'P2', { queryLanguage: QueryLanguage.JSON_PATH, arguments: { x: 1 } })).toThrow(/Parallel 'P2' .*arguments, outputs and assign are JSONata fields/);
  });
});

describe('on the runtime', () => {
  let w: World;
  beforeAll(async () => {
    w = await World.create('asl-jsonata-ends');
  });
  afterAll(async () => w.close());

  test('the branches run on the Arguments; the Succeed after a Map and the Wait shape what their branches end with', async () => {
    const seen: unknown[] = [];
    deployImported(w, importDefinition('asl', JSON.stringify(DEFINITION)), {
      Price: (x: any) => x.qty * 2,
      Label: (x: any) => {
        seen.push(Object.keys(x).sort());
        return { label: `${x.shop}/${x.lines.length}` };
      },
    });
    const input = { customer: 'c-1', shop: 's1', order: { lines: [{ qty: 1 }, { qty: 3 }] }, noise: true };
    expect(await w.result(await w.run(input))).toEqual({
      customer: 'c-1', totals: { count: 2, sum: 8 }, label: { label: 's1/2', held: 'Hold' },
    });
    expect(seen).toEqual([['lines', 'shop']]);
  });

  test('an empty Map before the Succeed still ends its branch with the Succeed\'s Output', async () => {
    deployImported(w, importDefinition('asl', JSON.stringify(DEFINITION)), { Price: (x: any) => x.qty, Label: () => ({ label: 'none' }) });
    expect(await w.result(await w.run({ customer: 'c-2', shop: 's2', order: { lines: [] } }))).toEqual({
      customer: 'c-2', totals: { count: 0, sum: 0 }, label: { label: 'none', held: 'Hold' },
    });
  });
});
