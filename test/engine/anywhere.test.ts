import { randomUUID } from 'crypto';
import { join } from 'path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { deliverSqsBatch, startEngine, synthApp } from './support';
import { workflowKeyPrefix } from '../../src/protocol';
import { LocalApp, selectWorkflow } from '../../toolkit/src/local/assembly';
import { FaultOptions, faultSteps } from '../../toolkit/src/local/chaos';
import { LocalEngine } from '../../toolkit/src/local/engine';
import { testPython } from '../support/python';

/**
 * Workflows that start with a Parallel, Map, Choice, Pass or Wait
 * (test/engine/apps/anywhere.ts), each with Node.js and with Python
 * functions: the entry's runtime runs the start states on the session
 * input, and the first invocation of its own function they lead to runs in
 * the same invocation. Each session has exactly one session record.
 */
let app: LocalApp;
let engine: LocalEngine;

beforeAll(async () => {
  app = await synthApp(join(__dirname, 'apps', 'anywhere.ts'));
  engine = await startEngine(app, { python: testPython(), concurrency: 8 });
}, 300_000);
afterAll(async () => engine?.stop());

/** Session records of a workflow in its table. */
async function sessionRecords(workflow: string): Promise<string[]> {
  const w = selectWorkflow(app, workflow);
  const out = await engine.dynamodb.send(new ScanCommand({
    TableName: w.table,
    ConsistentRead: true,
    FilterExpression: 'sk = :s AND begins_with(pk, :p)',
    ExpressionAttributeValues: { ':s': { S: 'SESSION' }, ':p': { S: workflowKeyPrefix(workflow) } },
  }));
  return (out.Items ?? []).map((i) => i.pk.S!);
}

async function runOnce(workflow: string, input: unknown, faults?: FaultOptions) {
  const before = (await sessionRecords(workflow)).length;
  const report = await engine.run({ workflow, input, ...(faults ? { faults } : {}) });
  expect((await sessionRecords(workflow)).length - before).toBe(1);
  return report;
}

describe.each(['node', 'py'])('%s functions', (lang) => {
  const w = (name: string) => `${lang}${name}`;

  test('a Parallel first: one session, each branch runs once, the first branch in the start invocation', async () => {
    const r = await runOnce(w('parallel'), 3);
    expect(r.status).toBe('SUCCEEDED');
    expect(r.result).toEqual([9, 3, 9]);
    // The start states' checkpoint (the session input) is the Parallel's.
    expect(r.commits).toEqual({
      [`${w('Fork')}|0`]: 1, [`${w('SquareBranch')}|0:0/0`]: 1, [`${w('Same')}|0:1/0`]: 1, [`${w('AgainBranch')}|0:2/0`]: 1,
    });
    // Three branches, three invocations: the start ran the Parallel and the first branch.
    expect(r.lambda.event).toBe(3);
  });

  test('a Map first: one item per element, then the FanIn\'s function', async () => {
    const r = await runOnce(w('map'), [1, 2, 3]);
    expect(r.status).toBe('SUCCEEDED');
    expect(r.result).toEqual(lang === 'py' ? { values: [1, 4, 9], total: 14 } : 14);
    expect(Object.keys(r.commits).filter((k) => k.startsWith(w('SquareItem'))).sort()).toEqual([0, 1, 2].map((i) => `${w('SquareItem')}|0:${i}/0`));
    expect(r.lambda.event).toBe(4);
  });

  test('an empty Map first continues with the FanIn\'s function on []', async () => {
    const r = await runOnce(w('map'), []);
    expect(r.result).toEqual(lang === 'py' ? { values: [], total: 0 } : 0);
  });

  test('a Choice first routes before any function runs: to the entry\'s own function in the start invocation, or to another', async () => {
    const hello = await runOnce(w('choice'), { greeting: 'hello' });
    expect(hello.result).toEqual({ greeting: 'hello' });
    expect(hello.commits).toEqual({ [`${w('Route')}|0`]: 1, [`${w('Hello')}|0`]: 1 });
    expect(hello.lambda.event).toBe(1);
    const other = await runOnce(w('choice'), { greeting: 'bye' });
    expect(other.result).toEqual({ greeting: 'bye' });
    expect(other.commits).toEqual({ [`${w('Route')}|0`]: 1, [`${w('Other')}|0`]: 1 });
    // The one case with an invocation of its own: the start invocation routed elsewhere.
    expect(other.lambda.event).toBe(2);
  });

  test('a Pass first transforms the input', async () => {
    const r = await runOnce(w('pass'), { ignored: true });
    expect(r.result).toBe(16);
    expect(r.lambda.event).toBe(1);
  });

  test('a Wait first waits, then the function runs in the start invocation', async () => {
    const r = await runOnce(w('wait'), 5);
    expect(r.result).toBe(25);
    expect(r.commits).toEqual({ [`${w('Pause')}|0`]: 1, [`${w('SquareLater')}|0`]: 1 });
    expect(r.lambda.event).toBe(1);
  });
});

test.each([['sqsparallel', 'Node.js'], ['pysqsparallel', 'Python']])(
  'an SQS batch into %s (a Parallel start, %s entry): one session per message, each branch once', async (name) => {
    const workflow = selectWorkflow(app, name);
    const client = engine.client(workflow);
    const before = (await sessionRecords(name)).length;
    const [one, two] = [randomUUID(), randomUUID()];
    expect(await deliverSqsBatch(engine, workflow.entry.functionName, 'arn:aws:sqs:us-east-1:000000000000:numbers', [[one, '4'], [two, '5']]))
      .toEqual({ batchItemFailures: [] });
    expect([await client.getResult(`sqs-${one}`), await client.getResult(`sqs-${two}`)]).toEqual([[16, 16], [25, 25]]);
    expect((await sessionRecords(name)).length - before).toBe(2);
  });

test.each([['longwait', 'LongPause', 'AfterLongPause'], ['pylongwait', 'PyLongPause', 'PyAfterLongPause']])(
  '%s: a Wait first longer than the entry\'s invocation continues in a re-invocation of the start states, then the function runs there',
  async (workflow, pause, after) => {
    const r = await runOnce(workflow, { wait: 3 });
    expect(r.status).toBe('SUCCEEDED');
    expect(r.result).toEqual({ wait: 3 });
    expect(r.commits).toEqual({ [`${pause}|0`]: 1, [`${after}|0`]: 1 });
    // The start and at least one continuation, addressed to the Wait (the start states' first state); the function ran in the last one.
    expect(r.lambda.event).toBeGreaterThanOrEqual(2);
    expect(r.instances.map((i) => i.node).sort()).toEqual([after, pause].sort());
  });

describe('crashes and duplicate deliveries around the start states', () => {
  test.each(faultSteps().map((s) => [s]))('crash at %s, with duplicates: still one session and the exact output', async (step) => {
    for (const [workflow, input, expected] of [['nodeparallel', 3, [9, 3, 9]], ['pymap', [1, 2], { values: [1, 4], total: 5 }], ['nodewait', 4, 16]] as const) {
      const r = await runOnce(workflow, input, { crashAt: step, duplicateRate: 0.3, seed: 7 });
      expect([workflow, r.status, r.result]).toEqual([workflow, 'SUCCEEDED', expected]);
      expect(Object.values(r.commits).every((n) => n === 1)).toBe(true);
    }
  });
});
