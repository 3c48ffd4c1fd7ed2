import { SessionDescription } from '../client';
import { formatDelivered } from './destinations-endpoint';
import { SessionReport } from './engine';
import { instanceLegend } from './instance-legend';
import { previewJson } from './json-preview';
import { LogBook, readableLogLine } from './run-logs';
import { PLAIN, Style } from './terminal-style';
import { formatTimeline } from './timeline-summary';

/** Text rendering of engine reports for the terminal. */

/** Lines of the result shown when it is cut to a screenful; the rest of the report needs about this many more. */
const REPORT_CHROME = 16;
const LOG_LINES = 20;

export interface ReportOptions {
  /** The functions' log lines of the run; the failed instances' are shown. */
  readonly logs?: LogBook;
  readonly style?: Style;
  /** Screen rows the result should fit in; undefined prints all of it (`--full`). */
  readonly screenRows?: number;
}

export function formatReport(r: SessionReport, options: ReportOptions = {}): string {
  const style = options.style ?? PLAIN;
  const out: string[] = [];
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  const mark = r.status === 'SUCCEEDED' ? style.ok('✔') : style.bad('✘');
  out.push(`${mark} ${style.bold(r.status === 'RUNNING' ? 'DID NOT FINISH (still RUNNING)' : r.status)}  workflow ${r.workflow}, session ${r.session}, ${seconds(r.durationMs)}`);
  if (r.traceId) out.push(`  X-Ray trace ${r.traceId}`);
  if (r.faults) out.push(`  fault injection: ${describeFaults(r.faults)}`);
  out.push('');
  if (r.status === 'SUCCEEDED') {
    out.push(style.bold('Result:'));
    const preview = previewJson(r.result ?? null, options.screenRows === undefined ? Infinity : Math.max(4, options.screenRows - REPORT_CHROME));
    out.push(...preview.lines.map((l) => `  ${l}`));
    if (preview.omitted > 0) out.push(style.dim(`  … ${preview.omitted} more lines (--full prints the whole result, --json the report as JSON)`));
  } else if (r.status === 'TIMED_OUT' && r.error) {
    out.push(style.bad(`Timed out (${r.error.error}): ${r.error.cause ?? 'the session ran past its timeout'}`));
    out.push(`  found by node '${r.error.node}' (instance ${r.error.instance}); nothing was invoked after it`);
  } else if (r.error) {
    out.push(style.bad(`Failed at node '${r.error.node}' (instance ${r.error.instance}): ${r.error.error}`));
    if (r.error.cause) out.push(indent(r.error.cause));
  } else if (r.status === 'RUNNING' && r.timedOut) {
    out.push('The engine stopped waiting (--timeout) while invocations were still running or queued.');
  } else if (r.status === 'RUNNING') {
    out.push('Every invocation has ended but the session never reached its end: an event was lost (see the on-failure records below).');
  } else {
    out.push(`The session was not created (status ${r.status}): the entry function never ran to its session write.`);
  }
  const others = r.failures.filter((f) => f.instance !== r.error?.instance);
  if (others.length > 0) {
    out.push('', 'Other failures recorded:');
    others.slice(0, 10).forEach((f) => out.push(`  ${f.node} (${f.instance}): ${f.error}${f.cause ? ` — ${f.cause}` : ''}`));
    if (others.length > 10) out.push(`  … ${others.length - 10} more (--json lists them all)`);
  }
  if (r.onFailure.length > 0) {
    out.push('', 'On-failure records (events Lambda gave up on):');
    r.onFailure.forEach((f) => out.push(`  ${f.node ?? f.functionName} (${f.instance}) after ${f.attempts} attempt(s): `
      + `${f.errorType}: ${f.errorMessage}${f.destination ? ` → ${f.destination}` : ''}`));
  }
  out.push(...formatDelivered(r.delivered ?? []));
  out.push('', ...formatTimeline(r.instances, r.durationMs, style));
  const legend = instanceLegend(r.instances.map((t) => t.instance));
  if (legend.length > 0) out.push(...legend.map((l) => style.dim(l)));
  const i = r.invocations;
  out.push('', `Invocations: ${i.total} (${i.cold} cold, ${i.warm} warm), ${i.retries} retries, ${i.duplicates} duplicate deliveries, `
    + `${i.crashes} injected crashes, ${i.timeouts} timeouts, ${i.errors} ended in an error`);
  const summary = failureSummary(r);
  if (summary !== undefined) out.push(style.bad(summary));
  out.push(`Lambda Invoke API: ${r.lambda.event} Event, ${r.lambda.requestResponse} RequestResponse`);
  out.push(`Store requests: ${r.store.total}`);
  out.push(`  DynamoDB: ${formatCounts(r.store.dynamodb)}`);
  out.push(`  S3:       ${formatCounts(r.store.s3)}`);
  const errors = Object.entries(r.store.errors);
  if (errors.length > 0) out.push(`  refused:  ${errors.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const injected = Object.entries(r.injected ?? {});
  if (injected.length > 0) out.push(`Injected service errors: ${injected.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (r.status !== 'SUCCEEDED' && options.logs) out.push(...failedLogs(r, options.logs, style));
  return out.join('\n');
}

/**
 * The failures of the session as the report counts them: a workflow error
 * caught by the runtime is a failed instance and no invocation error, so the
 * invocation counts alone would read `0 errors` under a failure.
 */
function failureSummary(r: SessionReport): string | undefined {
  const failed = new Map<string, string>();
  for (const f of r.failures) failed.set(f.instance, f.node);
  if (r.error && r.status !== 'TIMED_OUT') failed.set(r.error.instance, r.error.node);
  for (const t of r.instances) if (t.outcome === 'failed') failed.set(t.instance, t.node);
  const incomplete = r.instances.filter((t) => t.outcome === 'incomplete').length;
  if (failed.size === 0 && incomplete === 0) return undefined;
  const nodes = [...new Set(failed.values())];
  const parts = [];
  if (failed.size > 0) parts.push(`${failed.size} failed instance(s) at node(s) ${nodes.map((n) => `'${n}'`).join(', ')}`);
  if (incomplete > 0) parts.push(`${incomplete} instance(s) did not finish`);
  return `Failures: ${parts.join(', ')}`;
}

/** The failed instances' own log lines (the function's last lines when none names the instance). */
function failedLogs(r: SessionReport, logs: LogBook, style: Style): string[] {
  const failed = new Map<string, string>();
  if (r.error) failed.set(r.error.instance, r.error.node);
  for (const f of r.failures) failed.set(f.instance, f.node);
  const out: string[] = [];
  for (const [instance, node] of [...failed].slice(0, 3)) {
    const own = logs.of(instance);
    const fn = Object.keys(logs.byFunction).find((name) => name.includes(node));
    const lines = (own.length > 0 ? own : fn === undefined ? [] : logs.byFunction[fn])
      .map(readableLogLine).filter((l): l is string => l !== undefined).slice(-LOG_LINES);
    if (lines.length === 0) continue;
    out.push('', style.bold(`Last log lines of ${instance}${fn ? ` (${fn})` : ''}:`), ...lines.map((l) => `  | ${l}`));
  }
  if (out.length > 0) out.push('', style.dim('(--verbose streams every function\'s log lines to stderr)'));
  return out;
}

export function formatCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return entries.length === 0 ? 'none' : entries.map(([k, v]) => `${k} ${v}`).join(', ');
}

export function formatSession(d: SessionDescription): string {
  const out = [`session ${d.session}: ${d.status}`];
  if (d.workflow) out.push(`  workflow: ${d.workflow}`);
  if (d.startTime) out.push(`  started:  ${d.startTime}`);
  if (d.endTime) out.push(`  ended:    ${d.endTime}`);
  if (d.startTime && d.endTime) out.push(`  duration: ${((Date.parse(d.endTime) - Date.parse(d.startTime)) / 1000).toFixed(2)} s`);
  if (d.traceId) out.push(`  trace:    ${d.traceId}`);
  if (d.deadline) out.push(`  deadline: ${d.deadline} (the workflow's timeout)`);
  if (d.status === 'TIMED_OUT' && d.error) {
    out.push(`  timed out (${d.error.error}), found by node '${d.error.node}' (instance ${d.error.instance})${d.error.cause ? ` — ${d.error.cause}` : ''}`);
  } else if (d.error) {
    out.push(`  failed at node '${d.error.node}' (instance ${d.error.instance}): ${d.error.error}${d.error.cause ? ` — ${d.error.cause}` : ''}`);
  }
  const others = d.failures.filter((f) => f.instance !== d.error?.instance);
  others.forEach((f) => out.push(`  failure: ${f.node} (${f.instance}): ${f.error}${f.cause ? ` — ${f.cause}` : ''}`));
  return out.join('\n');
}

function describeFaults(f: NonNullable<SessionReport['faults']>): string {
  const parts: string[] = [];
  if (f.crashAt) parts.push(`crash at ${f.crashAt} (first invocation of each instance)`);
  if (f.crashRate) parts.push(`crash rate ${f.crashRate}`);
  if (f.duplicateRate) parts.push(`duplicate rate ${f.duplicateRate}`);
  if (f.throttleRate) parts.push(`DynamoDB throttle rate ${f.throttleRate}`);
  if (f.s3ErrorRate) parts.push(`S3 error rate ${f.s3ErrorRate}`);
  if (f.lambdaThrottleRate) parts.push(`Lambda throttle rate ${f.lambdaThrottleRate}`);
  if (f.serviceErrorAttempts) parts.push(`${f.serviceErrorAttempts} failing attempts per chosen call`);
  parts.push(`seed ${f.seed ?? 1}`);
  return parts.join(', ');
}

function indent(text: string): string {
  return text.split('\n').map((l) => `  ${l}`).join('\n');
}
