import { LambdaPlatform } from './lambda-platform';
import { functionProfile, Profile } from './profile';
import { Simulation } from './simulation';
import { WorkflowRunOptions } from './workflow-run';
import { InvocationRecord, SessionRecord, WorkflowSimulation } from './workflow-simulation';
import { PRICES } from '../local/prices';

export interface CriticalStep {
  readonly node: string;
  /** Seconds from the session's start: the Invoke sent, and the handler admitted (after dispatch and throttles). */
  readonly sent: number;
  readonly admitted: number;
  /** Init seconds (0 on a warm environment). */
  readonly init: number;
}

export interface FunctionSummary {
  readonly invocations: number;
  readonly coldStarts: number;
  readonly throttles: number;
  readonly peakConcurrency: number;
  readonly averageConcurrency: number;
  readonly memoryMb: number;
}

export interface WorkflowSummary {
  readonly workflow: string;
  /** The platform model (WorkflowRunOptions.platform, or a cluster's). */
  readonly platform: 'lambda' | 'engine' | 'cluster';
  /** The engine platform's concurrency limit, from the profile. */
  readonly engineConcurrency?: number;
  readonly seed: number;
  readonly rate: number;
  readonly arrivals: string;
  /** `unfinished`: sessions still running when no event was left (a path the model does not complete), shown only when there are any. */
  readonly sessions: {
    readonly started: number; readonly succeeded: number; readonly failed: number; readonly unfinished?: number; readonly firstError?: string;
  };
  /** Seconds, of the succeeded sessions. */
  readonly latency: { readonly p50: number; readonly p95: number; readonly p99: number; readonly mean: number };
  readonly criticalPath: { readonly session: number; readonly latency: number; readonly steps: readonly CriticalStep[] };
  readonly functions: Readonly<Record<string, FunctionSummary>>;
  readonly perSession: {
    readonly invocations: number;
    readonly storeRequests: number;
    readonly dynamodbRequests: number;
    readonly readUnits: number;
    readonly writeUnits: number;
    readonly s3Puts: number;
    readonly s3Gets: number;
    readonly stepFunctionsTransitions: number;
  };
  readonly hottestKey: { readonly key: string; readonly writesPerSecond: number };
  /**
   * Dollars per 1M sessions, us-east-1 on-demand prices of toolkit/src/local/prices.ts. On a cluster only the
   * store's part (DynamoDB and S3) is priced: the cluster's own cost is not modelled, so the Lambda and Step
   * Functions fields are absent and `total` is the store's.
   */
  readonly costPerMillionSessions: {
    readonly lambdaRequests?: number;
    readonly lambdaGbSeconds?: number;
    readonly lambdaInit?: number;
    readonly dynamodb: number;
    readonly s3: number;
    readonly total: number;
    /** The same workflow as a Step Functions state machine calling the same Lambda tasks: transitions (or Express requests and duration) plus the tasks. */
    readonly stepFunctionsStandard?: number;
    readonly stepFunctionsExpress?: number;
  };
  readonly simulated: { readonly events: number; readonly seconds: number };
}

const round = (x: number, digits = 6): number => Number(x.toFixed(digits));
const billed = (s: number): number => Math.ceil(s * 1000 - 1e-9) / 1000;

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

function criticalPath(session: SessionRecord | undefined): WorkflowSummary['criticalPath'] {
  if (session === undefined) return { session: -1, latency: 0, steps: [] };
  const chain: InvocationRecord[] = [];
  for (let inv = session.last; inv !== undefined; inv = inv.parent) chain.push(inv);
  const steps = chain.reverse().map((inv) => ({
    node: inv.node, sent: round(inv.sent - session.start), admitted: round(inv.admitted - session.start), init: round(inv.init),
  }));
  return { session: session.id, latency: round(session.end! - session.start), steps };
}

export function summarize(model: WorkflowSimulation, sim: Simulation, profile: Profile, options: WorkflowRunOptions): WorkflowSummary {
  const sessions = model.sessions;
  const done = sessions.filter((s) => s.status === 'SUCCEEDED');
  const latencies = done.map((s) => s.end! - s.start).sort((a, b) => a - b);
  const byLatency = [...done].sort((a, b) => (a.end! - a.start) - (b.end! - b.start) || a.id - b.id);
  const n = Math.max(1, sessions.length);
  const functions: Record<string, FunctionSummary> = {};
  let invocations = 0;
  for (const fn of model.workflow.byNode.values()) {
    const s = model.platform.stats(fn.node);
    const admitted = s.coldStarts + s.warmStarts;
    invocations += admitted;
    functions[fn.node] = {
      invocations: admitted,
      coldStarts: s.coldStarts,
      throttles: s.throttles,
      peakConcurrency: s.peakRunning,
      averageConcurrency: round(s.averageRunning),
      memoryMb: fn.memoryMb,
    };
  }
  const u = model.usage;
  const transitions = sessions.reduce((a, s) => a + s.transitions, 0);
  const failed = sessions.find((s) => s.status === 'FAILED');
  return {
    workflow: model.workflow.name,
    ...(options.platform === 'engine' ? { platform: 'engine', engineConcurrency: profile.engine?.concurrency } : { platform: model.platform.kind }),
    seed: options.seed ?? 1,
    rate: options.rate,
    arrivals: options.arrivals ?? 'poisson',
    sessions: {
      started: sessions.length,
      succeeded: done.length,
      failed: sessions.filter((s) => s.status === 'FAILED').length,
      ...(model.ended < sessions.length ? { unfinished: sessions.length - model.ended } : {}),
      ...(failed ? { firstError: failed.error } : {}),
    },
    latency: {
      p50: round(percentile(latencies, 0.5)),
      p95: round(percentile(latencies, 0.95)),
      p99: round(percentile(latencies, 0.99)),
      mean: round(latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length)),
    },
    criticalPath: criticalPath(byLatency[Math.floor((byLatency.length - 1) / 2)]),
    functions,
    perSession: {
      invocations: round(invocations / n, 3),
      storeRequests: round((u.dynamodbRequests + u.s3Puts + u.s3Gets) / n, 3),
      dynamodbRequests: round(u.dynamodbRequests / n, 3),
      readUnits: round(u.readUnits / n, 3),
      writeUnits: round(u.writeUnits / n, 3),
      s3Puts: round(u.s3Puts / n, 3),
      s3Gets: round(u.s3Gets / n, 3),
      stepFunctionsTransitions: round(transitions / n, 3),
    },
    hottestKey: u.hottestKey,
    costPerMillionSessions: costPerMillion(model, profile, invocations),
    simulated: { events: sim.processed, seconds: round(sim.now) },
  };
}

/** Dollars per 1M sessions: the store's on any platform; Lambda's and the Step Functions comparison on Lambda only. */
function costPerMillion(model: WorkflowSimulation, profile: Profile, invocations: number): WorkflowSummary['costPerMillionSessions'] {
  const sessions = model.sessions;
  const u = model.usage;
  const M = 1e6 / Math.max(1, sessions.length);
  const store = {
    dynamodb: (u.readUnits * PRICES.dynamodb.perReadUnit + u.writeUnits * PRICES.dynamodb.perWriteUnit) * M,
    s3: (u.s3Puts * PRICES.s3.perPutRequest + u.s3Gets * PRICES.s3.perGetRequest) * M,
  };
  const platform = model.platform;
  if (!(platform instanceof LambdaPlatform)) {
    return { dynamodb: round(store.dynamodb, 4), s3: round(store.s3, 4), total: round(store.dynamodb + store.s3, 4) };
  }
  let gbSeconds = 0; let initGbSeconds = 0; let taskGbSeconds = 0; let userRuns = 0;
  for (const fn of model.workflow.byNode.values()) {
    const s = platform.stats(fn.node);
    gbSeconds += s.billedDurationGbSeconds;
    initGbSeconds += s.billedInitGbSeconds;
    const runs = model.counters.get(fn.node)!.userRuns;
    userRuns += runs;
    taskGbSeconds += runs * billed(functionProfile(profile, fn.node).durationSeconds ?? 0) * (fn.memoryMb / 1024);
  }
  const lambda = PRICES.lambda;
  const sfn = PRICES.stepFunctions;
  const transitions = sessions.reduce((a, s) => a + s.transitions, 0);
  const cost = {
    lambdaRequests: invocations * lambda.perRequest * M,
    lambdaGbSeconds: gbSeconds * lambda.perGbSecond * M,
    lambdaInit: initGbSeconds * lambda.perGbSecond * M,
    ...store,
  };
  // Under Step Functions the tasks still run on Lambda (their user code only, same init) and the state machine bills the orchestration.
  const tasks = (userRuns * lambda.perRequest + (taskGbSeconds + initGbSeconds) * lambda.perGbSecond) * M;
  const expressSeconds = sessions.reduce((a, s) => a + Math.ceil(((s.end ?? s.start) - s.start) / 0.1 - 1e-9) * 0.1, 0);
  const express = (sessions.length * sfn.expressPerRequest + expressSeconds * sfn.expressMinMemoryGb * sfn.expressPerGbSecond) * M;
  return {
    ...Object.fromEntries(Object.entries(cost).map(([k, v]) => [k, round(v, 4)])) as Record<keyof typeof cost, number>,
    total: round(Object.values(cost).reduce((a, b) => a + b, 0), 4),
    stepFunctionsStandard: round(transitions * sfn.standardPerTransition * M + tasks, 4),
    stepFunctionsExpress: round(express + tasks, 4),
  };
}

const ms = (s: number): string => `${(s * 1000).toFixed(1)} ms`;
const usd = (x: number): string => `$${x.toFixed(2)}`;

/** The summary as the terminal shows it. */
export function formatSummary(s: WorkflowSummary): string {
  const lines: string[] = [];
  const model = { lambda: 'the Lambda model', cluster: 'the cluster model', engine: `the local engine's model (concurrency ${s.engineConcurrency})` }[s.platform];
  lines.push(`workflow ${s.workflow} on ${model}: ${s.sessions.started} sessions at ${s.rate}/s (${s.arrivals}), seed ${s.seed}`);
  const unfinished = s.sessions.unfinished ? `, ${s.sessions.unfinished} unfinished (the model left them running: a bug to report)` : '';
  lines.push(`  sessions: ${s.sessions.succeeded} succeeded, ${s.sessions.failed} failed${s.sessions.firstError ? ` (first: ${s.sessions.firstError})` : ''}${unfinished}`);
  lines.push(`  latency: p50 ${ms(s.latency.p50)}  p95 ${ms(s.latency.p95)}  p99 ${ms(s.latency.p99)}  mean ${ms(s.latency.mean)}`);
  const path = s.criticalPath.steps.map((st) => `${st.node} @${ms(st.admitted)}${st.init > 0 ? ` (cold ${ms(st.init)})` : ''}`).join(' → ');
  lines.push(`  critical path of the median session (${ms(s.criticalPath.latency)}): ${path} → end`);
  lines.push('  function          invocations  cold  throttles  peak conc.  avg conc.');
  for (const [node, f] of Object.entries(s.functions)) {
    lines.push(`  ${node.padEnd(16)}  ${String(f.invocations).padStart(11)}  ${String(f.coldStarts).padStart(4)}  ${String(f.throttles).padStart(9)}  `
      + `${String(f.peakConcurrency).padStart(10)}  ${f.averageConcurrency.toFixed(3).padStart(9)}`);
  }
  const p = s.perSession;
  lines.push(`  per session: ${p.invocations} invocations, ${p.storeRequests} store requests (${p.dynamodbRequests} DynamoDB, ${p.s3Puts} S3 PUT, ${p.s3Gets} S3 GET), `
    + `${p.readUnits} RCU, ${p.writeUnits} WCU`);
  lines.push(`  hottest partition key: ${s.hottestKey.key}, ${s.hottestKey.writesPerSecond} writes/s`);
  const c = s.costPerMillionSessions;
  if (s.platform === 'cluster') {
    lines.push(`  $ per 1M sessions: DynamoDB ${usd(c.dynamodb)}, S3 ${usd(c.s3)} (the store only: dollars are not modelled for a cluster)`);
  } else {
    lines.push(`  $ per 1M sessions: ${usd(c.total)} (Lambda requests ${usd(c.lambdaRequests!)}, GB-s ${usd(c.lambdaGbSeconds!)}, init ${usd(c.lambdaInit!)}, `
      + `DynamoDB ${usd(c.dynamodb)}, S3 ${usd(c.s3)}); Step Functions Standard ${usd(c.stepFunctionsStandard!)}, Express ${usd(c.stepFunctionsExpress!)}`);
  }
  return `${lines.join('\n')}\n`;
}
