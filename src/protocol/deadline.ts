/**
 * The workflow timeout (FunctionConfig.timeoutSeconds, Envelope.deadline,
 * SESSION_ATTR.DEADLINE): when a session's deadline falls, when it has
 * passed, and the cause recorded with States.Timeout. Both runtimes decide
 * with these, so a session times out at the same instant whichever
 * language its functions are written in.
 */

/** The session's deadline in epoch ms: its start plus the workflow's timeout. */
export function workflowDeadline(startMs: number, timeoutSeconds: number): number {
  return startMs + timeoutSeconds * 1000;
}

/** Whether `now` is at or past the deadline; a session without one (undefined) never is. */
export function isPastDeadline(deadline: number | undefined, now: number): boolean {
  return typeof deadline === 'number' && now >= deadline;
}

/** The cause recorded with States.Timeout when a session is TIMED_OUT. */
export function timeoutCause(deadline: number): string {
  return `the session ran past its deadline ${new Date(deadline).toISOString()} (the workflow's timeout)`;
}
