import { writeFileSync } from 'fs';
import { resolve } from 'path';
import { parseTimestamp } from 'cdk-unum/lib/protocol/states';
import { LocalApp, UsageError } from '../local/assembly';
import { loadPlatform } from '../simulate/platform-file';
import { DEFAULT_PROFILE, loadProfile } from '../simulate/profile';
import { reportBinSeconds, simulationReportHtml, workflowPlots, WorkflowPlots } from '../simulate/simulation-report';
import { simWorkflow } from '../simulate/workflow-config';
import { ArrivalProcess, runWorkflow, SimulatedPlatform, WorkflowRunOptions } from '../simulate/workflow-run';
import { formatSummary, summarize, WorkflowSummary } from '../simulate/workflow-summary';

/** The options of `unum simulate` as parsed by main.ts (strings, as parseArgs gives them). */
export interface SimulateValues {
  readonly workflow?: string;
  readonly rate?: string;
  readonly arrivals?: string;
  readonly sessions?: string;
  readonly duration?: string;
  readonly platform?: string;
  /** --platform-file: the cluster of --platform cluster (JSON, or YAML by its extension). */
  readonly platformFile?: string;
  readonly profile?: string;
  readonly seed?: string;
  /** --start-time: the calendar date of simulated time 0, RFC 3339. */
  readonly startTime?: string;
  readonly json?: boolean;
  /** Write the HTML report (figures and plots) to this file. */
  readonly report?: string;
}

/** What main.ts lends: the assembly (same options as `unum run`) and the input (same forms as `unum run --input`). */
export interface SimulateDeps {
  readonly cwd: string;
  readonly obtainApp: () => Promise<{ app: LocalApp; cleanup: () => void }>;
  readonly input: () => Promise<unknown>;
  readonly stdout: { write(chunk: string): unknown };
  /** Where the "report written" line goes (stdout stays the figures, JSON with --json). */
  readonly stderr?: { write(chunk: string): unknown };
}

function positive(value: string | undefined, flag: string, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${flag} must be ${integer ? 'a whole number' : 'a number'} greater than 0 (got ${JSON.stringify(value)})`);
  }
  return n;
}

/** Checks every option before anything is synthesized, so a bad option fails fast and names itself. */
export function simulateOptions(values: SimulateValues): Omit<WorkflowRunOptions, 'input'> {
  const platform = values.platform ?? 'lambda';
  if (platform !== 'lambda' && platform !== 'cluster' && platform !== 'engine') {
    throw new UsageError(`--platform must be lambda, cluster or engine (got ${JSON.stringify(platform)})`);
  }
  if (platform === 'cluster' && values.platformFile === undefined) throw new UsageError('--platform cluster needs --platform-file <file> describing the cluster');
  if (platform !== 'cluster' && values.platformFile !== undefined) throw new UsageError('--platform-file describes a cluster: pass --platform cluster with it');
  const arrivals = values.arrivals ?? 'poisson';
  if (arrivals !== 'poisson' && arrivals !== 'constant') throw new UsageError(`--arrivals must be poisson or constant (got ${JSON.stringify(arrivals)})`);
  const rate = positive(values.rate, '--rate', false) ?? 1;
  const sessions = positive(values.sessions, '--sessions', true);
  const duration = positive(values.duration, '--duration', false);
  if (sessions !== undefined && duration !== undefined) throw new UsageError('pass either --sessions or --duration, not both');
  const seedValue = values.seed ?? '1';
  const seed = Number(seedValue);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a whole number >= 0 (got ${JSON.stringify(seedValue)})`);
  if (values.report !== undefined && !/\.html?$/i.test(values.report)) throw new UsageError(`--report writes an HTML page: give a file ending in .html (got ${JSON.stringify(values.report)})`);
  const startTime = values.startTime === undefined ? undefined : parseTimestamp(values.startTime);
  if (values.startTime !== undefined && startTime === undefined) {
    throw new UsageError(`--start-time must be an RFC 3339 timestamp such as 2026-01-01T00:00:00Z (got ${JSON.stringify(values.startTime)})`);
  }
  const runs = {
    rate, arrivals: arrivals as ArrivalProcess, sessions: duration === undefined ? sessions ?? 100 : undefined, duration, seed, startTime,
  };
  const chosen = platform === 'engine' ? { ...runs, platform: 'engine' as SimulatedPlatform } : runs;
  return values.report === undefined ? chosen : { ...chosen, seriesBinSeconds: reportBinSeconds(chosen) };
}

/** `unum simulate`: each workflow of the app (or the one --workflow names) on the Lambda model or a cluster; exit 0. */
export async function simulateCommand(values: SimulateValues, deps: SimulateDeps): Promise<number> {
  const options = simulateOptions(values);
  const profile = values.profile === undefined ? DEFAULT_PROFILE : loadProfile(resolve(deps.cwd, values.profile));
  const cluster = values.platformFile === undefined ? undefined : loadPlatform(resolve(deps.cwd, values.platformFile));
  const input = await deps.input();
  const { app, cleanup } = await deps.obtainApp();
  try {
    const workflows = values.workflow === undefined ? app.workflows : app.workflows.filter((w) => w.name === values.workflow);
    if (workflows.length === 0) {
      throw new UsageError(values.workflow === undefined ? 'no cdk-unum workflow in the app: define an UnumWorkflow in one of its stacks'
        : `no workflow named ${JSON.stringify(values.workflow)} (the app has ${app.workflows.map((w) => w.name).join(', ')})`);
    }
    const summaries: WorkflowSummary[] = [];
    const plots: WorkflowPlots[] = [];
    for (const w of workflows) {
      const { sim, model } = await runWorkflow(simWorkflow(w), profile, { ...options, input, cluster });
      const summary = summarize(model, sim, profile, options);
      summaries.push(summary);
      if (values.report !== undefined) plots.push(workflowPlots(model, summary));
    }
    if (values.report !== undefined) {
      const file = resolve(deps.cwd, values.report);
      writeFileSync(file, simulationReportHtml(plots));
      deps.stderr?.write(`unum: report written to ${file}\n`);
    }
    if (values.json) deps.stdout.write(`${JSON.stringify(summaries, null, 2)}\n`);
    else deps.stdout.write(summaries.map(formatSummary).join('\n'));
    return 0;
  } finally {
    cleanup();
  }
}
