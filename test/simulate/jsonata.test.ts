import { jsonataShape, simulate, synthWorkflow } from './workflow-support';
import { Chain, Fail, Wait, WaitTime } from '../../src';
import { SIMULATED_EPOCH_MS } from '../../toolkit/src/simulate/workflow-run';
import { fn } from '../support/shapes';

/**
 * JSONata states in the simulator: their expressions are evaluated on the
 * simulated values with the protocol's own evaluator, the variables they
 * assign go on with the session, and what they compute decides the shape of
 * the session (how wide a Map fans out, which way a Choice goes, how long a
 * Wait lasts), as in the runtime.
 */
const PROFILE = {
  lambda: { invokeSeconds: 0.011, dispatchSeconds: 0.023, runtimeOverheadSeconds: 0.003 },
  dynamodb: { getSeconds: 0.0041, putSeconds: 0.0062, updateSeconds: 0.0073, batchGetSeconds: 0.009 },
  functions: { '*': { durationSeconds: 0.05 } },
};
const ONE = { rate: 1, arrivals: 'constant' as const, sessions: 1 };

const shaped = synthWorkflow('JsonataShape', jsonataShape);

describe('a JSONata workflow: Items, ItemSelector, outputs, assign, a Choice condition and a Wait computed from variables', () => {
  test('five items summing to 15 fan out five wide, pass the limit of 10 and wait 50 s before Big', async () => {
    const s = await simulate(shaped.app, PROFILE, { ...ONE, input: { xs: [1, 2, 3, 4, 5] } });
    expect(s.sessions).toEqual({ started: 1, succeeded: 1, failed: 0 });
    expect(s.functions.Item.invocations).toBe(5);
    expect(s.functions.Big.invocations).toBe(1);
    expect(s.functions.Small.invocations).toBe(0);
    const few = await simulate(shaped.app, PROFILE, { ...ONE, input: { xs: [2, 3, 4, 5] } });
    expect(few.functions.Big.invocations).toBe(1);
    // Ten seconds per item: a fifth item adds 10 s of waiting; its item runs beside the others, into the same join shard.
    expect(s.latency.p50 - few.latency.p50).toBeCloseTo(10, 6);
  });

  test('two items summing to 3 go to Small with no wait', async () => {
    const s = await simulate(shaped.app, PROFILE, { ...ONE, input: { xs: [1, 2] } });
    expect(s.sessions.succeeded).toBe(1);
    expect(s.functions.Item.invocations).toBe(2);
    expect(s.functions.Small.invocations).toBe(1);
    expect(s.functions.Big.invocations).toBe(0);
    expect(s.latency.p50).toBeLessThan(5);
  });

  test('an expression with no value fails the session with States.QueryEvaluationError, naming the state and the field', async () => {
    const s = await simulate(shaped.app, PROFILE, { ...ONE, input: { ys: [1] } });
    expect(s.sessions.failed).toBe(1);
    expect(s.sessions.firstError).toMatch(/Prepare: .*Output\.xs: the JSONata expression '\{% \$states\.input\.xs %\}' returned no value/);
    expect(s.functions.Item.invocations).toBe(0);
  });

  test('a JSONata Fail takes its error and cause from the expressions', async () => {
    const failing = synthWorkflow('JsonataFail', (stack) => Chain.start(fn(stack, 'A'))
      .next(new Fail(stack, 'Stop', { error: '{% "Bad." & $states.input.kind %}', cause: '{% $string($states.input.n) %}' })));
    const s = await simulate(failing.app, PROFILE, { ...ONE, input: { kind: 'Order', n: 7 } });
    expect(s.sessions.failed).toBe(1);
    expect(s.sessions.firstError).toBe('Fail state Stop: Bad.Order: 7');
  });
});

describe('Timestamp waits count from the simulated calendar (startTime, by default 2026-01-01T00:00:00Z)', () => {
  const at = (text: string) => synthWorkflow(`Until${text.replace(/\W/g, '')}`, (stack) => Chain.start(fn(stack, 'A'))
    .next(new Wait(stack, 'Until', { time: WaitTime.timestamp(text) })).next(fn(stack, 'B')));
  const onPath = synthWorkflow('UntilPath', (stack) => Chain.start(fn(stack, 'A'))
    .next(new Wait(stack, 'Until', { time: WaitTime.timestampPath('$.at') })).next(fn(stack, 'B')));

  test('a fixed timestamp ten minutes after the start waits until then; from a later start it does not wait', async () => {
    const soon = at('2026-01-01T00:10:00Z');
    const s = await simulate(soon.app, PROFILE, { ...ONE });
    expect(SIMULATED_EPOCH_MS).toBe(Date.parse('2026-01-01T00:00:00Z'));
    // B starts at 600 s of simulated time: the session ends just after.
    expect(s.latency.p50).toBeGreaterThan(600);
    expect(s.latency.p50).toBeLessThan(601);
    const late = await simulate(soon.app, PROFILE, { ...ONE, startTime: Date.parse('2026-06-01T00:00:00Z') });
    expect(late.latency.p50).toBeLessThan(1);
  });

  test('a TimestampPath reads the simulated value; one that is not a timestamp fails with States.Runtime', async () => {
    const s = await simulate(onPath.app, PROFILE, { ...ONE, input: { at: '2026-01-01T01:00:00+01:00' } });
    // An hour ahead in another zone is the start itself: no wait.
    expect(s.latency.p50).toBeLessThan(1);
    const later = await simulate(onPath.app, PROFILE, { ...ONE, input: { at: '2026-01-01T00:00:30Z' } });
    expect(later.latency.p50).toBeGreaterThan(30);
    const bad = await simulate(onPath.app, PROFILE, { ...ONE, input: { at: 'tomorrow' } });
    expect(bad.sessions.firstError).toContain('TimestampPath $.at "tomorrow" is not an RFC 3339 timestamp');
  });
});
