import { App, Stack } from 'aws-cdk-lib';
import { JsonPath, Pass } from '../../src';
import { toDataFlow } from '../../src/data-flow';
import { fn } from '../support/shapes';

/* JsonPath values in payload templates are rendered at synth into Step Functions' `key.$` form. */

const flow = (parameters: Record<string, any>) => toDataFlow('UnumFunction \'F\'', { parameters });

test('paths and the context object render as key.$ entries, at any depth and in objects inside arrays', () => {
  expect(flow({
    id: JsonPath.stringAt('$.order.id'),
    count: JsonPath.numberAt('$.order.count'),
    items: JsonPath.listAt('$.order.items[*]'),
    all: JsonPath.objectAt('$'),
    nested: { session: JsonPath.executionName, list: [{ state: JsonPath.stateName }, 'literal', 3] },
    context: {
      id: JsonPath.executionId,
      input: JsonPath.executionInput,
      started: JsonPath.executionStartTime,
      entered: JsonPath.stateEnteredTime,
      retries: JsonPath.stateRetryCount,
    },
    literal: 'plain',
  })).toEqual({
    parameters: {
      'id.$': '$.order.id',
      'count.$': '$.order.count',
      'items.$': '$.order.items[*]',
      'all.$': '$',
      'nested': { 'session.$': '$$.Execution.Name', 'list': [{ 'state.$': '$$.State.Name' }, 'literal', 3] },
      'context': { 'id.$': '$$.Execution.Id', 'input.$': '$$.Execution.Input', 'started.$': '$$.Execution.StartTime', 'entered.$': '$$.State.EnteredTime', 'retries.$': '$$.State.RetryCount' },
      'literal': 'plain',
    },
  });
});

test('every intrinsic renders as the States.* call Step Functions reads, literals quoted and escaped', () => {
  const order = JsonPath.objectAt('$.order');
  const items = JsonPath.listAt('$.items');
  expect(flow({
    format: JsonPath.format('Order {} for {}: it\'s {}', JsonPath.stringAt('$.id'), JsonPath.executionName, 'a {brace}'),
    toJson: JsonPath.stringToJson(JsonPath.stringAt('$.text')),
    toText: JsonPath.jsonToString(order),
    array: JsonPath.array('a', 1, true, JsonPath.stringAt('$.x')),
    partition: JsonPath.arrayPartition(items, 2),
    contains: JsonPath.arrayContains(items, 5),
    range: JsonPath.arrayRange(1, 9, 2),
    item: JsonPath.arrayGetItem(items, 0),
    length: JsonPath.arrayLength(items),
    unique: JsonPath.arrayUnique(items),
    encoded: JsonPath.base64Encode(JsonPath.stringAt('$.text')),
    decoded: JsonPath.base64Decode('RGF0YQ=='),
    hash: JsonPath.hash(JsonPath.stringAt('$.text'), 'SHA-256'),
    merged: JsonPath.jsonMerge(order, JsonPath.objectAt('$.extra')),
    random: JsonPath.mathRandom(1, 10),
    seeded: JsonPath.mathRandom(1, 10, 42),
    sum: JsonPath.mathAdd(JsonPath.numberAt('$.n'), -1),
    parts: JsonPath.stringSplit(JsonPath.stringAt('$.csv'), ','),
    id: JsonPath.uuid(),
    nestedCall: JsonPath.arrayGetItem(JsonPath.stringSplit(JsonPath.stringAt('$.arn'), '/'), 1),
  })).toEqual({
    parameters: {
      'format.$': "States.Format('Order {} for {}: it\\'s {}', $.id, $$.Execution.Name, 'a \\{brace\\}')",
      'toJson.$': 'States.StringToJson($.text)',
      'toText.$': 'States.JsonToString($.order)',
      'array.$': "States.Array('a', 1, true, $.x)",
      'partition.$': 'States.ArrayPartition($.items, 2)',
      'contains.$': 'States.ArrayContains($.items, 5)',
      'range.$': 'States.ArrayRange(1, 9, 2)',
      'item.$': 'States.ArrayGetItem($.items, 0)',
      'length.$': 'States.ArrayLength($.items)',
      'unique.$': 'States.ArrayUnique($.items)',
      'encoded.$': 'States.Base64Encode($.text)',
      'decoded.$': "States.Base64Decode('RGF0YQ==')",
      'hash.$': "States.Hash($.text, 'SHA-256')",
      'merged.$': 'States.JsonMerge($.order, $.extra, false)',
      'random.$': 'States.MathRandom(1, 10)',
      'seeded.$': 'States.MathRandom(1, 10, 42)',
      'sum.$': 'States.MathAdd($.n, -1)',
      'parts.$': "States.StringSplit($.csv, ',')",
      'id.$': 'States.UUID()',
      'nestedCall.$': "States.ArrayGetItem(States.StringSplit($.arn, '/'), 1)",
    },
  });
});

test('a Pass state and a function take JsonPath values; resultSelector too', () => {
  const stack = new Stack(new App(), 'S');
  const pass = new Pass(stack, 'Shape', { parameters: { greeting: JsonPath.format('Hi {}', JsonPath.stringAt('$.name')) } });
  expect(pass._toGraphState().dataFlow).toEqual({ parameters: { 'greeting.$': "States.Format('Hi {}', $.name)" } });
  expect(() => fn(stack, 'F').configureDataFlow({ resultSelector: { size: JsonPath.arrayLength(JsonPath.listAt('$.rows')) } })).not.toThrow();
  expect(toDataFlow('F', { resultSelector: { size: JsonPath.arrayLength(JsonPath.listAt('$.rows')) } })).toEqual({ resultSelector: { 'size.$': 'States.ArrayLength($.rows)' } });
});

test('misuse is refused naming the state and field: embedded in a string, an array element, a bad path, a wrong placeholder count', () => {
  expect(() => flow({ id: `order-${JsonPath.stringAt('$.id')}` })).toThrow(
    /^UnumFunction 'F': parameters\.id: a JsonPath value is embedded in a larger string .*JsonPath\.format/);
  expect(() => flow({ list: [JsonPath.stringAt('$.id')] })).toThrow(/^UnumFunction 'F': parameters\.list\[0\]: a JsonPath value cannot be an array element/);
  expect(() => flow({ 'id.$': JsonPath.stringAt('$.id') })).toThrow(/parameters\.id\.\$: a JsonPath value goes under a key without '\.\$'/);
  expect(() => JsonPath.stringAt('order.id')).toThrow(/^JsonPath: 'order\.id' must be a JSONPath starting with '\$'/);
  expect(() => JsonPath.stringAt('$.a[?(@.b())]')).toThrow(/^JsonPath: JSONPath '\$\.a\[\?\(@\.b\(\)\)\]' is not supported/);
  expect(() => JsonPath.format('{} and {}', 'one')).toThrow(/^JsonPath\.format: '\{\} and \{\}' has 2 placeholder\(s\) \{\} but 1 value\(s\) were given/);
  expect(() => JsonPath.array({ a: 1 })).toThrow(/^JsonPath: intrinsic arguments must be strings, numbers, booleans or JsonPath values/);
});
