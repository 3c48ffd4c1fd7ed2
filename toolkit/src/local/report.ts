import { SessionDescription } from '../client';
import { formatDelivered } from './destinations-endpoint';
import { InstanceTimeline, Progress, SessionReport } from './engine';

/** Text rendering of engine reports for the terminal. */

const MAX_ROWS = 200;
const BAR_WIDTH = 32;

export function formatProgress(p: Progress): string {
  return `${(p.elapsedMs / 1000).toFixed(1)}s  instances: ${p.started} started, ${p.finished} finished, `
    + `${p.retrying} retrying, ${p.failed} failed  (${p.running} running, ${p.invocations} invocations)`;
}

export function formatReport(r: SessionReport, options: { logs?: Record<string, string[]> } = {}): string {
  const out: string[] = [];
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  const mark = r.status === 'SUCCEEDED' ? '✔' : '✘';
  out.push(`${mark} ${r.status === 'RUNNING' ? 'DID NOT FINISH (still RUNNING)' : r.status}  workflow ${r.workflow}, session ${r.session}, ${seconds(r.durationMs)}`);
  if (r.traceId) out.push(`  X-Ray trace ${r.traceId}`);
  if (r.faults) out.push(`  fault injection: ${describeFaults(r.faults)}`);
  out.push('');
  if (r.status === 'SUCCEEDED') {
    out.push('Result:');
    out.push(indent(JSON.stringify(r.result, null, 2) ?? 'null'));
  } else if (r.status === 'TIMED_OUT' && r.error) {
    out.push(`Timed out (${r.error.error}): ${r.error.cause ?? 'the session ran past its timeout'}`);
    out.push(`  found by node '${r.error.node}' (instance ${r.error.instance}); nothing was invoked after it`);
  } else if (r.error) {
    out.push(`Failed at node '${r.error.node}' (instance ${r.error.instance}): ${r.error.error}`);
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
    others.forEach((f) => out.push(`  ${f.node} (${f.instance}): ${f.error}${f.cause ? ` — ${f.cause}` : ''}`));
  }
  if (r.onFailure.length > 0) {
    out.push('', 'On-failure records (events Lambda gave up on):');
    r.onFailure.forEach((f) => out.push(`  ${f.node ?? f.functionName} (${f.instance}) after ${f.attempts} attempt(s): `
      + `${f.errorType}: ${f.errorMessage}${f.destination ? ` → ${f.destination}` : ''}`));
  }
  out.push(...formatDelivered(r.delivered ?? []));
  out.push('', ...formatTimeline(r.instances, r.durationMs));
  const i = r.invocations;
  out.push('', `Invocations: ${i.total} (${i.cold} cold, ${i.warm} warm), ${i.retries} retries, ${i.duplicates} duplicate deliveries, `
    + `${i.crashes} injected crashes, ${i.timeouts} timeouts, ${i.errors} errors`);
  out.push(`Lambda Invoke API: ${r.lambda.event} Event, ${r.lambda.requestResponse} RequestResponse`);
  out.push(`Store requests: ${r.store.total}`);
  out.push(`  DynamoDB: ${formatCounts(r.store.dynamodb)}`);
  out.push(`  S3:       ${formatCounts(r.store.s3)}`);
  const errors = Object.entries(r.store.errors);
  if (errors.length > 0) out.push(`  refused:  ${errors.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const injected = Object.entries(r.injected ?? {});
  if (injected.length > 0) out.push(`Injected service errors: ${injected.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (r.status !== 'SUCCEEDED' && options.logs) {
    const failing = r.error?.node;
    for (const [fn, lines] of Object.entries(options.logs)) {
      if (lines.length === 0 || (failing !== undefined && !fn.includes(failing) && !lines.some((l) => l.includes(failing)))) continue;
      out.push('', `Last log lines of ${fn}:`, ...lines.slice(-20).map((l) => `  | ${l}`));
    }
  }
  return out.join('\n');
}

export function formatTimeline(rows: readonly InstanceTimeline[], totalMs: number): string[] {
  const out = ['Timeline (ms from the session start):'];
  const header = ['instance', 'start', 'end', 'duration', 'sandbox', 'invocations', 'retries', 'crashes', 'dups', 'outcome'];
  const shown = rows.slice(0, MAX_ROWS);
  const table = shown.map((t) => [
    t.instance, String(t.startMs), String(t.endMs), String(t.durationMs), t.start, String(t.invocations), String(t.retries),
    String(t.crashes), String(t.duplicates), t.outcome + (t.timeouts ? ` (${t.timeouts} timeouts)` : ''),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...table.map((row) => row[c].length)));
  const line = (cells: string[]): string => cells.map((cell, c) => (c === 0 || c === 9 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  out.push(`  ${line(header)}  ${'|'.padEnd(BAR_WIDTH + 1)}|`);
  const scale = Math.max(totalMs, 1);
  table.forEach((cells, k) => {
    const t = shown[k];
    const from = Math.min(BAR_WIDTH - 1, Math.floor((t.startMs / scale) * BAR_WIDTH));
    const to = Math.max(from + 1, Math.min(BAR_WIDTH, Math.ceil((t.endMs / scale) * BAR_WIDTH)));
    out.push(`  ${line(cells)}  |${' '.repeat(from)}${'█'.repeat(to - from)}${' '.repeat(BAR_WIDTH - to)}|`);
  });
  if (rows.length > MAX_ROWS) out.push(`  … ${rows.length - MAX_ROWS} more instances (--json lists them all)`);
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
