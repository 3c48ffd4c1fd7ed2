import { retryWait } from '../../lambda-runtime/retry';
import { RETRY_SLEEP_MARGIN_MS } from '../../src/protocol';

/** How an invocation honours a retry's deadline, by the time it has left. */
const now = 1_000_000;

test('a deadline that fits with the margin is waited here', () => {
  expect(retryWait(now + 1000, now, 1000 + RETRY_SLEEP_MARGIN_MS + 1)).toEqual({ sleepMs: 1000, here: true });
  expect(retryWait(now + 1000, now, Infinity)).toEqual({ sleepMs: 1000, here: true });
});

test('a deadline already passed runs the attempt at once', () => {
  expect(retryWait(now - 5, now, 10)).toEqual({ sleepMs: 0, here: true });
});

test('a deadline that does not fit: sleep what the invocation can spare, then hand over', () => {
  expect(retryWait(now + 1000, now, 2500)).toEqual({ sleepMs: 500, here: false });
  expect(retryWait(now + 1000, now, 1000 + RETRY_SLEEP_MARGIN_MS)).toEqual({ sleepMs: 1000, here: false });
  // Too little left to sleep at all, or a deadline beyond even a fresh invocation (it hands over again).
  expect(retryWait(now + 1000, now, 1500)).toEqual({ sleepMs: 0, here: false });
  expect(retryWait(now + 60_000, now, 10_000)).toEqual({ sleepMs: 8000, here: false });
});
