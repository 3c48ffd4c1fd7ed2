import { join } from 'path';
import { startEngine, synthApp } from './support';
import { LocalEngine } from '../../toolkit/src/local/engine';
import { testPython } from '../support/python';

/**
 * Fail's ErrorPath/CausePath and Wait's SecondsPath/Timestamp/TimestampPath
 * (test/engine/apps/states.ts) through the engine, each after a Node.js and
 * after a Python function: the runtime of the function before the state
 * evaluates it on that function's output.
 */
let engine: LocalEngine;

beforeAll(async () => {
  const app = await synthApp(join(__dirname, 'apps', 'states.ts'));
  engine = await startEngine(app, { python: testPython(), concurrency: 4 });
}, 300_000);
afterAll(async () => engine?.stop());

describe.each(['node', 'py'])('after a %s function', (lang) => {
  test('Fail reads its error and cause from the input (the Step Functions guide example)', async () => {
    const r = await engine.run({ workflow: `${lang}failpath`, input: { Error: 'ErrorA', Cause: 'Invalid response.' } });
    expect(r.status).toBe('FAILED');
    expect(r.error).toMatchObject({ node: `${lang}Rejected`, error: 'ErrorA', cause: 'Invalid response.' });
  });

  test('an ErrorPath that selects no string fails the session with States.Runtime, naming the Fail', async () => {
    const r = await engine.run({ workflow: `${lang}failpath`, input: { Error: 7 } });
    expect(r.status).toBe('FAILED');
    expect(r.error).toMatchObject({
      error: 'States.Runtime', cause: `fail '${lang}Rejected': ErrorPath $.Error must select a string in the Fail state's input (it selects a number)`,
    });
  });

  test('SecondsPath: the wait is read from the input, then the next function runs once', async () => {
    const r = await engine.run({ workflow: `${lang}secondspath`, input: { wait: 1, n: 3 } });
    expect(r.status).toBe('SUCCEEDED');
    expect(r.result).toEqual({ wait: 1, n: 3 });
    expect(r.commits).toEqual({ [`${lang}Before|0`]: 1, [`${lang}After|0`]: 1 });
  });

  test.each([
    [-1, 'must select a non-negative integer number of seconds (it selects -1)'],
    [2.5, 'must select a non-negative integer number of seconds (it selects 2.5)'],
    ['5', 'must select a non-negative integer number of seconds (it selects "5")'],
    [100_000_000, 'selects 100000000 seconds, more than the longest wait (99999999 s)'],
  ])('SecondsPath selecting %p fails the session with States.Runtime before the next function', async (wait, message) => {
    const r = await engine.run({ workflow: `${lang}secondspath`, input: { wait } });
    expect(r.status).toBe('FAILED');
    expect(r.error).toMatchObject({ error: 'States.Runtime', cause: `wait '${lang}Pause': SecondsPath $.wait ${message}` });
    expect(Object.keys(r.commits)).toEqual([`${lang}Before|0`]);
  });

  test('TimestampPath: a past instant continues at once; a value that is not RFC 3339 fails with States.Runtime', async () => {
    const ok = await engine.run({ workflow: `${lang}timestamppath`, input: { at: '2024-08-18T17:33:00Z' } });
    expect(ok.status).toBe('SUCCEEDED');
    expect(ok.result).toEqual({ at: '2024-08-18T17:33:00Z' });
    const bad = await engine.run({ workflow: `${lang}timestamppath`, input: { at: '2024-08-18 17:33' } });
    expect(bad.status).toBe('FAILED');
    expect(bad.error).toMatchObject({
      error: 'States.Runtime', cause: `wait '${lang}Until': TimestampPath $.at "2024-08-18 17:33" is not an RFC 3339 timestamp such as 2024-08-18T17:33:00Z`,
    });
  });

  test('a fixed Timestamp (the Wait guide example, in the past) continues with the value', async () => {
    const r = await engine.run({ workflow: `${lang}timestamp`, input: { n: 1 } });
    expect(r.status).toBe('SUCCEEDED');
    expect(r.result).toEqual({ n: 1 });
  });
});
