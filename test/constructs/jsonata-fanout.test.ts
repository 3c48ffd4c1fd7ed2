import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Chain, FanIn, Map, Parallel, ProvideItems, QueryLanguage, UnumWorkflow } from '../../src';
import { fn } from '../support/shapes';

/* JSONata outputs and assign on Parallel and Map (run at the join), and a JSONata Map's itemSelector, as the constructs synthesize them. */

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

test('Parallel outputs and assign: the fan-out records its input, the join runs a JSONata fanOutOutput', () => {
  const s = stack();
  const p = new Parallel(s, 'Both', { outputs: '{% $merge($states.result) %}', assign: { tag: '{% $states.input.tag %}' } })
    .branch(fn(s, 'L'), fn(s, 'R'));
  new UnumWorkflow(s, 'W', { definition: Chain.start(fn(s, 'A')).next(p).next(new FanIn(s, 'G')).next(fn(s, 'B')) });
  const c = configs(s);
  expect(c.A.next).toMatchObject({ kind: 'parallel', fanout: 'Both', recordInput: true });
  expect(c.L.next.then).toEqual({
    kind: 'fanOutOutput',
    fanout: 'Both',
    dataFlow: { queryLanguage: 'JSONata', output: '{% $merge($states.result) %}', assign: { tag: '{% $states.input.tag %}' } },
    next: expect.objectContaining({ kind: 'invoke', node: 'B' }),
  });
});

test('a JSONata Map: itemSelector is a JSONata template, items default to the input, outputs and assign run at the join', () => {
  const s = stack();
  const selector = { i: '{% $states.context.Map.Item.Index %}', v: '{% $states.context.Map.Item.Value %}', shop: '{% $states.input.shop %}' };
  const map = new Map(s, 'Each', { queryLanguage: QueryLanguage.JSONATA, itemSelector: selector, outputs: '{% $states.result[ok] %}', assign: { n: '{% $count($states.result) %}' } })
    .itemProcessor(fn(s, 'Item'));
  new UnumWorkflow(s, 'W', { definition: Chain.start(fn(s, 'A')).next(map).next(new FanIn(s, 'G')).next(fn(s, 'B')) });
  const c = configs(s);
  expect(c.A.next).toMatchObject({ kind: 'map', fanout: 'Each', items: '{% $states.input %}', itemSelector: selector, recordInput: true });
  expect(c.A.next.itemsPath).toBeUndefined();
  expect(c.Item.next.then).toMatchObject({ kind: 'fanOutOutput', dataFlow: { queryLanguage: 'JSONata', output: '{% $states.result[ok] %}', assign: { n: '{% $count($states.result) %}' } } });
  // jsonataItemSelector: the whole item input as one expression.
  const u = stack();
  const whole = new Map(u, 'Each', { items: ProvideItems.jsonata('{% $states.input.xs %}'), jsonataItemSelector: '{% {"at": $states.context.Map.Item.Index} %}' })
    .itemProcessor(fn(u, 'Item'));
  new UnumWorkflow(u, 'W', { definition: Chain.start(fn(u, 'A')).next(whole).next(new FanIn(u, 'G')).next(fn(u, 'B')) });
  expect(configs(u).A.next).toMatchObject({ kind: 'map', itemSelector: '{% {"at": $states.context.Map.Item.Index} %}' });
  // A JSONata Map with only items and itemSelector shapes nothing at the join: no fanOutOutput, no recorded input.
  const t = stack();
  const plain = new Map(t, 'Each', { items: ProvideItems.jsonata('{% $states.input.xs %}'), itemSelector: { x: '{% $states.context.Map.Item.Value %}' } }).itemProcessor(fn(t, 'Item'));
  new UnumWorkflow(t, 'W', { definition: Chain.start(fn(t, 'A')).next(plain).next(new FanIn(t, 'G')).next(fn(t, 'B')) });
  const d = configs(t);
  expect(d.A.next).toMatchObject({ kind: 'map', itemSelector: { x: '{% $states.context.Map.Item.Value %}' } });
  expect(d.A.next.recordInput).toBeUndefined();
  expect(d.Item.next.then.kind).toBe('invoke');
});

test('bad expressions and mixed query languages are refused at synth, naming the state and the field', () => {
  const s = stack();
  expect(() => new Parallel(s, 'P1', { outputs: '{% $merge($states.result %}' })).toThrow(/^Parallel 'P1' \(S\/P1\): outputs: the JSONata expression '\{% \$merge\(\$states.result %\}' does not parse/);
  expect(() => new Parallel(s, 'P2', { assign: { 'ok': 1, 'no-name': 2 } })).toThrow(/^Parallel 'P2' .*assign: 'no-name' is not a variable name/);
  expect(() => new Parallel(s, 'P3', { outputs: '{% $states.result %}', resultPath: '$.r' })).toThrow(/^Parallel 'P3' .*resultPath is a JSONPath field/);
  expect(() => new Map(s, 'M1', { items: ProvideItems.jsonata('{% $states.input %}'), itemSelector: { a: '{% $states.context.Map.Item. %}' } }))
    .toThrow(/^Map 'M1': itemSelector\.a: the JSONata expression .* does not parse/);
  expect(() => new Map(s, 'M2', { outputs: '{% $states.result %}', itemsPath: '$.xs' })).toThrow(/^Map 'M2': a JSONata Map takes items \(ProvideItems\), not itemsPath/);
  expect(() => new Map(s, 'M3', { assign: { n: '{% $count($states.result) %}' }, resultSelector: { 'a.$': '$[0]' } })).toThrow(/^Map 'M3' .*resultSelector is a JSONPath field/);
  expect(() => new Map(s, 'M5', { items: ProvideItems.jsonata('{% $states.input %}'), jsonataItemSelector: '$.x' })).toThrow(/^Map 'M5': jsonataItemSelector must be a '\{% expression %\}' string/);
  expect(() => new Map(s, 'M6', { jsonataItemSelector: '{% $states.input %}' })).toThrow(/^Map 'M6': jsonataItemSelector needs a JSONata Map/);
  expect(() => new Map(s, 'M7', { items: ProvideItems.jsonata('{% $states.input %}'), jsonataItemSelector: '{% 1 %}', itemSelector: { a: 1 } }))
    .toThrow(/^Map 'M7': set either itemSelector or jsonataItemSelector, not both/);
  // A JSONPath Map's itemSelector stays JSONPath: a `{% %}` string there is a plain string value.
  expect(() => new Map(s, 'M4', { itemSelector: { 'a.$': '$$.Map.Item.Value' } })).not.toThrow();
});
