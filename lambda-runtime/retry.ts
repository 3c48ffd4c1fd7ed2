import { CatchRule, ERROR_ALL, ERROR_TASK_FAILED, ERROR_TIMEOUT, RETRY_SLEEP_MARGIN_MS, RetryRule } from '../src/protocol';

/** Step Functions' error matching: by name, States.ALL any, States.TaskFailed any but States.Timeout. */
export function matches(errors: readonly string[], name: string): boolean {
  return errors.some((e) => e === name || e === ERROR_ALL || (e === ERROR_TASK_FAILED && name !== ERROR_TIMEOUT));
}

/**
 * The delay before retry number `attempt + 1`, or undefined when the first
 * matching rule is exhausted (or none matches). One attempt counter per
 * instance (Step Functions keeps one per retrier; they differ only when
 * different errors alternate).
 */
export function retryDelayMs(rules: readonly RetryRule[], name: string, attempt: number, random = Math.random): number | undefined {
  const rule = rules.find((r) => matches(r.errors, name));
  if (rule === undefined || attempt >= rule.maxAttempts) return undefined;
  let seconds = rule.intervalSeconds * rule.backoffRate ** attempt;
  if (rule.maxDelaySeconds !== undefined) seconds = Math.min(seconds, rule.maxDelaySeconds);
  if (rule.jitter === 'FULL') seconds *= random();
  return Math.round(seconds * 1000);
}

/**
 * How an invocation with `remainingMs` left honours a retry's deadline:
 * sleep `sleepMs`, then make the attempt here, or (`here` false: the wait
 * and the margin for the attempt's bookkeeping do not fit) re-invoke the
 * function with the deadline, having slept what this invocation can spare
 * so the fresh one keeps more of its time for the attempt itself.
 */
export function retryWait(deadline: number, now: number, remainingMs: number): { sleepMs: number; here: boolean } {
  const left = Math.max(0, deadline - now);
  if (left === 0 || left + RETRY_SLEEP_MARGIN_MS < remainingMs) return { sleepMs: left, here: true };
  return { sleepMs: Math.max(0, Math.min(left, remainingMs - RETRY_SLEEP_MARGIN_MS)), here: false };
}

export function findCatch(rules: readonly CatchRule[], name: string): number {
  return rules.findIndex((r) => matches(r.errors, name));
}

/** The name retry/catch rules match: a thrown Error's name (a plain `Error` counts as 'Error'). */
export function errorName(e: unknown): string {
  if (e instanceof Error) return e.name || 'Error';
  if (e !== null && typeof e === 'object' && typeof (e as { name?: unknown }).name === 'string') return (e as { name: string }).name;
  return 'Error';
}

export function errorCause(e: unknown): string {
  if (e instanceof Error) return e.message;
  try {
    return typeof e === 'string' ? e : JSON.stringify(e);
  } catch {
    return String(e);
  }
}
