import { file, run, Vector, VectorFile } from './support';
import { compileWorkflow } from '../../../src/compiler/compile';
import { GraphState, WorkflowGraph } from '../../../src/compiler/graph';
import * as P from '../../../src/protocol';
import { ConditionJson, parseConfig } from '../../../src/protocol';

/** Plain workflow graphs shaped like the examples (examples/*), compiled by the pure compiler. */
const task = (id: string, next?: string, extra: object = {}): GraphState =>
  ({ kind: 'task', id, functionName: `fn-${id}`, ...(next ? { next } : {}), ...extra } as GraphState);
const choice = (id: string, choices: Array<[ConditionJson, string]>, otherwise?: string): GraphState =>
  ({ kind: 'choice', id, choices: choices.map(([condition, next]) => ({ condition, next })), ...(otherwise ? { otherwise } : {}) });
const parallel = (id: string, branches: string[], next?: string): GraphState => ({ kind: 'parallel', id, branches, ...(next ? { next } : {}) });
const map = (id: string, iterator: string, next?: string, extra: object = {}): GraphState =>
  ({ kind: 'map', id, iterator, itemsPath: '$', ...(next ? { next } : {}), ...extra } as GraphState);
const fanIn = (id: string, next?: string, extra: object = {}): GraphState => ({ kind: 'fanIn', id, ...(next ? { next } : {}), ...extra } as GraphState);
const graph = (name: string, start: string, ...states: GraphState[]): WorkflowGraph => ({ name, start, states });
const retry = { errors: ['States.TaskFailed'], intervalSeconds: 1, maxAttempts: 3, backoffRate: 2, maxDelaySeconds: 10, jitter: 'FULL' as const };

const WORKFLOWS: WorkflowGraph[] = [
  graph('hello-bye', 'Hello', task('Hello', 'Bye'), task('Bye')),
  { ...graph('hello-bye-timeout', 'Hello', task('Hello', 'Bye'), task('Bye')), timeoutSeconds: 900 },
  graph('map-join', 'Start', task('Start', 'EachItem'), map('EachItem', 'Identity', 'Gather', { maxConcurrency: 16 }), task('Identity'),
    fanIn('Gather', 'Collect'), task('Collect')),
  graph('word-count', 'Split', task('Split', 'CountChunks'), map('CountChunks', 'Count', 'Counted', { itemsPath: '$.chunks' }), task('Count'),
    fanIn('Counted', 'Partition'), task('Partition', 'ReduceAll'), map('ReduceAll', 'Reduce', 'Reduced', { itemsPath: '$.partitions' }),
    task('Reduce'), fanIn('Reduced', 'Merge'), task('Merge')),
  graph('text-processing', 'Fetch', task('Fetch', 'Fork'), parallel('Fork', ['Words', 'Lines'], 'Join'), task('Words', 'Stem'), task('Stem'),
    task('Lines'), fanIn('Join', 'Report'), task('Report', undefined, { retry: [retry] })),
  graph('iot-pipeline', 'Ingest', task('Ingest', 'Route', { dataFlow: { inputPath: '$.reading', resultPath: '$.checked', outputPath: '$' } }),
    choice('Route', [[{ op: 'numberGreaterThan', path: '$.checked.temp', value: 80 }, 'Alarm'],
      [{ op: 'and', conditions: [{ op: 'isPresent', path: '$.checked.temp', value: true }, { op: 'not', condition: { op: 'stringMatches', path: '$.site', value: 'test-*' } }] }, 'Store']],
    'Drop'),
    task('Alarm', 'Store', { catch: [{ errors: ['States.ALL'], resultPath: '$.error', next: 'Failed' }] }), task('Store'),
    { kind: 'succeed', id: 'Drop' }, { kind: 'fail', id: 'Failed', error: 'AlarmFailed', cause: 'the alarm could not be raised' }),
  graph('fold', 'Init', task('Init', 'Step'), task('Step', 'More'),
    choice('More', [[{ op: 'numberLessThan', path: '$.i', value: 10 }, 'Step']], 'Done'), task('Done')),
  graph('passes-and-waits', 'A', task('A', 'Shape'), { kind: 'pass', id: 'Shape', dataFlow: { parameters: { 'v.$': '$.value' }, resultPath: '$.shaped' }, next: 'Pause' },
    { kind: 'wait', id: 'Pause', seconds: 30, next: 'B' }, task('B')),
  graph('window', 'Split', task('Split', 'Chunks'), map('Chunks', 'Encode', 'Encoded', { itemsPath: undefined, width: 8 }), task('Encode', 'WithPrevious'),
    fanIn('WithPrevious', 'Rebase', { itemOffsets: [0, -1] }), task('Rebase'), fanIn('Encoded', 'Fold'), task('Fold')),
  graph('dag', 'Start', task('Start', 'Route'), choice('Route', [[{ op: 'isPresent', path: '$.hello', value: true }, 'Hello']], 'Bye'),
    task('Hello', 'Greeted'), task('Bye', 'Greeted'), fanIn('Greeted', 'End', { predecessors: ['Hello', 'Bye'] }), task('End')),
];

export function configVectors(): VectorFile {
  const cases: Vector[] = [];
  for (const g of WORKFLOWS) {
    for (const config of compileWorkflow(g).functions) {
      cases.push(run(`${g.name} ${config.node}`, 'parseConfig', parseConfig, [config], { json: true }));
    }
  }
  const sample = compileWorkflow(WORKFLOWS[0]).functions[0];
  const refused: Array<[string, unknown]> = [
    ['version 2', { ...sample, v: 2 }], ['version 0', { ...sample, v: 0 }], ['version "1"', { ...sample, v: '1' }],
    ['version missing', { ...sample, v: undefined }], ['version null', { ...sample, v: null }], ['version 1.5', { ...sample, v: 1.5 }],
    ['version true', { ...sample, v: true }], ['version an object', { ...sample, v: { major: 1 } }], ['version a list', { ...sample, v: [1, 2] }],
    ['null', null], ['a list', [sample]], ['a string', 'config'], ['a number', 1],
  ];
  refused.forEach(([name, config]) => cases.push(run(`refused: ${name}`, 'parseConfig', parseConfig, [config])));
  cases.push(run('version 1.0 as text', 'parseConfig', parseConfig, [], { json: true, argsAsText: `[${JSON.stringify({ ...sample, v: 1 }).replace('"v":1', '"v":1.0')}]` }));
  // Which fan-outs handle failures, and when a Map's failed items exceed what it tolerates.
  const fanOuts: unknown[] = [
    { kind: 'parallel', fanout: 'P', branches: [] }, { kind: 'parallel', fanout: 'P', branches: [], retry: [] },
    { kind: 'parallel', fanout: 'P', branches: [], catch: [{ errors: ['States.ALL'], resultPath: '$', next: { kind: 'succeed' } }] },
    { kind: 'map', fanout: 'M', retry: [{ errors: ['E'], intervalSeconds: 1, maxAttempts: 1, backoffRate: 2 }] },
    { kind: 'map', fanout: 'M', toleratedFailureCount: 0 }, { kind: 'map', fanout: 'M', toleratedFailurePercentage: 0 }, { kind: 'map', fanout: 'M' },
  ];
  fanOuts.forEach((a, i) => cases.push(run(`handlesFailures ${i}`, 'handlesFailures', P.handlesFailures, [a])));
  const tolerances: Array<[unknown, number, number]> = [
    [{}, 0, 3], [{}, 1, 3], [{ toleratedFailureCount: 1 }, 1, 3], [{ toleratedFailureCount: 1 }, 2, 3], [{ toleratedFailureCount: 0 }, 1, 10],
    [{ toleratedFailurePercentage: 50 }, 2, 4], [{ toleratedFailurePercentage: 50 }, 3, 4], [{ toleratedFailurePercentage: 33.3 }, 1, 3],
    [{ toleratedFailurePercentage: 0 }, 1, 1000], [{ toleratedFailurePercentage: 100 }, 7, 7],
    [{ toleratedFailureCount: 5, toleratedFailurePercentage: 10 }, 2, 10],
    [{ toleratedFailureCount: 1, toleratedFailurePercentage: 90 }, 2, 10],
  ];
  tolerances.forEach(([t, failed, size], i) => cases.push(run(`exceedsTolerance ${i}`, 'exceedsTolerance', P.exceedsTolerance, [t, failed, size])));
  if (cases.some((c) => c.name.startsWith('refused') && !c.error)) throw new Error('a config vector named refused was accepted');
  return file('Config schema (src/protocol/config.ts): every FunctionConfig the compiler emits for workflows shaped like the examples, and refused versions', cases);
}
