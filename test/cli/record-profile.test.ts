import { readFileSync } from 'fs';
import { join } from 'path';
import { TRACE_VALUE_LIMIT } from '../../toolkit/src/local/session-trace';
import { ROOT } from '../engine/support';
import { synthExample } from '../simulate/workflow-support';
import { unum } from '../support/cli';

/** `unum run --record-profile`: the local engine's measured times as a profile `unum simulate --profile` reads. */
let assembly: string;
beforeAll(async () => {
  assembly = (await synthExample('map-join')).dir;
});

test('a run of map-join writes each node\'s user code and init times, the checkpoint write latency and the fixed outputs', async () => {
  const file = join(assembly, '..', 'measured.json');
  const input = `@${join(ROOT, 'examples', 'map-join', 'input.json')}`;
  const run = await unum('run', '--assembly', assembly, '--input', input, '--record-profile', file, '--quiet', '--json');
  expect(run.code).toBe(0);
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  expect(profile.v).toBe(1);
  expect(profile.source).toMatch(/^unum run of workflow MapJoin, session /);
  expect(Object.keys(profile.functions).sort()).toEqual(['Collect', 'Identity', 'Start']);
  for (const f of Object.values<any>(profile.functions)) {
    expect(f.durationSeconds).toBeGreaterThanOrEqual(0);
    expect(f.initSeconds).toBeGreaterThan(0);
  }
  expect(profile.dynamodb.putSeconds).toBeGreaterThan(0);
  expect(profile.engine.concurrency).toBeGreaterThanOrEqual(4);
  // Start passes the list on, the same every time: recorded; Identity's 20 items differ: not.
  expect(profile.functions.Start.output).toEqual(JSON.parse(readFileSync(join(ROOT, 'examples', 'map-join', 'input.json'), 'utf8')));
  expect(profile.functions.Identity.output).toBeUndefined();

  const sim = await unum('simulate', '--assembly', assembly, '--profile', file, '--sessions', '3', '--json');
  expect(sim.stderr).toBe('');
  const [s] = JSON.parse(sim.stdout);
  // No --input: the recorded output of Start gives the Map its 20 items.
  expect(s.functions.Identity.invocations).toBe(60);
  expect(s.sessions.succeeded).toBe(3);
});

test('an output longer than the trace keeps (word-count\'s Partition) is recorded whole, so the Map after it fans out as in the engine', async () => {
  const wordCount = (await synthExample('word-count')).dir;
  const file = join(wordCount, '..', 'measured.json');
  const input = `@${join(ROOT, 'examples', 'word-count', 'input.json')}`;
  const run = await unum('run', '--assembly', wordCount, '--input', input, '--record-profile', file, '--quiet', '--json');
  expect(run.code).toBe(0);
  const partition = JSON.parse(readFileSync(file, 'utf8')).functions.Partition.output;
  expect(JSON.stringify(partition).length).toBeGreaterThan(TRACE_VALUE_LIMIT);
  const sim = await unum('simulate', '--assembly', wordCount, '--profile', file, '--sessions', '1', '--json');
  expect(sim.stderr).toBe('');
  const [s] = JSON.parse(sim.stdout);
  expect(s.sessions.succeeded).toBe(1);
  expect(s.functions.Reduce.invocations).toBe(partition.partitions.length);
}, 120_000);
