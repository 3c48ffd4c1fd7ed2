import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { ROOT } from '../engine/support';
import { synthExample } from '../simulate/workflow-support';
import { unum } from '../support/cli';

/** `unum simulate` on a synthesized example: the same assembly options as `unum run`, deterministic --json, options checked by name. */
let assembly: string;
beforeAll(async () => {
  assembly = (await synthExample('map-join')).dir;
});

const INPUT = JSON.stringify(Array.from({ length: 20 }, (_, i) => i));

test('--json: one summary per workflow, identical for the same seed', async () => {
  const args = ['simulate', '--assembly', assembly, '--input', INPUT, '--rate', '10', '--sessions', '200', '--seed', '3', '--json'];
  const a = await unum(...args);
  expect(a.stderr).toBe('');
  expect(a.code).toBe(0);
  const b = await unum(...args);
  expect(b.stdout).toBe(a.stdout);
  const [s] = JSON.parse(a.stdout);
  expect(s.workflow).toBe('MapJoin');
  expect(s.sessions).toEqual({ started: 200, succeeded: 200, failed: 0 });
  expect(s.functions.Identity.invocations).toBe(4000);
  expect(s.criticalPath.steps.map((st: { node: string }) => st.node)).toEqual(['Start', 'Identity', 'Collect']);
  expect(s.costPerMillionSessions.total).toBeGreaterThan(0);
  expect(s.costPerMillionSessions.stepFunctionsStandard).toBeGreaterThan(s.costPerMillionSessions.total);
  const other = await unum(...args.map((x) => (x === '3' ? '4' : x)));
  expect(other.stdout).not.toBe(a.stdout);
});

test('the text report names every figure', async () => {
  const r = await unum('simulate', '--assembly', assembly, '--input', INPUT, '--rate', '5', '--duration', '20', '--arrivals', 'constant');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('workflow MapJoin on the Lambda model: 100 sessions at 5/s (constant), seed 1');
  for (const part of ['latency: p50', 'critical path of the median session', 'Identity', 'per session:', 'hottest partition key: join Gather shard 0',
    '$ per 1M sessions:', 'Step Functions Standard']) expect(r.stdout).toContain(part);
});

test('--profile overrides the defaults; an unknown setting is refused by name', async () => {
  const good = join(assembly, '..', 'profile.json');
  writeFileSync(good, JSON.stringify({ functions: { Identity: { durationSeconds: 2 } } }));
  const slow = JSON.parse((await unum('simulate', '--assembly', assembly, '--input', INPUT, '--sessions', '3', '--rate', '0.001', '--arrivals', 'constant', '--profile', good, '--json')).stdout)[0];
  const fast = JSON.parse((await unum('simulate', '--assembly', assembly, '--input', INPUT, '--sessions', '3', '--rate', '0.001', '--arrivals', 'constant', '--json')).stdout)[0];
  expect(slow.latency.p50 - fast.latency.p50).toBeCloseTo(1.9, 9);
  const bad = join(assembly, '..', 'bad.json');
  writeFileSync(bad, JSON.stringify({ dynamodb: { getMs: 3 } }));
  const r = await unum('simulate', '--assembly', assembly, '--profile', bad);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('dynamodb.getMs is not a known setting');
  writeFileSync(bad, JSON.stringify({ engine: { concurrency: 0 } }));
  const e = await unum('simulate', '--assembly', assembly, '--profile', bad);
  expect(e.code).toBe(2);
  expect(e.stderr).toContain('engine is { "concurrency": <a whole number >= 1> }');
});

test('--platform engine queues the Map\'s items at the profile\'s engine concurrency, where the Lambda model runs them at once', async () => {
  const profile = join(assembly, '..', 'engine-profile.json');
  writeFileSync(profile, JSON.stringify({ engine: { concurrency: 2 }, functions: { '*': { durationSeconds: 1 } } }));
  const run = async (platform: string) => JSON.parse((await unum('simulate', '--assembly', assembly, '--input', INPUT, '--sessions', '1',
    '--profile', profile, '--platform', platform, '--json')).stdout)[0];
  const [lambda, engine] = [await run('lambda'), await run('engine')];
  expect([lambda.platform, engine.platform, engine.engineConcurrency]).toEqual(['lambda', 'engine', 2]);
  const items = JSON.parse(INPUT).length;
  // Two at a time: the items take about items / 2 rounds of 1 s where Lambda takes one.
  expect(engine.latency.p50 - lambda.latency.p50).toBeGreaterThan(Math.ceil(items / 2) - 1.5);
  expect(Object.values<{ throttles: number }>(engine.functions).every((f) => f.throttles === 0)).toBe(true);
  const text = (await unum('simulate', '--assembly', assembly, '--input', INPUT, '--sessions', '1', '--profile', profile, '--platform', 'engine')).stdout;
  expect(text).toContain('workflow MapJoin on the local engine\'s model (concurrency 2): 1 sessions');
});

test.each([
  [['--rate', 'fast'], '--rate must be a number greater than 0 (got "fast")'],
  [['--rate', '0'], '--rate must be a number greater than 0'],
  [['--sessions', '2.5'], '--sessions must be a whole number greater than 0'],
  [['--duration=-1'], '--duration must be a number greater than 0'],
  [['--sessions', '3', '--duration', '5'], 'pass either --sessions or --duration, not both'],
  [['--arrivals', 'bursty'], '--arrivals must be poisson or constant (got "bursty")'],
  [['--platform', 'cluster'], '--platform cluster needs --platform-file <file>'],
  [['--platform-file', 'examples/map-join/cluster-platform.json'], '--platform-file describes a cluster: pass --platform cluster with it'],
  [['--platform', 'k8s'], '--platform must be lambda, cluster or engine'],
  [['--platform', 'engine'], 'the engine platform needs the engine\'s concurrency in the profile: record one with unum run --record-profile'],
  [['--seed', 'x'], '--seed must be a whole number >= 0'],
  [['--start-time', '2026-13-01T00:00:00Z'], '--start-time must be an RFC 3339 timestamp such as 2026-01-01T00:00:00Z (got "2026-13-01T00:00:00Z")'],
  [['--profile', 'no-such.json'], '--profile: no such file'],
  [['--workflow', 'Nope'], 'no workflow named "Nope" (the app has MapJoin)'],
])('%j is refused, naming the option', async (args, message) => {
  const r = await unum('simulate', '--assembly', assembly, ...args);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(message);
});

test('help lists the simulate command and its options', async () => {
  const r = await unum('help');
  expect(r.stdout).toContain('unum simulate [--app "<cdk app command>" | --assembly <cdk.out>]');
  expect(r.stdout).toContain('--arrivals <process>');
  expect(r.stdout).toContain('--start-time <time>');
});

test('the README\'s unum simulate output is what the command prints', async () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('workflow MapJoin on the Lambda model: 1000 sessions at 10/s');
  expect(start).toBeGreaterThan(0);
  const shown = readme.slice(start, readme.indexOf('```', start));
  const r = await unum('simulate', '--assembly', assembly, '--input', '@examples/map-join/input.json', '--rate', '10', '--sessions', '1000', '--quiet');
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(shown);
});

describe('--platform cluster', () => {
  const PLATFORM = ['--platform', 'cluster', '--platform-file', 'examples/map-join/cluster-platform.json'];

  test('--json: the cluster\'s figures, no Lambda bill, identical for the same seed', async () => {
    const args = ['simulate', '--assembly', assembly, '--input', INPUT, '--rate', '2', '--sessions', '50', '--seed', '3', '--json', ...PLATFORM];
    const a = await unum(...args);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect((await unum(...args)).stdout).toBe(a.stdout);
    const [s] = JSON.parse(a.stdout);
    expect(s.platform).toBe('cluster');
    expect(s.sessions).toEqual({ started: 50, succeeded: 50, failed: 0 });
    // The example cluster has 8 cores: never more Identity calls at once.
    expect(s.functions.Identity.peakConcurrency).toBe(8);
    expect(Object.keys(s.costPerMillionSessions).sort()).toEqual(['dynamodb', 's3', 'total']);
  });

  test('--report plots the cluster\'s containers (alive and busy) and its cold starts', async () => {
    const out = join(assembly, '..', 'cluster.html');
    const r = await unum('simulate', '--assembly', assembly, '--input', INPUT, '--rate', '2', '--sessions', '20', '--report', out, ...PLATFORM);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`unum: report written to ${out}`);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('predicted behaviour on a cluster (WRENCH\'s serverless compute service)');
    expect(html).toContain('Concurrency: busy containers');
    expect(html).toContain('Instances: containers alive');
    expect(html).not.toContain('execution environments');
    expect(html.match(/<svg class="unum-chart"/g)).toHaveLength(4);
  });

  test('a bad platform file is refused with its name and the field', async () => {
    const bad = join(assembly, '..', 'cluster.json');
    const example = JSON.parse(readFileSync(join(ROOT, 'examples/map-join/cluster-platform.json'), 'utf8'));
    writeFileSync(bad, JSON.stringify({ ...example, nodes: [{ ...example.nodes[0], cores: 0 }] }));
    const r = await unum('simulate', '--assembly', assembly, '--platform', 'cluster', '--platform-file', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}: nodes[0].cores must be a whole number >= 1 (got 0)`);
  });

  test('the README shows the example platform file and what the cluster command prints', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(`\`\`\`json\n${readFileSync(join(ROOT, 'examples/map-join/cluster-platform.json'), 'utf8')}\`\`\``);
    const start = readme.indexOf('workflow MapJoin on the cluster model: 100 sessions at 1/s');
    expect(start).toBeGreaterThan(0);
    const shown = readme.slice(start, readme.indexOf('```', start));
    const r = await unum('simulate', '--assembly', assembly, '--input', '@examples/map-join/input.json', '--rate', '1', '--sessions', '100', '--quiet', ...PLATFORM);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(shown);
  });
});
