import { file, run, Vector, VectorFile } from './support';
import { evaluateCondition } from '../../../src/protocol/conditions';
import { parsePath, parseQuery, queryPath, readPath, writePath } from '../../../src/protocol/jsonpath';

const PATHS = ['$', '$.a', '$.a.b', '$.list[0]', '$.list[1].name', "$['odd key']", '$["double"]', "$['it\\'s']", '$["say \\"hi\\""]',
  "$['back\\\\slash']", "$['a.b']", "$['']", '$.$dollar', '$._under', '$.with-dash', '$.a1', '$[007]', '$[99999999999999999999]',
  "$['ü😀']", "$['new\\\nline']", "$['line\\\u2028sep']", '$.list[0][1]', '$.ünï', '$.1a', '$..a', '$.*', '$[*]', '$[-1]', '$.a[0',
  "$['unterminated]", 'a.b', '', '$a', '$ .a', '$.a ', '$[?(@.x)]', '$.a.', "$['x'].y[2]", '$.__proto__', '$.constructor', '$.length',
  '$.list.length'];
const DOC = {
  'a': { b: 1.5 },
  'list': [{ name: 'x' }, { name: 'y', 1: 'one' }, [0, 'nested']],
  'odd key': 'odd',
  'double': 'd',
  "it's": 'apostrophe',
  'say "hi"': 'quoted',
  'back\\slash': 'bs',
  'a.b': 'dotted',
  '': 'empty key',
  '$dollar': 'dollar',
  '_under': null,
  'with-dash': false,
  'a1': [],
  'ü😀': 'unicode',
  'new\nline': 'nl',
  'line\u2028sep': 'ls',
  'ünï': 'u',
  'x': { y: [0, 1, 'two'] },
  'constructor': 'own',
};

export function jsonpathVectors(): VectorFile {
  const cases: Vector[] = [];
  PATHS.forEach((p, i) => cases.push(run(`parsePath ${i} ${JSON.stringify(p)}`, 'parsePath', parsePath, [p], { json: true })));
  PATHS.forEach((p, i) => cases.push(run(`readPath ${i} ${JSON.stringify(p)}`, 'readPath', readPath, [p === '$.list[0][1]' ? [DOC.list] : DOC, p], { json: true })));
  for (const [i, doc] of [[0, null], [1, 'text'], [2, [1, 2, 3]], [3, 42], [4, { list: 'str' }]] as Array<[number, unknown]>) {
    for (const p of ['$', '$.a', '$[0]', '$[2]', '$.list[0]', '$.length']) cases.push(run(`readPath doc ${i} ${p}`, 'readPath', readPath, [doc, p], { json: true }));
  }
  const writes: Array<[unknown, string, unknown]> = [
    [{ a: 1 }, '$', { replaced: true }], [{ a: 1 }, '$.b', 2], [{ a: 1 }, '$.a', null], [{ a: { x: 1 } }, '$.a.y', 2],
    [{ a: 5 }, '$.a.b.c', 'deep'], [[1, 2], '$.a', 1], ['text', '$.a', 1], [null, "$['odd key'].z", [1.0]],
    [{ a: 1 }, '$.list[0]', 1], [{ a: 1 }, '$[0]', 1], [{ a: 1 }, 'bad', 1], [{ z: 1, 10: 'ten', b: { 2: 'two', a: 'a' } }, '$.b.c', 3],
    [{ a: [1] }, '$.a.b', 2],
  ];
  writes.forEach(([doc, p, v], i) => cases.push(run(`writePath ${i} ${p}`, 'writePath', writePath, [doc, p, v], { json: true })));
  cases.push(run('writePath integer-like keys from text', 'writePath', writePath, [], { json: true, argsAsText: '[{"b":1,"10":2,"2":3,"a":{"9":1,"x":2,"1":3}},"$.a.new",{"3":1.0,"c":-0.0}]' }));
  QUERIES.forEach((p, i) => cases.push(run(`queryPath ${i} ${JSON.stringify(p)}`, 'queryPath', queryPath, [STORE, p], { json: true })));
  QUERIES.forEach((p, i) => cases.push(run(`parseQuery ${i} ${JSON.stringify(p)}`, 'parseQuery', parseQuery, [p], { json: true })));
  REFUSED.forEach((p, i) => cases.push(run(`parseQuery refused ${i} ${JSON.stringify(p)}`, 'parseQuery', parseQuery, [p])));
  PATHS.forEach((p, i) => cases.push(run(`queryPath odd ${i} ${JSON.stringify(p)}`, 'queryPath', queryPath, [DOC, p], { json: true })));
  for (const [i, doc] of [[0, null], [1, 'text'], [2, [1, [2, 3], { a: 4 }]], [3, 42], [4, { list: 'str', o: { 0: 'zero', length: 1 } }], [5, []], [6, {}]] as Array<[number, unknown]>) {
    for (const p of ['$', '$[*]', '$..*', '$[0:2]', '$[-1]', '$.list[*]', '$.list[0:1]', '$.o[0]', '$.o[*]', '$[*][0]', '$[*].length', '$..a', '$[?(@.a)]', '$.o.length']) {
      cases.push(run(`queryPath doc ${i} ${p}`, 'queryPath', queryPath, [doc, p], { json: true }));
    }
  }
  cases.push(run('queryPath numbers and key order from text', 'queryPath', queryPath, [], {
    json: true, argsAsText: '[{"b":{"v":1.0},"10":{"v":2.50},"2":{"v":-0.0},"a":[{"v":1e21},{"v":3}]},"$..v"]',
  }));
  cases.push(run('queryPath unicode order from text', 'queryPath', queryPath, [], {
    json: true, argsAsText: '[[{"s":"\\ud83d\\ude00"},{"s":"\\uffff"},{"s":"z"}],"$[?(@.s > \\"\\uffff\\")].s"]',
  }));
  CHOICES.forEach(([c, doc], i) => cases.push(run(`evaluateCondition indefinite ${i} ${c.path}`, 'evaluateCondition', evaluateCondition, [c, doc])));
  return file('JSONPath (src/protocol/jsonpath.ts): reference paths (parsePath, readPath, writePath) and Step Functions paths (parseQuery, queryPath), results and errors', cases);
}

// A store like the ones JSONPath's documentation queries, plus the Step Functions
// guide's reference-path example ({ foo, bar, car }: $.foo => 123, $.bar => ["a","b","c"], $.car.cdr => true).
const STORE = {
  foo: 123,
  bar: ['a', 'b', 'c'],
  car: { cdr: true },
  store: {
    book: [
      { category: 'reference', author: 'Rees', title: 'Sayings', price: 8.95 },
      { category: 'fiction', author: 'Waugh', title: 'Swords', price: 12.99, isbn: null },
      { category: 'fiction', author: 'Melville', title: 'Whale', isbn: '0-553', price: 8.99, tags: ['sea', 'classic'] },
      { category: 'fiction', author: 'Tolkien', title: 'Rings', isbn: '0-395', price: 22.99, inStock: true, meta: { pages: 1178 } },
    ],
    bicycle: { color: 'red', price: 19.95, inStock: false },
  },
  items: [{ id: 1, price: 5 }, { id: 2, price: 15, label: 'b' }, { id: 3, price: '15' }, { id: 4, price: 30, label: null }, { id: 5 }],
  nums: [0, 1, 2, 3, 4, 5, 6],
  matrix: [[1, 2], [3, 4]],
  empty: [],
  flags: [true, false, 1, 0, 'true', null],
};

const QUERIES = [
  // Definite: a value, or not found.
  '$.foo', '$.bar', '$.car.cdr', '$.bar[0]', '$.bar[-1]', '$.bar[-3]', '$.bar[-4]', '$.bar[3]', '$.store.book[2].tags[1]', '$.missing',
  // Wildcards.
  '$.bar[*]', '$.store.*', '$.store.book[*].author', '$.store.book.*.title', '$.matrix[*][*]', '$[*]', '$.car.cdr[*]', '$.empty[*]',
  // Slices: start, end, both, negatives, steps, out of range, empty.
  '$.nums[1:]', '$.nums[:2]', '$.nums[2:5]', '$.nums[-2:]', '$.nums[:-2]', '$.nums[-3:-1]', '$.nums[::2]', '$.nums[1::3]', '$.nums[1:6:2]',
  '$.nums[5:2]', '$.nums[0:0]', '$.nums[:0]', '$.nums[-100:2]', '$.nums[4:100]', '$.nums[7:]', '$.nums[:]', '$.bar[-1:]', '$.store[0:1]',
  // Index unions.
  '$.nums[0,2]', '$.nums[6,0,6]', '$.nums[1,99]', '$.store.book[0,3].title',
  // Recursive descent.
  '$..price', '$..isbn', '$..book[0].title', '$..[0]', '$..tags[*]', '$..pages', '$.store..price', '$..nothing', '$.car..cdr',
  '$..book[?(@.price < 10)].title', '$..book[1:].author', '$..*',
  // Filters: each operator, literals, existence, nesting, missing fields, types.
  '$.items[?(@.price > 10)].id', '$.items[?(@.price >= 15)].id', '$.items[?(@.price < 15)].id', '$.items[?(@.price <= 15)].id',
  '$.items[?(@.price == 15)].id', "$.items[?(@.price == '15')].id", '$.items[?(@.price != 15)].id', '$.items[?(@.label)].id',
  '$.items[?(@.label == null)].id', '$.items[?(@.label != null)].id', "$.items[?(@.label == 'b')].id", "$.items[?(@.label > 'a')].id",
  '$.items[?(@.price > 10 && @.price < 20)].id', '$.items[?(@.price < 10 || @.price > 20)].id', '$.items[?(@.price > 1 && (@.id == 1 || @.id == 4))].id',
  '$.items[?(@.price>10)].id', '$.items[?( @.price  >  10 )].id', '$.items[?(@.price > 1e1)].id', '$.items[?(@.price > -1.5)].id',
  '$.flags[?(@ == true)]', '$.flags[?(@ == false)]', '$.flags[?(@ == 1)]', "$.flags[?(@ == 'true')]", '$.flags[?(@ == null)]', '$.flags[?(@)]',
  '$.store.book[?(@.isbn)].title', '$.store.book[?(@.inStock == true)].title', '$.store.book[?(@.meta.pages > 1000)].title',
  "$.store.book[?(@['category'] == 'reference')].title", '$.store.book[?(@.tags[0] == \'sea\')].title', '$.store.book[?(@.nope > 1)]',
  '$.store.book[?(@.price == @.price)].title', '$.store.book[?(@.tags == @.tags)].title', '$.store[?(@.color)].price', '$.items[?(@.id > 2)][?(@.price)]',
  '$.matrix[?(@[0] > 1)]', '$.store.book[?(@.category == "fiction")].author', '$.nums[?(@ >= 3)]', '$.items[?(@.price)]',
  // Paths that look like JavaScript but are only data.
  '$.items[?(@.constructor)]', '$.bar[?(@.length > 0)]', '$.items[*].length', '$.bar[*].length', '$.items[?(1 == 1)].id', '$.items[?(@.$x == 1)]',
];

const REFUSED = [
  '$.items[?(@.price.toString() == 1)]', '$.items[?(alert(1))]', '$.items[?(@.a = 1)]', '$.items[?(@.a === 1)]', '$.items[?(!@.a)]',
  '$.items[?(@.a > 1 &&)]', '$.items[?(@.a)', '$.items[?(@.a > 1)', '$.items[?(@..a)]', '$.items[?(@.a[*])]',
  '$.items[(@.length-1)]', '$.nums[::-1]', '$.nums[::0]', '$.nums[0,-1]', '$.nums[a:b]', '$.nums[0,]', '$..', '$...a', '$.*.',
  "$.a[?(@.b == 'x)]", "$..['it\\'s']", '$.x.length()', '$$.Execution.Id', '$[?(@.a > 1)][', '$.a[ 0 ]', '$..$',
  "$['a;b'][*]", '$.a[9007199254740993]', '$.nums[1:2:3:4]', "$.a['b','c']",
];

const CHOICES: Array<[any, unknown]> = [
  [{ op: 'isPresent', path: '$.items[?(@.id > 9)]', value: true }, STORE],
  [{ op: 'stringEquals', path: '$.items[0,1].label', value: 'b' }, STORE],
  [{ op: 'numberEquals', path: '$.items[-1].id', value: 5 }, STORE],
  [{ op: 'isPresent', path: '$.bar[-9]', value: false }, STORE],
  [{ op: 'numberGreaterThanPath', path: '$.items[1].price', otherPath: '$.items[0].price' }, STORE],
];
