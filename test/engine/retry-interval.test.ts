import { join } from 'path';
import { startEngine, synthApp } from './support';
import { LocalApp } from '../../toolkit/src/local/assembly';
import { LocalEngine } from '../../toolkit/src/local/engine';

/**
 * Retry intervals are honoured: a retry whose interval does not fit in what
 * a slow attempt left of its invocation is handed to a fresh invocation with
 * a deadline, which it waits out before the attempt; one that fits is waited
 * in the invocation. The times compared are those the runtime and the user
 * code logged, never how long the test took.
 */
let app: LocalApp;
let engine: LocalEngine;
const lines: string[] = [];

beforeAll(async () => {
  app = await synthApp(join(__dirname, 'apps', 'retry-later.ts'));
  engine = await startEngine(app, { onLog: (_fn, line) => lines.push(line) });
});
afterAll(async () => engine?.stop());

/** `WORD {json}` lines of the user code, and the runtime's JSON lines with the given message. */
const marks = (word: string) => lines.filter((l) => l.startsWith(`${word} `)).map((l) => JSON.parse(l.slice(word.length + 1)));
const runtimeLines = (message: string) => lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).filter((l) => l.message === message);

beforeEach(() => {
  lines.length = 0;
});

test('a slow attempt hands its retry to a fresh invocation that starts it no earlier than the interval asks', async () => {
  const r = await engine.run({ workflow: 'later', input: 'x' });
  expect({ status: r.status, error: r.error, onFailure: r.onFailure }).toEqual({ status: 'SUCCEEDED', error: undefined, onFailure: [] });
  expect(r.result).toEqual({ input: 'x', attempts: 3 });
  // The user code ran exactly three times: attempts 0, 1, 2.
  const attempts = marks('ATTEMPT');
  const fails = marks('FAIL');
  expect(attempts.map((a) => a.attempt)).toEqual([0, 1, 2]);
  expect(fails.map((f) => f.attempt)).toEqual([0, 1]);
  // Two invocations: the first, and the one re-invoked for attempt 1, which also ran attempt 2 after waiting in it.
  expect(r.invocations).toMatchObject({ total: 2, retries: 1, errors: 0 });
  expect(r.commits).toEqual({ 'Slow|0': 1 });

  const retrying = runtimeLines('user code failed; retrying');
  expect(retrying.map((l) => [l.attempt, l.delayMs])).toEqual([[1, 1000], [2, 2000]]);
  const handedOver = runtimeLines('retry interval does not fit in this invocation: re-invoked to wait for it');
  expect(handedOver.map((l) => [l.attempt, l.notBefore])).toEqual([[1, retrying[0].notBefore]]);
  for (const [i, retry] of retrying.entries()) {
    // The deadline is the interval (with backoff) after the failure, and the next attempt starts no earlier.
    expect(retry.notBefore).toBeGreaterThanOrEqual(fails[i].at + retry.delayMs);
    expect(attempts[i + 1].at).toBeGreaterThanOrEqual(retry.notBefore);
  }
});

test('a handed-over retry that fails too ends the session FAILED after exactly the allowed attempts', async () => {
  const r = await engine.run({ workflow: 'exhausted', input: {} });
  expect(r.status).toBe('FAILED');
  expect(r.error).toMatchObject({ node: 'AlwaysSlow', instance: 'AlwaysSlow|0', error: 'Transient', cause: 'attempt 1 failed' });
  expect(marks('ATTEMPT').map((a) => a.attempt)).toEqual([0, 1]);
  expect(r.invocations).toMatchObject({ total: 2, retries: 1, errors: 0 });
  const [retry] = runtimeLines('user code failed; retrying');
  expect(marks('ATTEMPT')[1].at).toBeGreaterThanOrEqual(retry.notBefore);
  expect(r.onFailure).toEqual([]);
});
