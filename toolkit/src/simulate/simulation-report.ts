import { lineChart } from './svg-chart';
import { WorkflowSimulation } from './workflow-simulation';
import { WorkflowSummary } from './workflow-summary';
import { escapeHtml as escapeXml } from '../report/html';

/**
 * `unum simulate --report file.html`: one self-contained page (no script, nothing from the network) with, per
 * workflow, the summary the terminal prints and four plots: the latency CDF of the succeeded sessions, busy and
 * alive instances per function over time (Lambda execution environments, or a cluster's containers), and cold
 * starts per function over time.
 */

/** What an instance is called on each platform the summary names. */
const INSTANCES: Record<WorkflowSummary['platform'], { plural: string; model: string }> = {
  lambda: { plural: 'execution environments', model: 'the Lambda model' },
  engine: { plural: 'execution environments', model: 'the local engine\'s model (Lambda\'s, with its concurrency limit)' },
  cluster: { plural: 'containers', model: 'a cluster (WRENCH\'s serverless compute service)' },
};

/** What the report plots of one workflow, read from its simulation (the platform kept time series). */
export interface WorkflowPlots {
  readonly summary: WorkflowSummary;
  /** Seconds, sorted, of the succeeded sessions. */
  readonly latencies: readonly number[];
  readonly binSeconds: number;
  readonly functions: ReadonlyArray<{
    readonly node: string;
    readonly running: readonly number[];
    readonly instances: readonly number[];
    readonly coldStarts: readonly number[];
  }>;
}

/** A CDF drawn with at most this many points: quantiles of the sorted latencies beyond it. */
const CDF_POINTS = 500;

export function workflowPlots(model: WorkflowSimulation, summary: WorkflowSummary): WorkflowPlots {
  const latencies = model.sessions.filter((s) => s.status === 'SUCCEEDED').map((s) => s.end! - s.start).sort((a, b) => a - b);
  const functions = [...model.workflow.byNode.keys()].map((node) => {
    const series = model.platform.series(node);
    if (series === undefined) throw new Error('workflowPlots: run the simulation with seriesBinSeconds');
    return { node, running: series.running, instances: series.instances, coldStarts: series.coldStarts };
  });
  const binSeconds = model.platform.series(functions[0]?.node ?? '')?.binSeconds ?? 1;
  return { summary, latencies, binSeconds, functions };
}

/** A bin width giving about 200 bins over the simulated time the options ask for (sessions run a little past it). */
export function reportBinSeconds(options: { rate: number; sessions?: number; duration?: number }): number {
  const seconds = options.duration ?? (options.sessions ?? 100) / options.rate;
  return Math.max(0.001, Number((seconds / 200).toPrecision(2)));
}

function cdf(latencies: readonly number[]): Array<[number, number]> {
  const n = latencies.length;
  if (n === 0) return [];
  const points: Array<[number, number]> = [[0, 0]];
  const take = Math.min(n, CDF_POINTS);
  for (let k = 1; k <= take; k++) {
    const i = Math.ceil((k / take) * n) - 1;
    points.push([latencies[i] * 1000, (i + 1) / n]);
  }
  return points;
}

function overTime(plots: WorkflowPlots, pick: (f: WorkflowPlots['functions'][number]) => readonly number[]) {
  return plots.functions.map((f) => ({ name: f.node, points: pick(f).map((v, i): [number, number] => [i * plots.binSeconds, v]) }));
}

function summaryTable(s: WorkflowSummary): string {
  const ms = (x: number) => `${(x * 1000).toFixed(1)} ms`;
  const usd = (x: number) => `$${x.toFixed(2)}`;
  const c = s.costPerMillionSessions;
  const rows: Array<[string, string]> = [
    ['sessions', `${s.sessions.started} at ${s.rate}/s (${s.arrivals}), seed ${s.seed}: ${s.sessions.succeeded} succeeded, ${s.sessions.failed} failed`],
    ['latency', `p50 ${ms(s.latency.p50)}, p95 ${ms(s.latency.p95)}, p99 ${ms(s.latency.p99)}, mean ${ms(s.latency.mean)}`],
    ['critical path (median session)', s.criticalPath.steps.map((st) => `${st.node} @${ms(st.admitted)}${st.init > 0 ? ' (cold)' : ''}`).join(' → ')],
    ['per session', `${s.perSession.invocations} invocations, ${s.perSession.storeRequests} store requests, ${s.perSession.readUnits} RCU, ${s.perSession.writeUnits} WCU`],
    ['hottest partition key', `${s.hottestKey.key}, ${s.hottestKey.writesPerSecond} writes/s`],
    ['$ per 1M sessions', c.stepFunctionsStandard === undefined ? `${usd(c.total)} (DynamoDB and S3 only: a cluster's own cost is not modelled)`
      : `${usd(c.total)}; Step Functions Standard ${usd(c.stepFunctionsStandard)}, Express ${usd(c.stepFunctionsExpress!)}`],
  ];
  const fnRows = Object.entries(s.functions).map(([node, f]) => `<tr><td>${escapeXml(node)}</td><td>${f.invocations}</td><td>${f.coldStarts}</td>`
    + `<td>${f.throttles}</td><td>${f.peakConcurrency}</td><td>${f.averageConcurrency.toFixed(3)}</td></tr>`);
  return [
    '<table class="summary">', ...rows.map(([k, v]) => `<tr><th>${escapeXml(k)}</th><td>${escapeXml(v)}</td></tr>`), '</table>',
    '<table class="functions"><tr><th>function</th><th>invocations</th><th>cold starts</th><th>throttles</th><th>peak concurrency</th><th>average concurrency</th></tr>',
    ...fnRows, '</table>',
  ].join('\n');
}

function section(p: WorkflowPlots): string {
  const instances = INSTANCES[p.summary.platform].plural;
  return [
    `<section class="workflow" data-workflow="${escapeXml(p.summary.workflow)}">`,
    `<h2>${escapeXml(p.summary.workflow)}</h2>`,
    summaryTable(p.summary),
    lineChart({ title: 'Session latency (CDF of succeeded sessions)', xLabel: 'latency (ms)', yLabel: 'fraction of sessions', series: [{ name: 'sessions', points: cdf(p.latencies) }], steps: true, yMax: 1 }),
    lineChart({ title: `Concurrency: busy ${instances}`, xLabel: 'simulated time (s)', yLabel: `${instances} (bin average)`, series: overTime(p, (f) => f.running) }),
    lineChart({ title: `Instances: ${instances} alive`, xLabel: 'simulated time (s)', yLabel: `${instances} (bin average)`, series: overTime(p, (f) => f.instances) }),
    lineChart({ title: `Cold starts per ${p.binSeconds} s`, xLabel: 'simulated time (s)', yLabel: 'cold starts', series: overTime(p, (f) => f.coldStarts), steps: true }),
    '</section>',
  ].join('\n');
}

const CSS = `body{font:14px system-ui,sans-serif;margin:24px;color:#111}h1{font-size:20px}h2{font-size:17px;margin-top:32px}
table{border-collapse:collapse;margin:8px 0 16px}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
table.functions td{text-align:right}table.functions td:first-child{text-align:left}
svg.unum-chart{width:640px;max-width:100%;display:block;margin:12px 0}.grid{stroke:#e5e7eb}.tick,.legend{font-size:11px;fill:#374151}
.axis{font-size:12px;fill:#111}.title{font-size:13px;font-weight:600;fill:#111}`;

/** The platform models the workflows ran on (one, since `unum simulate` takes one --platform). */
function models(plots: readonly WorkflowPlots[]): string {
  const names = [...new Set(plots.map((p) => INSTANCES[p.summary.platform].model))];
  return names.length > 0 ? names.join(', ') : INSTANCES.lambda.model;
}

export function simulationReportHtml(plots: readonly WorkflowPlots[]): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    // Nothing runs and nothing loads: the plots are inline SVG.
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>cdk-unum: unum simulate report</title>',
    `<style>${CSS}</style>`,
    '</head><body>',
    `<h1>unum simulate: predicted behaviour on ${escapeXml(models(plots))}</h1>`,
    ...plots.map(section),
    '</body></html>',
    '',
  ].join('\n');
}
