import { randomBytes } from 'crypto';
import { formatTraceHeader, parseTraceHeader } from 'cdk-unum/lib/protocol/trace';

/**
 * X-Ray trace propagation as Lambda does it, for the local engine. Lambda
 * takes the trace header of an Invoke call (the SDKs inside a function copy
 * their invocation's `_X_AMZN_TRACE_ID` into it), starts a new trace when
 * there is none and the function's tracing is Active, and hands the result
 * to the function as `_X_AMZN_TRACE_ID` for that one invocation. An
 * asynchronous event keeps the header it was accepted with, through its
 * retries, so a workflow's successors continue their caller's trace.
 */

/** A function's TracingConfig.Mode (PassThrough when the template sets none). */
export type TracingMode = 'Active' | 'PassThrough';

/** `1-<epoch seconds, 8 hex digits>-<96 random bits, 24 hex digits>`. */
const TRACE_ROOT = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;

export function tracingModeOf(tracingConfig: { Mode?: unknown } | undefined): TracingMode {
  return tracingConfig?.Mode === 'Active' ? 'Active' : 'PassThrough';
}

/** A new X-Ray trace id, in the format X-Ray accepts. */
export function newTraceRoot(nowMs = Date.now()): string {
  const seconds = Math.floor(nowMs / 1000).toString(16).padStart(8, '0');
  return `1-${seconds}-${randomBytes(12).toString('hex')}`;
}

/**
 * The `_X_AMZN_TRACE_ID` of an invocation, from the trace header of the
 * Invoke call (if any): its trace continues (an Active function records a
 * segment of its own, the new Parent, and samples a trace nobody decided
 * on); without one, an Active function starts a sampled trace and a
 * PassThrough one is not traced. A header without a well-formed Root is
 * treated as none.
 */
export function invocationTraceHeader(incoming: string | undefined, mode: TracingMode): string | undefined {
  const t = parseTraceHeader(incoming);
  const active = mode === 'Active';
  if (t.root === undefined || !TRACE_ROOT.test(t.root)) {
    return active ? formatTraceHeader({ root: newTraceRoot(), parent: newSegmentId(), sampled: '1' }) : undefined;
  }
  if (!active) return formatTraceHeader(t);
  return formatTraceHeader({ root: t.root, parent: newSegmentId(), sampled: t.sampled === '0' ? '0' : '1' });
}

/** A segment id: 64 random bits in 16 hex digits. */
function newSegmentId(): string {
  return randomBytes(8).toString('hex');
}
