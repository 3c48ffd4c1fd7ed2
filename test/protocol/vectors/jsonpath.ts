import { file, run, Vector, VectorFile } from './support';
import { parsePath, readPath, writePath } from '../../../src/protocol/jsonpath';

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
  return file('JSONPath subset (src/protocol/jsonpath.ts): parsePath, readPath and writePath, results and errors', cases);
}
