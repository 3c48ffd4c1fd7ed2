import { applyTemplate, effectiveInput, stateOutput, validateDataFlow } from '../../src/protocol/dataflow';
import { parsePath, parseQuery, queryPath } from '../../src/protocol/jsonpath';

describe('Step Functions paths (queryPath)', () => {
  // "Using JSONPath paths", Reference Paths: { foo: 123, bar: [a, b, c], car: { cdr: true } }.
  const guide = { foo: 123, bar: ['a', 'b', 'c'], car: { cdr: true } };

  test('reference paths give the documented values', () => {
    expect(queryPath(guide, '$.foo')).toEqual({ found: true, value: 123 });
    expect(queryPath(guide, '$.bar')).toEqual({ found: true, value: ['a', 'b', 'c'] });
    expect(queryPath(guide, '$.car.cdr')).toEqual({ found: true, value: true });
  });

  test('an indefinite path gives a list, possibly empty; a definite one a value or nothing', () => {
    const doc = { items: [{ id: 1, price: 5 }, { id: 2, price: 20 }, { id: 3, price: 12 }], a: [10, 11, 12] };
    expect(queryPath(doc, '$.items[1:]').value).toEqual([{ id: 2, price: 20 }, { id: 3, price: 12 }]);
    expect(queryPath(doc, '$.items[*].id').value).toEqual([1, 2, 3]);
    expect(queryPath(doc, '$..price').value).toEqual([5, 20, 12]);
    expect(queryPath(doc, '$.items[?(@.price > 10)].id').value).toEqual([2, 3]);
    expect(queryPath(doc, '$.a[0,2]').value).toEqual([10, 12]);
    expect(queryPath(doc, '$.a[-2:]').value).toEqual([11, 12]);
    expect(queryPath(doc, '$.items[?(@.price > 100)]')).toEqual({ found: true, value: [] });
    expect(queryPath(doc, '$.a[-1]')).toEqual({ found: true, value: 12 });
    expect(queryPath(doc, '$.a[3]')).toEqual({ found: false });
  });

  test('filters are data: code in a filter is refused before jsonpath-plus sees it', () => {
    for (const path of ['$.items[?(@.price.constructor.constructor("return 1")())]', '$.items[?(process.exit(1))]', '$.items[(@.length-1)]', '$.items[?(@.a = 1)]']) {
      expect(() => parseQuery(path)).toThrow(/is not supported at/);
      expect(() => queryPath({ items: [{ a: 1 }] }, path)).toThrow(/is not supported at/);
    }
    // JavaScript's own properties are not JSON fields.
    expect(queryPath({ items: [{ a: 1 }], s: 'abc' }, '$.items[?(@.constructor)]').value).toEqual([]);
    expect(queryPath({ items: [[1, 2]], s: 'abc' }, '$.items[*].length').value).toEqual([]);
    expect(queryPath({ s: 'abc' }, '$.s[*]').value).toEqual([]);
  });

  test('ResultPath stays a reference path: indefinite paths are refused naming the field', () => {
    expect(() => parsePath('$.items[*]')).toThrow(/is not a reference path/);
    expect(validateDataFlow({ resultPath: '$.a[?(@.b)]', inputPath: '$.items[1:]', outputPath: '$..x', parameters: { 'l.$': '$.a[*]' } }))
      .toEqual([expect.stringMatching(/^resultPath: JSONPath '\$\.a\[\?\(@\.b\)\]' is not a reference path/)]);
    expect(validateDataFlow({ parameters: { list: [{ 'ok.$': '$.a' }, { 'bad.$': '$.a[?(x)]' }] } }))
      .toEqual([expect.stringMatching(/^parameters\.list\[1\]: 'bad\.\$': JSONPath/)]);
  });
});

describe('payload templates with paths inside arrays', () => {
  test('`.$` keys in objects inside arrays take their values, at any depth', () => {
    expect(applyTemplate({ list: [{ 'a.$': '$.x' }, 1, [{ 'b.$': '$.y[*]' }]] }, { x: 'X', y: [1, 2] }, 'Parameters'))
      .toEqual({ list: [{ a: 'X' }, 1, [{ b: [1, 2] }]] });
    expect(() => applyTemplate([{ 'a.$': '$.missing' }], {}, 'Parameters')).toThrow(/the path '\$\.missing' of 'a\.\$'/);
  });

  test("the guide's flattening example: ResultSelector { 'flattenArray.$': '$[*][*]' }", () => {
    expect(stateOutput({ resultSelector: { 'flattenArray.$': '$[*][*]' } }, {}, [[1, 2, 3], [4, 5, 6]])).toEqual({ flattenArray: [1, 2, 3, 4, 5, 6] });
  });

  test('InputPath with a filter selects a list that Parameters then read', () => {
    const raw = { orders: [{ id: 'a', total: 5 }, { id: 'b', total: 50 }] };
    expect(effectiveInput({ inputPath: '$.orders[?(@.total >= 10)]', parameters: { 'ids.$': '$[*].id', 'first.$': '$[0]' } }, raw))
      .toEqual({ ids: ['b'], first: { id: 'b', total: 50 } });
  });
});
