import { readFileSync } from 'fs';
import { join } from 'path';
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { simulate, synthExample, synthWorkflow } from './workflow-support';
import { Chain, Choice, Condition, Fail, FanIn, JsonPath, Map as UnumMap, Parallel, Pass, UnumFunction, Wait, WaitTime } from '../../src';
import { ROOT } from '../engine/support';
import { fn } from '../support/shapes';

/**
 * Sessions of a synthesized workflow on the Lambda model: a chain's latency
 * is the sum of its profile times, cold starts follow the idle timeout, a
 * Map fans out as wide as its items, reserved concurrency throttles.
 */
const PROFILE = {
  lambda: { invokeSeconds: 0.011, dispatchSeconds: 0.023, runtimeOverheadSeconds: 0.003 },
  dynamodb: { getSeconds: 0.0041, putSeconds: 0.0062, updateSeconds: 0.0073, batchGetSeconds: 0.009 },
  functions: { '*': { durationSeconds: 0.05 }, 'A': { durationSeconds: 0.2, initSeconds: 0.31 }, 'B': { initSeconds: 0.37 }, 'C': { durationSeconds: 0.125, initSeconds: 0.41 } },
};

const chain = synthWorkflow('Chain3', (stack) => Chain.start(fn(stack, 'A')).next(fn(stack, 'B')).next(fn(stack, 'C')));

/** The session latency the runtime's steps add up to, written out from the profile. */
function chainLatency(cold: boolean): number {
  const { lambda: l, dynamodb: d, functions: f } = PROFILE;
  const hop = l.invokeSeconds + l.dispatchSeconds;
  const handler = (duration: number) => l.runtimeOverheadSeconds + d.getSeconds + duration + d.putSeconds;
  const init = cold ? f.A.initSeconds + f.B.initSeconds + f.C.initSeconds : 0;
  // Client → A (also creates the session record) → B → C, which records the result.
  return 3 * hop + d.putSeconds + handler(f.A.durationSeconds) + handler(f['*'].durationSeconds) + handler(f.C.durationSeconds) + d.updateSeconds + init;
}

test('a chain at low load: every session takes exactly the sum of its profile times, the first one plus each init', async () => {
  const s = await simulate(chain.app, PROFILE, { rate: 0.01, arrivals: 'constant', sessions: 5 });
  expect(s.sessions).toEqual({ started: 5, succeeded: 5, failed: 0 });
  expect(s.latency.p50).toBeCloseTo(chainLatency(false), 9);
  expect(s.latency.p99).toBeCloseTo(chainLatency(true), 9);
  expect(s.criticalPath.steps.map((st) => st.node)).toEqual(['A', 'B', 'C']);
  expect(s.criticalPath.latency).toBeCloseTo(chainLatency(false), 9);
  expect(s.perSession.invocations).toBe(3);
});

test('cold starts: the first session only while sessions come within the idle timeout, every session once they do not', async () => {
  const within = await simulate(chain.app, PROFILE, { rate: 1 / 100, arrivals: 'constant', sessions: 5 });
  expect(Object.values(within.functions).map((f) => f.coldStarts)).toEqual([1, 1, 1]);
  const apart = await simulate(chain.app, PROFILE, { rate: 1 / 700, arrivals: 'constant', sessions: 5 });
  expect(Object.values(apart.functions).map((f) => f.coldStarts)).toEqual([5, 5, 5]);
  expect(apart.latency.p50).toBeCloseTo(chainLatency(true), 9);
});

test('the same seed gives the same figures, another seed other Poisson arrivals', async () => {
  const options = { rate: 20, sessions: 300 } as const;
  const a = await simulate(chain.app, PROFILE, { ...options, seed: 7 });
  expect((await simulate(chain.app, PROFILE, { ...options, seed: 7 }))).toEqual(a);
  const b = await simulate(chain.app, PROFILE, { ...options, seed: 8 });
  expect(b.latency).not.toEqual(a.latency);
});

test('reserved concurrency below the offered load throttles; Lambda retries the throttled events and every session ends', async () => {
  const throttled = { ...PROFILE, functions: { ...PROFILE.functions, B: { ...PROFILE.functions.B, reservedConcurrency: 2 } } };
  const s = await simulate(chain.app, throttled, { rate: 50, arrivals: 'constant', sessions: 200 });
  expect(s.functions.B.throttles).toBeGreaterThan(0);
  expect(s.functions.B.peakConcurrency).toBe(2);
  expect(s.functions.B.invocations).toBe(200);
  expect(s.sessions.succeeded).toBe(200);
  expect(s.latency.p99).toBeGreaterThan(chainLatency(true) + 1);
  const free = await simulate(chain.app, PROFILE, { rate: 50, arrivals: 'constant', sessions: 200 });
  expect(Object.values(free.functions).map((f) => f.throttles)).toEqual([0, 0, 0]);
});

describe('a Map over the session input (examples/map-join: Start, EachItem over $, Gather, Collect)', () => {
  let mapJoin: Awaited<ReturnType<typeof synthExample>>;
  beforeAll(async () => {
    mapJoin = await synthExample('map-join');
  });

  test.each([1, 64, 65, 10_000])('%d items: that many item invocations and one join per session', async (n) => {
    const input = Array.from({ length: n }, (_, i) => i);
    const s = await simulate(mapJoin.app, PROFILE, { rate: 0.01, arrivals: 'constant', sessions: 2, input });
    expect(s.sessions.succeeded).toBe(2);
    expect(s.functions.Start.invocations).toBe(2);
    expect(s.functions.Identity.invocations).toBe(2 * n);
    // The join fires once: its continuation invokes Collect once per session.
    expect(s.functions.Collect.invocations).toBe(2);
    // Sharded counters: no key takes much more than sqrt(n) writes (one shard's arrivals, or the root's shard completions, plus the claim).
    const bound = n <= 64 ? n + 1 : Math.ceil(Math.sqrt(n)) + 1;
    expect(s.hottestKey.writesPerSecond).toBeLessThanOrEqual(bound);
    expect(s.hottestKey.key).toMatch(/^join Gather (shard \d+|root) \(session \d\)$/);
  });

  test('a Map whose itemsPath selects nothing is refused with the map named', async () => {
    await expect(simulate(mapJoin.app, PROFILE, { rate: 1, sessions: 1, input: { no: 'array' } })).rejects
      .toThrow(/map 'EachItem': itemsPath \$ does not select an array/);
  });
});

test('the runtime\'s function outputs come from the profile: a Map fans out over the array it names', async () => {
  const app = synthWorkflow('Fan', (stack) => Chain.start(fn(stack, 'Split'))
    .next(new UnumMap(stack, 'Each', { itemsPath: '$.parts' }).itemProcessor(fn(stack, 'Work')))
    .next(new FanIn(stack, 'Join')).next(fn(stack, 'Merge')));
  const s = await simulate(app.app, { functions: { Split: { output: { parts: [1, 2, 3, 4, 5, 6, 7] } } } }, { rate: 1, sessions: 3, input: null });
  expect(s.functions.Work.invocations).toBe(21);
  expect(s.functions.Merge.invocations).toBe(3);
});

test('a payload above the threshold travels through S3: a PUT by the writer, a GET by the reader', async () => {
  const big = 'x'.repeat(300 * 1024);
  const s = await simulate(chain.app, { ...PROFILE, s3: { putSeconds: 0.05, getSeconds: 0.04 } }, { rate: 0.01, sessions: 1, input: big });
  // A spills the session input; A, B and C each spill their checkpoint; A and B the input they send on (C ends the session).
  expect(s.perSession.s3Puts).toBe(6);
  expect(s.perSession.s3Gets).toBe(2);
});

describe('a Choice (examples/hello-bye: Greet, HelloOrBye on $.greeting, Hello or Bye, World)', () => {
  let helloBye: Awaited<ReturnType<typeof synthExample>>;
  beforeAll(async () => {
    helloBye = await synthExample('hello-bye');
  });

  test('evaluated on the simulated value by the runtime\'s conditions: the input routes every session', async () => {
    const s = await simulate(helloBye.app, PROFILE, { rate: 1, sessions: 20, input: { greeting: 'bye' } });
    expect([s.functions.Hello.invocations, s.functions.Bye.invocations, s.functions.World.invocations]).toEqual([0, 20, 20]);
    expect(s.criticalPath.steps.map((st) => st.node)).toEqual(['Greet', 'Bye', 'World']);
  });

  test('a value no rule matches takes otherwise, here a Fail state, which fails the session', async () => {
    const s = await simulate(helloBye.app, PROFILE, { rate: 1, sessions: 3, input: { greeting: 'hi' } });
    expect(s.sessions.failed).toBe(3);
    expect(s.sessions.firstError).toBe('Fail state UnknownGreeting: UnknownGreeting: the greeting must be "hello" or "bye"');
  });

  test('with branch probabilities in the profile, drawn from the seed', async () => {
    const weighted = { ...PROFILE, choices: { HelloOrBye: [0.25, 0.75, 0] } };
    const s = await simulate(helloBye.app, weighted, { rate: 1, sessions: 2000, input: null, seed: 5 });
    expect(s.sessions.succeeded).toBe(2000);
    expect(s.functions.Hello.invocations + s.functions.Bye.invocations).toBe(2000);
    expect(s.functions.Hello.invocations / 2000).toBeCloseTo(0.25, 1);
  });
});

test('a failing user code is retried per the node\'s Retry (in the invocation when it fits), billed as user runs', async () => {
  const app = synthWorkflow('Flaky', (stack) => Chain.start(fn(stack, 'Try').addRetry({ maxAttempts: 5, interval: Duration.seconds(1), backoffRate: 1 })).next(fn(stack, 'After')));
  const flaky = { ...PROFILE, functions: { ...PROFILE.functions, Try: { failureRate: 0.5 } } };
  const s = await simulate(app.app, flaky, { rate: 1, sessions: 400, seed: 2 });
  // Six attempts at 1/2 each: about 1/64 of the sessions fail for good.
  expect(s.sessions.failed).toBeGreaterThan(0);
  expect(s.sessions.failed).toBeLessThan(400 * 0.05);
  expect(s.functions.Try.invocations).toBe(400);
  // Each retry waits its 1 s interval inside the invocation: the median session retried at least once.
  expect(s.latency.p95).toBeGreaterThan(1);
});

test('DAG joins after a Choice (examples/ci-pipeline): the branch not taken is skipped and both joins fire once per session', async () => {
  const ci = await synthExample('ci-pipeline');
  const input = JSON.parse(readFileSync(join(ROOT, 'examples', 'ci-pipeline', 'input.json'), 'utf8'));
  for (const strict of [true, false]) {
    const s = await simulate(ci.app, PROFILE, { rate: 2, sessions: 30, input: { ...input, strict } });
    expect(s.sessions.succeeded).toBe(30);
    expect([s.functions.TypeCheck.invocations, s.functions.QuickCheck.invocations]).toEqual(strict ? [30, 0] : [0, 30]);
    // Publish follows ReadyToShip, Report follows AllDone: once each per session.
    expect([s.functions.Publish.invocations, s.functions.Report.invocations]).toEqual([30, 30]);
  }
});

test('a Map with MaxConcurrency keeps at most that many items running; each arrival issues the next item', async () => {
  const app = synthWorkflow('Bounded', (stack) => Chain.start(fn(stack, 'List'))
    .next(new UnumMap(stack, 'Each', { itemsPath: '$', maxConcurrency: 3 }).itemProcessor(fn(stack, 'Item')))
    .next(new FanIn(stack, 'Join')).next(fn(stack, 'Done')));
  const s = await simulate(app.app, PROFILE, { rate: 1, sessions: 1, input: Array.from({ length: 10 }, (_, i) => i) });
  expect(s.sessions.succeeded).toBe(1);
  expect(s.functions.Item.invocations).toBe(10);
  expect(s.functions.Item.peakConcurrency).toBe(3);
  expect(s.functions.Done.invocations).toBe(1);
});

test('window joins across Map items (examples/fold) are simulated: each chunk\'s Rebase after its window, then the fold once', async () => {
  const fold = await synthExample('fold');
  const input = JSON.parse(readFileSync(join(ROOT, 'examples', 'fold', 'input.json'), 'utf8'));
  const chunks = input.chunks.length;
  const s = await simulate(fold.app, PROFILE, { rate: 1, sessions: 3, input });
  expect(s.sessions).toEqual({ started: 3, succeeded: 3, failed: 0 });
  // One Rebase per chunk (the first chunk's window has no previous chunk, and still fires), then the fold once.
  expect([s.functions.Encode.invocations, s.functions.Rebase.invocations, s.functions.FoldInOrder.invocations]).toEqual([3 * chunks, 3 * chunks, 3]);
  // The critical path runs through a window: Split, an Encode, a Rebase, the fold.
  expect(s.criticalPath.steps.map((step) => step.node)).toEqual(expect.arrayContaining(['Split', 'Encode', 'Rebase', 'FoldInOrder']));
});

describe('a Parallel\'s or Map\'s own Retry, Catch and tolerated failures', () => {
  const caught = synthWorkflow('Caught', (stack) => Chain.start(fn(stack, 'Start'))
    .next(new Parallel(stack, 'Both').branch(fn(stack, 'L'), fn(stack, 'R'))
      .addRetry({ maxAttempts: 2, interval: Duration.seconds(1), backoffRate: 1 })
      .addCatch(fn(stack, 'Sorry')))
    .next(fn(stack, 'After')));

  test('a branch that fails for good runs every branch again per the Retry, then goes to the Catch handler', async () => {
    const s = await simulate(caught.app, { ...PROFILE, functions: { ...PROFILE.functions, L: { failureRate: 1 } } }, { rate: 1, sessions: 5 });
    expect(s.sessions).toEqual({ started: 5, succeeded: 5, failed: 0 });
    // The first attempt and two retries, each running both branches; the handler once, the Parallel's next never.
    const counts = ['L', 'R', 'Sorry', 'After'].map((node) => s.functions[node].invocations);
    expect(counts).toEqual([15, 15, 5, 0]);
    // Two 1 s intervals, slept by the function that fanned out.
    expect(s.latency.p50).toBeGreaterThan(2);
  });

  test('a branch that succeeds on a retry of the whole Parallel continues after it', async () => {
    const flaky = { ...PROFILE, functions: { ...PROFILE.functions, L: { failureRate: 0.5 } } };
    const s = await simulate(caught.app, flaky, { rate: 1, sessions: 200, seed: 3 });
    expect(s.sessions.succeeded).toBe(200);
    // Every session reaches After or Sorry once: a failure of all three attempts (about 1 in 8) goes to the handler.
    expect(s.functions.After.invocations + s.functions.Sorry.invocations).toBe(200);
    expect(s.functions.Sorry.invocations).toBeGreaterThan(5);
    expect(s.functions.Sorry.invocations).toBeLessThan(50);
    expect(s.functions.R.invocations).toBeGreaterThan(200);
  });

  test('a Map within its tolerated failures joins the failed items; beyond it the Map fails with States.ExceedToleratedFailureThreshold', async () => {
    const tolerant = synthWorkflow('Tolerant', (stack) => Chain.start(fn(stack, 'List'))
      .next(new UnumMap(stack, 'Each', { itemsPath: '$', toleratedFailureCount: 2 }).itemProcessor(fn(stack, 'Item')))
      .next(new FanIn(stack, 'Join')).next(fn(stack, 'Done')));
    const input = Array.from({ length: 10 }, (_, i) => i);
    const profile = { ...PROFILE, functions: { ...PROFILE.functions, Item: { failureRate: 0.2 } } };
    const s = await simulate(tolerant.app, profile, { rate: 1, sessions: 300, input, seed: 5 });
    expect(s.sessions.succeeded + s.sessions.failed).toBe(300);
    // P(at most 2 of 10 fail) at 0.2 is about 0.68.
    expect(s.sessions.succeeded / 300).toBeGreaterThan(0.55);
    expect(s.sessions.succeeded / 300).toBeLessThan(0.8);
    expect(s.functions.Done.invocations).toBe(s.sessions.succeeded);
    expect(s.functions.Item.invocations).toBe(3000);
    expect(s.sessions.firstError).toMatch(/Item: the user code failed/);
  });
});

test('user code longer than its function\'s timeout fails with States.Timeout at the timeout, which Retry and Catch take', async () => {
  const slow = synthWorkflow('TimedOut', (stack) => Chain.start(fn(stack, 'Start'))
    .next(new UnumFunction(stack, 'Slow', { code: lambda.Code.fromInline('x'), handler: 'index.handler', timeout: Duration.seconds(10) })
      .addRetry({ errors: ['States.Timeout'], maxAttempts: 1, interval: Duration.seconds(1) })
      .addCatch(fn(stack, 'TooSlow'), { errors: ['States.Timeout'] }))
    .next(fn(stack, 'After')));
  const s = await simulate(slow.app, { ...PROFILE, functions: { ...PROFILE.functions, Slow: { durationSeconds: 30 } } }, { rate: 1, sessions: 2 });
  expect(s.sessions).toEqual({ started: 2, succeeded: 2, failed: 0 });
  // The first attempt ends at its budget (10 s less the runtime's 0.5 s margin); the retry is a new invocation, caught in turn.
  expect(['Slow', 'TooSlow', 'After'].map((node) => s.functions[node].invocations)).toEqual([4, 2, 0]);
  expect(s.latency.p50).toBeGreaterThan(2 * 9.5 + 1);
  expect(s.latency.p50).toBeLessThan(2 * 9.5 + 1 + 1);
});

describe('JSONPath data flow on the simulated values, as the runtime applies it', () => {
  // Split's result goes to $.parts of its input; the Map reads it, shapes each item from the context object and
  // places the joined list at $.results; a Pass counts it and a Choice routes on the count.
  const shaped = synthWorkflow('Shaped', (stack) => Chain.start(fn(stack, 'Split').configureDataFlow({ resultPath: '$.parts' }))
    .next(new UnumMap(stack, 'Each', {
      itemsPath: '$.parts',
      itemSelector: { index: JsonPath.mapItemIndex, value: JsonPath.mapItemValue, owner: JsonPath.stringAt('$.owner') },
      resultPath: '$.results',
    }).itemProcessor(fn(stack, 'Work')))
    .next(new FanIn(stack, 'Join'))
    .next(new Pass(stack, 'Count', {
      parameters: { n: JsonPath.arrayLength(JsonPath.listAt('$.results')), first: JsonPath.objectAt('$.results[0]'), who: JsonPath.executionInput },
    }))
    .next(new Choice(stack, 'Enough')
      .when(Condition.and(Condition.numberEquals('$.n', 4), Condition.numberEquals('$.first.index', 0), Condition.numberEquals('$.first.value', 10),
        Condition.stringEquals('$.first.owner', 'ada'), Condition.stringEquals('$.who.owner', 'ada')), fn(stack, 'Done'))
      .otherwise(new Fail(stack, 'Short', { error: 'Short' }))));
  const profile = { ...PROFILE, functions: { ...PROFILE.functions, Split: { output: [10, 20, 30, 40] } } };

  test('ResultPath, ItemsPath, an ItemSelector with $$.Map.Item and an intrinsic route every session as the runtime would', async () => {
    const s = await simulate(shaped.app, profile, { rate: 1, sessions: 3, input: { owner: 'ada' } });
    expect(s.sessions).toEqual({ started: 3, succeeded: 3, failed: 0 });
    expect(['Work', 'Done'].map((node) => s.functions[node].invocations)).toEqual([12, 3]);
  });

  test('the session record is read once by the invocation whose flow reads $$.Execution.Input', async () => {
    const plain = synthWorkflow('ShapedPlain', (stack) => Chain.start(fn(stack, 'Split').configureDataFlow({ resultPath: '$.parts' }))
      .next(new UnumMap(stack, 'Each', { itemsPath: '$.parts', resultPath: '$.results' }).itemProcessor(fn(stack, 'Work')))
      .next(new FanIn(stack, 'Join'))
      .next(new Pass(stack, 'Count', { parameters: { n: JsonPath.arrayLength(JsonPath.listAt('$.results')) } }))
      .next(new Choice(stack, 'Enough')
        .when(Condition.numberEquals('$.n', 4), fn(stack, 'Done'))
        .otherwise(new Fail(stack, 'Short', { error: 'Short' }))));
    const a = await simulate(shaped.app, profile, { rate: 1, sessions: 2, input: { owner: 'ada' } });
    const b = await simulate(plain.app, profile, { rate: 1, sessions: 2, input: { owner: 'ada' } });
    // Count reads Execution.Input: one GetItem of the session record (the ItemSelector reads only Map.Item, built in memory).
    expect(a.perSession.dynamodbRequests - b.perSession.dynamodbRequests).toBe(1);
  });

  test('a data-flow error is States.Runtime and fails the session, naming the field', async () => {
    const s = await simulate(shaped.app, profile, { rate: 1, sessions: 2, input: 'not an object' });
    expect(s.sessions.failed).toBe(2);
    expect(s.sessions.firstError).toMatch(/ResultPath/);
    expect(s.functions.Work.invocations).toBe(0);
  });

  test('another count takes the Choice\'s otherwise, as the values decide', async () => {
    const three = { ...profile, functions: { ...profile.functions, Split: { output: [10, 20, 30] } } };
    const s = await simulate(shaped.app, three, { rate: 1, sessions: 2, input: { owner: 'ada' } });
    expect(s.sessions.failed).toBe(2);
    expect(s.sessions.firstError).toBe('Fail state Short: Short');
  });
});

describe('a Wait on a SecondsPath waits as long as the simulated value says', () => {
  const waiting = synthWorkflow('WaitOnPath', (stack) => Chain.start(fn(stack, 'A'))
    .next(new Wait(stack, 'Pause', { time: WaitTime.secondsPath('$.delay') })).next(fn(stack, 'B')));
  const latency = (input: unknown) => simulate(waiting.app, PROFILE, { rate: 1, arrivals: 'constant', sessions: 1, input });

  test('the value\'s seconds are added to the session (a fixed Wait of the same length takes as long)', async () => {
    const fixed = synthWorkflow('WaitFixed', (stack) => Chain.start(fn(stack, 'A'))
      .next(new Wait(stack, 'Pause', { time: WaitTime.duration(Duration.seconds(30)) })).next(fn(stack, 'B')));
    const zero = await latency({ delay: 0 });
    const thirty = await latency({ delay: 30 });
    expect(zero.sessions.succeeded).toBe(1);
    expect(thirty.latency.p50 - zero.latency.p50).toBeCloseTo(30, 6);
    const same = await simulate(fixed.app, PROFILE, { rate: 1, arrivals: 'constant', sessions: 1, input: { delay: 30 } });
    expect(same.latency.p50).toBeCloseTo(thirty.latency.p50, 6);
  });

  test('a value that is not a whole number of seconds fails the session with States.Runtime, naming the path', async () => {
    const bad = await latency({ delay: 'soon' });
    expect(bad.sessions.failed).toBe(1);
    expect(bad.sessions.firstError).toContain('SecondsPath $.delay must select a non-negative integer number of seconds (it selects "soon")');
    expect(bad.functions.B.invocations).toBe(0);
  });
});

describe('eager cleanup (eagerCleanup): the runtime marks what it writes and collects it when the session succeeds', () => {
  const eager = synthWorkflow('Chain3Eager', (stack) => Chain.start(fn(stack, 'A')).next(fn(stack, 'B')).next(fn(stack, 'C')), { eagerCleanup: true });

  test('a chain: one marker put before each checkpoint, then eight partition queries and one batch of deletes after the session ended', async () => {
    const kept = await simulate(chain.app, PROFILE, { rate: 0.01, arrivals: 'constant', sessions: 3 });
    const cleaned = await simulate(eager.app, PROFILE, { rate: 0.01, arrivals: 'constant', sessions: 3 });
    // Three markers; eight Queries; the three checkpoints and their markers deleted in one BatchWriteItem.
    expect(cleaned.perSession.dynamodbRequests - kept.perSession.dynamodbRequests).toBe(3 + 8 + 1);
    expect(cleaned.perSession.writeUnits - kept.perSession.writeUnits).toBe(3 + 6);
    expect(cleaned.perSession.readUnits - kept.perSession.readUnits).toBe(8);
    // Each marker put precedes its checkpoint; the collection runs after the session ended.
    expect(cleaned.latency.p50 - kept.latency.p50).toBeCloseTo(3 * PROFILE.dynamodb.putSeconds, 9);
    expect(cleaned.costPerMillionSessions.lambdaGbSeconds).toBeGreaterThan(kept.costPerMillionSessions.lambdaGbSeconds!);
  });

  test('a Map: the arrival that completes the join marks its shards, root and list', async () => {
    const cleaned = synthWorkflow('MapEager', (stack) => Chain.start(fn(stack, 'Start'))
      .next(new UnumMap(stack, 'Each', { itemsPath: '$' }).itemProcessor(fn(stack, 'Item')))
      .next(new FanIn(stack, 'Join')).next(fn(stack, 'Done')), { eagerCleanup: true });
    const plain = synthWorkflow('MapPlain', (stack) => Chain.start(fn(stack, 'Start'))
      .next(new UnumMap(stack, 'Each', { itemsPath: '$' }).itemProcessor(fn(stack, 'Item')))
      .next(new FanIn(stack, 'Join')).next(fn(stack, 'Done')));
    const input = Array.from({ length: 30 }, (_, i) => i);
    const [a, b] = await Promise.all([plain, cleaned].map((w) => simulate(w.app, PROFILE, { rate: 0.01, arrivals: 'constant', sessions: 1, input })));
    // 32 checkpoint markers (Start, 30 items, Done) and one join marker; 8 Queries; 33 markers + 32 checkpoints
    // + 1 shard, the root and the list checkpoint = 68 items: three BatchWriteItems.
    expect(b.perSession.dynamodbRequests - a.perSession.dynamodbRequests).toBe(33 + 8 + 3);
  });
});
