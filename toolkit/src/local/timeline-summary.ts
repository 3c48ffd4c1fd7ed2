import type { InstanceTimeline } from './engine';
import { PLAIN, Style } from './terminal-style';

/**
 * The timeline of `unum run`: one row per instance for a small session, one
 * row per node (counts, min/median/max durations) once a fan-out makes the
 * session larger than a screen can list, with that node's failed or
 * unfinished instances named beneath it.
 */

/** Sessions with at most this many instances get one row per instance. */
export const PER_INSTANCE_ROWS = 12;
/** Failed or unfinished instances named under a node's row. */
const NAMED_PROBLEMS = 3;
const BAR_WIDTH = 32;

function bar(startMs: number, endMs: number, totalMs: number): string {
  const scale = Math.max(totalMs, 1);
  const from = Math.min(BAR_WIDTH - 1, Math.floor((startMs / scale) * BAR_WIDTH));
  const to = Math.max(from + 1, Math.min(BAR_WIDTH, Math.ceil((endMs / scale) * BAR_WIDTH)));
  return `|${' '.repeat(from)}${'█'.repeat(to - from)}${' '.repeat(BAR_WIDTH - to)}|`;
}

/** Columns padded to their widest cell; the first and last columns are text (left), the rest figures (right). */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const last = header.length - 1;
  return [header, ...rows].map((cells) => cells.map((cell, c) => (c === 0 || c === last ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
}

function outcomeText(t: InstanceTimeline, style: Style): string {
  const text = t.outcome + (t.timeouts ? ` (${t.timeouts} timeouts)` : '');
  return t.outcome === 'committed' ? text : style.bad(text);
}

function perInstance(rows: readonly InstanceTimeline[], totalMs: number, style: Style): string[] {
  const header = ['instance', 'start', 'end', 'duration', 'sandbox', 'invocations', 'retries', 'crashes', 'dups', 'outcome'];
  const cells = rows.map((t) => [t.instance, String(t.startMs), String(t.endMs), String(t.durationMs), t.start, String(t.invocations),
    String(t.retries), String(t.crashes), String(t.duplicates), t.outcome + (t.timeouts ? ` (${t.timeouts} timeouts)` : '')]);
  const lines = table(header, cells);
  // Painted after padding: escape codes would count as width.
  return [
    `  ${style.dim(lines[0])}  ${style.dim(`|${' '.repeat(BAR_WIDTH)}|`)}`,
    ...rows.map((t, k) => `  ${lines[k + 1].replace(/\S+(?: \(\d+ timeouts\))?\s*$/, (o) => (t.outcome === 'committed' ? o : style.bad(o)))}  ${bar(t.startMs, t.endMs, totalMs)}`),
  ];
}

function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2);
}

function perNode(rows: readonly InstanceTimeline[], totalMs: number, style: Style): string[] {
  const nodes = new Map<string, InstanceTimeline[]>();
  for (const t of rows) nodes.set(t.node, [...(nodes.get(t.node) ?? []), t]);
  const header = ['node', 'instances', 'first start', 'last end', 'duration min/median/max', 'cold/warm', 'retries', 'crashes', 'dups', 'outcome'];
  const groups = [...nodes.entries()];
  const cells = groups.map(([node, ts]) => {
    const durations = ts.map((t) => t.durationMs).sort((a, b) => a - b);
    const outcomes = (['committed', 'failed', 'incomplete'] as const).map((o) => [o, ts.filter((t) => t.outcome === o).length] as const).filter(([, n]) => n > 0);
    const sum = (f: (t: InstanceTimeline) => number): string => String(ts.reduce((a, t) => a + f(t), 0));
    return [node, String(ts.length), String(Math.min(...ts.map((t) => t.startMs))), String(Math.max(...ts.map((t) => t.endMs))),
      `${durations[0]}/${median(durations)}/${durations[durations.length - 1]}`,
      `${ts.filter((t) => t.start === 'cold').length}/${ts.filter((t) => t.start === 'warm').length}`,
      sum((t) => t.retries), sum((t) => t.crashes), sum((t) => t.duplicates), outcomes.map(([o, n]) => `${n} ${o}`).join(', ')];
  });
  const lines = table(header, cells);
  const out = [`  ${style.dim(lines[0])}  ${style.dim(`|${' '.repeat(BAR_WIDTH)}|`)}`];
  groups.forEach(([, ts], k) => {
    const problems = ts.filter((t) => t.outcome !== 'committed');
    const line = problems.length > 0 ? lines[k + 1].replace(/\S.*$/, (o) => style.bad(o)) : lines[k + 1];
    out.push(`  ${line}  ${bar(Math.min(...ts.map((t) => t.startMs)), Math.max(...ts.map((t) => t.endMs)), totalMs)}`);
    for (const t of problems.slice(0, NAMED_PROBLEMS)) {
      out.push(`    ${style.bad('↳')} ${t.instance}: ${outcomeText(t, style)} after ${t.durationMs} ms, ${t.invocations} invocation(s), ${t.retries} retries`);
    }
    if (problems.length > NAMED_PROBLEMS) out.push(`    … ${problems.length - NAMED_PROBLEMS} more not committed (--json lists them all)`);
  });
  return out;
}

export function formatTimeline(rows: readonly InstanceTimeline[], totalMs: number, style: Style = PLAIN): string[] {
  if (rows.length <= PER_INSTANCE_ROWS) return [style.bold('Timeline (ms from the session start):'), ...perInstance(rows, totalMs, style)];
  return [style.bold(`Timeline (ms from the session start; ${rows.length} instances, one row per node):`), ...perNode(rows, totalMs, style)];
}
