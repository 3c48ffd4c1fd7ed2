import { join } from 'path';
import { App } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { metricsApp, MetricsWorkflow } from './apps/metrics';
import { startEngine, synthApp } from './support';
import { METRIC_DIMENSION, METRIC_NAMESPACE, MetricDefinition, NODE_METRICS, WORKFLOW_METRICS } from '../../src/protocol';
import { LocalApp } from '../../toolkit/src/local/assembly';
import { Chaos } from '../../toolkit/src/local/chaos';
import { LocalEngine, SessionReport } from '../../toolkit/src/local/engine';
import { testPython } from '../support/python';

/**
 * The runtimes' CloudWatch Embedded Metric Format lines, as the sandboxes
 * write them on stdout (the function's log stream in Lambda), summed for
 * known runs of test/engine/apps/metrics.ts: Items → Map of 10 over Work
 * (item 3 throws an error a Catch sends to Recover, item 7 fails once and a
 * Retry runs it again, item 5's output spills to S3) → FanIn → Total. The
 * same numbers from the Node.js and the Python runtime. Then every metric
 * the constructs' metric methods offer is checked against the lines, and
 * every metric in the lines against the methods.
 */

interface EmfDirective {
  readonly Namespace: string;
  readonly Dimensions: string[][];
  readonly Metrics: { Name: string; Unit: string }[];
}
type EmfLine = Record<string, unknown> & { _aws: { Timestamp: number; CloudWatchMetrics: EmfDirective[] } };

/** One metric's values in one line, with the dimensions they were written under. */
interface Datum {
  readonly name: string;
  readonly unit: string;
  readonly namespace: string;
  readonly dimensions: Record<string, string>;
  readonly values: number[];
}

const ITEMS = 10;
/** A duplicate per this many deliveries is rare enough that a seed choosing exactly one is found among the first few hundred. */
const DUPLICATE_RATE = 0.05;

function parseEmf(line: string): EmfLine | undefined {
  if (!line.startsWith('{') || !line.includes('"_aws"')) return undefined;
  return JSON.parse(line) as EmfLine;
}

function data(line: EmfLine): Datum[] {
  return line._aws.CloudWatchMetrics.flatMap((d) => d.Metrics.map((m) => {
    expect(d.Dimensions).toHaveLength(1);
    const value = line[m.Name] as number | number[];
    return {
      name: m.Name,
      unit: m.Unit,
      namespace: d.Namespace,
      dimensions: Object.fromEntries(d.Dimensions[0].map((k) => [k, String(line[k])])),
      values: Array.isArray(value) ? value : [value],
    };
  }));
}

/** Per metric (`Name` or `Name/Node`): counts summed, durations as the number of values (never their size: no wall clock). */
function totals(lines: EmfLine[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of lines.flatMap(data)) {
    const key = d.dimensions[METRIC_DIMENSION.NODE] === undefined ? d.name : `${d.name}/${d.dimensions[METRIC_DIMENSION.NODE]}`;
    out[key] = (out[key] ?? 0) + (d.unit === 'Count' ? d.values.reduce((a, b) => a + b, 0) : d.values.length);
  }
  return out;
}

/** A seed for which the engine delivers the event to `target` twice and every other delivery of the session once. */
function seedDuplicating(target: string, deliveries: Record<string, number>): number {
  for (let seed = 1; seed < 10_000; seed++) {
    const chaos = new Chaos({ duplicateRate: DUPLICATE_RATE, seed });
    const chosen = Object.entries(deliveries).flatMap(([instance, n]) => Array.from({ length: n }, (_, i) => [instance, i] as const))
      .filter(([instance, i]) => chaos.duplicate(instance, i));
    if (chosen.length === 1 && chosen[0][0] === target && chosen[0][1] === 0) return seed;
  }
  throw new Error(`no seed duplicates only ${target}`);
}

let app: LocalApp;
let engine: LocalEngine;
const lines: { fn: string; line: string }[] = [];

beforeAll(async () => {
  app = await synthApp(join(__dirname, 'apps', 'metrics.ts'));
  // One invocation at a time: the duplicate runs after the delivery it copies, so it finds the checkpoint.
  engine = await startEngine(app, { python: testPython(), concurrency: 1, onLog: (fn, line) => lines.push({ fn, line }) });
}, 300_000);
afterAll(async () => engine?.stop());

/** The EMF lines of one session (the session id is a property of each line, never a dimension). */
function sessionLines(report: SessionReport): EmfLine[] {
  return lines.map((l) => parseEmf(l.line)).filter((l): l is EmfLine => l !== undefined && l.session === report.session);
}

/** A run, once the sandboxes' output has been read: a line is written before the invocation answers, on another pipe. */
async function run(workflow: string, count: number, faults = {}): Promise<SessionReport> {
  const report = await engine.run({ workflow, input: { count }, faults });
  await new Promise((r) => setImmediate(r));
  return report;
}

describe.each(['node', 'python'])('the %s runtime', (rt) => {
  const node = (name: string) => `${rt}${name}`;
  const emitted: EmfLine[] = [];
  let clean: SessionReport;

  test('a Map of 10 with one caught error and one retry: exact totals per workflow and node', async () => {
    clean = await run(rt, ITEMS);
    expect({ status: clean.status, result: clean.result }).toEqual({ status: 'SUCCEEDED', result: ITEMS });
    const own = sessionLines(clean);
    emitted.push(...own);
    const t = totals(own);
    // JoinsFired: the last arrival fires the join, from Work or from Recover (item 3's branch), whichever came last.
    const fired = (t[`JoinsFired/${node('Work')}`] ?? 0) + (t[`JoinsFired/${node('Recover')}`] ?? 0);
    expect(fired).toBe(1);
    delete t[`JoinsFired/${node('Work')}`];
    delete t[`JoinsFired/${node('Recover')}`];
    expect(t).toEqual({
      SessionsStarted: 1,
      SessionsSucceeded: 1,
      SessionDuration: 1,
      [`Invocations/${node('Items')}`]: 1,
      [`UserCodeDuration/${node('Items')}`]: 1,
      // The retry of item 7 runs in the same invocation (its interval fits): 10 invocations, 11 attempts.
      [`Invocations/${node('Work')}`]: ITEMS,
      [`UserCodeDuration/${node('Work')}`]: ITEMS + 1,
      // Item 3 (caught) and item 7's first attempt (retried).
      [`UserErrors/${node('Work')}`]: 2,
      [`Retries/${node('Work')}`]: 1,
      // Item 5's output, above the 1 KiB threshold, is written to S3 once.
      [`PayloadsSpilled/${node('Work')}`]: 1,
      [`JoinArrivals/${node('Work')}`]: ITEMS - 1,
      [`Invocations/${node('Recover')}`]: 1,
      [`UserCodeDuration/${node('Recover')}`]: 1,
      [`JoinArrivals/${node('Recover')}`]: 1,
      [`Invocations/${node('Total')}`]: 1,
      [`UserCodeDuration/${node('Total')}`]: 1,
    });
    // One line per invocation, each naming its workflow, node and session.
    expect(own).toHaveLength(clean.invocations.total);
    expect(new Set(own.map((l) => l.Workflow))).toEqual(new Set([rt]));
  }, 120_000);

  test('the same run with the fan-in\'s event delivered twice: one duplicate delivery, nothing else counted twice', async () => {
    const deliveries = Object.fromEntries(clean.instances.map((i) => [i.instance, i.invocations]));
    const target = `${node('Total')}|0`;
    expect(deliveries[target]).toBe(1);
    const r = await run(rt, ITEMS, { duplicateRate: DUPLICATE_RATE, seed: seedDuplicating(target, deliveries) });
    expect({ status: r.status, result: r.result, duplicates: r.invocations.duplicates }).toEqual({ status: 'SUCCEEDED', result: ITEMS, duplicates: 1 });
    const own = sessionLines(r);
    emitted.push(...own);
    const t = totals(own);
    expect(t).toMatchObject({
      SessionsStarted: 1,
      // The duplicate's egress finds the session ended: not a second success, not a second duration.
      SessionsSucceeded: 1,
      SessionDuration: 1,
      [`Invocations/${node('Work')}`]: ITEMS,
      [`UserErrors/${node('Work')}`]: 2,
      [`Retries/${node('Work')}`]: 1,
      [`PayloadsSpilled/${node('Work')}`]: 1,
      // Invocations counts every delivery, the duplicate's too; its user code did not run again.
      [`Invocations/${node('Total')}`]: 2,
      [`DuplicateDeliveries/${node('Total')}`]: 1,
      [`UserCodeDuration/${node('Total')}`]: 1,
    });
    const sum = (metric: string) => (t[`${metric}/${node('Work')}`] ?? 0) + (t[`${metric}/${node('Recover')}`] ?? 0);
    expect({ arrivals: sum('JoinArrivals'), fired: sum('JoinsFired') }).toEqual({ arrivals: ITEMS, fired: 1 });
    expect(Object.keys(t).filter((k) => k.startsWith('DuplicateDeliveries'))).toEqual([`DuplicateDeliveries/${node('Total')}`]);
  }, 120_000);

  test('a Map with an error nothing handles: the session counted failed once, with its duration, and not succeeded', async () => {
    const r = await run(rt, ITEMS + 1);
    expect({ status: r.status, error: r.error?.error }).toEqual({ status: 'FAILED', error: 'Fatal' });
    const own = sessionLines(r);
    emitted.push(...own);
    const t = totals(own);
    expect(t).toMatchObject({ SessionsStarted: 1, SessionsFailed: 1, SessionDuration: 1, [`UserErrors/${node('Work')}`]: 3 });
    expect(t.SessionsSucceeded).toBeUndefined();
    // No join fires: one of the 11 branches never arrives.
    expect(Object.keys(t).filter((k) => k.startsWith('JoinsFired'))).toEqual([]);
  }, 120_000);

  test('every metric a metric method offers is in the lines under its name, namespace and dimensions, and every metric in the lines has a method', () => {
    const constructs: MetricsWorkflow = metricsApp(new App())[rt as 'node' | 'python'];
    const written = emitted.flatMap(data);
    const key = (name: string, namespace: string, dims: Record<string, string>) =>
      `${namespace} ${name} ${Object.entries(dims).sort().map(([k, v]) => `${k}=${v}`).join(',')}`;
    const writtenKeys = new Set(written.map((d) => key(d.name, d.namespace, d.dimensions)));
    const offered = [
      ...metricMethods(constructs.workflow).map((m) => ({ method: `UnumWorkflow.${m.method}`, metric: m.metric })),
      ...constructs.functions.flatMap((fn) => metricMethods(fn).map((m) => ({ method: `${fn.node.id}.${m.method}`, metric: m.metric }))),
    ];
    const offeredKeys = new Map(offered.map((o) => [key(o.metric.metricName, o.metric.namespace, o.metric.dimensions ?? {}), o]));
    // Each method, with the metric of some node of the workflow: a node that never retries writes no Retries.
    const byMethod = new Map<string, boolean>();
    for (const [k, o] of offeredKeys) {
      const method = o.method.replace(/^[^.]+\./, '');
      byMethod.set(method, (byMethod.get(method) ?? false) || writtenKeys.has(k));
    }
    const missing = [...byMethod].filter(([, found]) => !found).map(([m]) => m);
    // SessionsTimedOut is written when a session times out (the workflow timeout); its line is unit-tested in test/runtime/metrics.test.ts.
    expect(missing).toEqual(['metricSessionsTimedOut']);
    expect([...writtenKeys].filter((k) => !offeredKeys.has(k))).toEqual([]);
    // Units as src/protocol/metrics.ts defines them, and the methods' statistic from the unit.
    const definitions: Record<string, MetricDefinition> = Object.fromEntries(
      [...Object.values(WORKFLOW_METRICS), ...Object.values(NODE_METRICS)].map((d) => [d.name, d]));
    for (const d of written) {
      expect({ name: d.name, namespace: d.namespace, unit: d.unit })
        .toEqual({ name: d.name, namespace: METRIC_NAMESPACE, unit: definitions[d.name].unit });
    }
    for (const o of offered) {
      expect({ method: o.method, statistic: o.metric.statistic })
        .toEqual({ method: o.method, statistic: definitions[o.metric.metricName].unit === 'Count' ? 'Sum' : 'Average' });
    }
    // Both directions cover every definition: the methods offer each metric the protocol defines.
    expect(new Set(offered.map((o) => o.metric.metricName))).toEqual(new Set(Object.keys(definitions)));
  });
});

/** The `metricX()` methods of a construct (not `metric(name)`), called with no options. */
function metricMethods(construct: object): { method: string; metric: cloudwatch.Metric }[] {
  const names = new Set<string>();
  for (let p = Object.getPrototypeOf(construct); p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    // Methods only: a private getter such as UnumFunction's metricWorkflowName is no metric.
    Object.getOwnPropertyNames(p).filter((n) => /^metric[A-Z]/.test(n) && typeof Object.getOwnPropertyDescriptor(p, n)?.value === 'function')
      .forEach((n) => names.add(n));
  }
  return [...names].sort().map((method) => ({ method, metric: (construct as Record<string, () => cloudwatch.Metric>)[method]() }));
}
