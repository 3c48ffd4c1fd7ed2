#!/usr/bin/env node
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { parseArgs } from 'util';
import { toDot, toMermaid, workflowPicture } from 'cdk-unum/lib/picture';
import { TaskTokenBinding, TaskTokenError, parseTaskToken } from 'cdk-unum/lib/protocol/callback';
import type { CallbackOutcome, SessionDescription } from '../client';
import type { ImportIO } from './import';
import { readWorkflowGraph } from '../graph/read';
import { LocalApp, LocalWorkflow, UsageError, appFromCdkJson, loadAssembly, selectWorkflow, synthesize } from '../local/assembly';
import { faultSteps, validateFaults } from '../local/chaos';
import { formatDelivered, readDeliveredMessages } from '../local/destinations-endpoint';
import type { Progress, SessionReport } from '../local/engine';
import { formatReport, formatSession } from '../local/report';
import { LogBook } from '../local/run-logs';
import { screenRows, styleFor } from '../local/terminal-style';
import { progressDisplay } from './output/progress';
import { candidateStores, readEndedSession, readState } from '../local/session-records';

// Loaded when a command needs them: `unum status` and `unum result` of an ended session answer
// from a file, and must not pay for the SDK clients, the engine or the importers (a second of start-up).
/* eslint-disable @typescript-eslint/no-require-imports */
const engineModule = (): typeof import('../local/engine') => require('../local/engine');
const dataDirModule = (): typeof import('../local/data-dir') => require('../local/data-dir');
const importModule = (): typeof import('./import') => require('./import');
const svgModule = (): typeof import('../graph/svg') => require('../graph/svg');
const reportModule = (): typeof import('./report') => require('./report');
const uiModule = (): typeof import('./ui') => require('./ui');
const simulateModule = (): typeof import('./simulate') => require('./simulate');
const simulateProfileModule = (): typeof import('../simulate/record-profile') => require('../simulate/record-profile');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The `unum` command line: run a workflow of a CDK app locally (no AWS
 * account, no Docker), and read sessions kept in a data directory.
 * Exit codes: 0 success, 1 the session failed, 2 usage or synthesis error.
 */

export interface CliIO {
  readonly stdout: { isTTY?: boolean; rows?: number; write(chunk: string): unknown };
  readonly stderr: { isTTY?: boolean; write(chunk: string): unknown };
  readonly cwd?: string;
  readonly stdin?: () => Promise<string>;
}

const HELP = `unum — run cdk-unum workflows locally

Usage:
  unum run [--app "<cdk app command>" | --assembly <cdk.out>] [--workflow <name>] [--input <json>|@<file>|-] [options]
  unum status [<session>] [--data-dir <dir>] [--workflow <name>] [--json]
  unum result <session> [--data-dir <dir>] [--workflow <name>]
  unum redrive <session> [--app "<cdk app command>" | --assembly <cdk.out>] [--data-dir <dir>] [--workflow <name>] [--json]
  unum callback <token> (--success <json>|@<file>|- | --failure [--error <name>] [--cause <text>] | --heartbeat) [--app … | --assembly …] [--data-dir <dir>] [--json]
  unum simulate [--app "<cdk app command>" | --assembly <cdk.out>] [--workflow <name>] [--rate <n>] [--sessions <n> | --duration <s>] [options]
  unum graph [--app "<cdk app command>" | --assembly <cdk.out>] [--workflow <name>] [--format mermaid|svg|dot] [--out <file>]
  unum report <session> [--data-dir <dir>] [--out <file.html>]
  unum ui [--data-dir <dir>] [--port <n>] [--host <address>] [--allow-run [--app … | --assembly …]]
  unum import <definition.json|unum-template.yaml> [--out <file.ts>]   (unum import --help)
  unum help

unum run synthesizes the app (or reads an existing cloud assembly), starts
DynamoDB Local, an S3-compatible server and a Lambda endpoint on 127.0.0.1,
runs one session to its end in local Lambda sandboxes, and prints the result,
a per-instance timeline and the store requests used.

Run options:
  --app <command>        the CDK app command (default: "app" of ./cdk.json)
  --assembly <dir>       use an existing cloud assembly instead of synthesizing
  --workflow <name>      which workflow, when the app has several
  --input <json>         the session input: JSON text, @file.json, or - for stdin (default: null)
  --session <id>         session id (default: a new UUID)
  --data-dir <dir>       keep the store between runs (for unum status / unum result), e.g. .unum
  --json                 print one machine-readable JSON report on stdout
  --verbose              stream the functions' logs to stderr
  --full                 print the whole result (it is cut to a screenful otherwise)
  --report <file.html>   write the session's report: graph, timeline, instances, store requests and cost, in one HTML file
  --record-profile <file.json>  write the measured user code, init and checkpoint-write times (and fixed outputs) as a profile for unum simulate
  --quiet                no progress display
  --fast-forward         simulated time (alias --skip-time): Waits, retry intervals and schedules pass at once,
                         the trace and the report show the simulated times (a 30-day Wait runs in seconds)
  --concurrency <n>      async invocations running at once (default: twice the CPU cores, at least 4)
  --timeout <seconds>    give up waiting for the session (default 600)
  --crash-at <step>      crash the first invocation of every instance at a runtime step
  --crash-rate <p>       crash invocations with probability p at a random step
  --duplicate-rate <p>   deliver async events twice with probability p
  --throttle-rate <p>    answer DynamoDB requests with ProvisionedThroughputExceededException with probability p
  --s3-error-rate <p>    answer S3 requests with SlowDown (503) or InternalError (500, after it took effect) with probability p
  --lambda-throttle-rate <p>  answer the functions' Lambda Invoke calls with TooManyRequestsException (429) with probability p
  --service-error-attempts <n>  attempts of a chosen SDK call that fail in a row (default 2; the runtime's SDK makes 5)
  --seed <n>             seed of the fault choices (default 1)
  --fault-nodes <a,b>    aim crashes, duplicates and Lambda throttles at these nodes only (default: every node)
  --port <n>             port of the Lambda endpoint (default: any free port)
  --dynamodb-port <n>    port of the DynamoDB endpoint
  --s3-port <n>          port of the S3 endpoint
  --java <path>          the java binary for DynamoDB Local (default: JAVA_HOME or java on the PATH)

Redrive:
  unum redrive restarts a FAILED or TIMED_OUT session kept in the data directory (default .unum) from the
  instances that failed: what committed does not run again. It runs the app's functions as unum run does
  (same options) and exits like it; a session that is unknown, expired, or neither FAILED nor TIMED_OUT is
  refused with exit code 2 and nothing changes.

Callback:
  unum callback answers a task token of a session kept in the data directory (default .unum), parked at a
  function with integrationPattern WAIT_FOR_TASK_TOKEN: --success gives the task's output, --failure fails it
  with --error (default States.TaskFailed) and --cause, which its Retry and Catch see. The session then runs
  on in the engine as unum run does, until it ends or parks at a callback again (exit 0 for SUCCEEDED or parked,
  1 otherwise). --heartbeat tells the task its work goes on: its heartbeat limit starts again, nothing runs
  (exit 0). A malformed, unknown, used or foreign token is refused with exit code 2 and nothing changes.

Simulate options (and --app, --assembly, --workflow, --input as for run; every workflow when --workflow is absent):
  --rate <n>             sessions started per second (default 1)
  --arrivals <process>   poisson (default: exponential gaps) or constant (1/rate apart)
  --sessions <n>         start this many sessions (default 100)
  --duration <seconds>   start sessions for this long instead
  --platform <model>     lambda (default); cluster: the nodes, images and scheduler of --platform-file (README: --platform cluster);
                         engine: Lambda's model with the local engine's --concurrency from a profile that unum run
                         --record-profile wrote, events queued beyond it (to check the simulator against unum run)
  --platform-file <file> the cluster of --platform cluster, JSON (or YAML, .yaml/.yml); no dollars but the store's on a cluster
  --profile <file.json>  service times per operation and per function over the defaults (README: The workflow simulator)
  --seed <n>             seed of the arrivals, failures and choice draws (default 1): the same seed gives the same output
  --start-time <time>    the calendar date of simulated time 0, RFC 3339 (default 2026-01-01T00:00:00Z): Timestamp waits count from it
  --json                 print the figures as JSON
  --report <file.html>   also write a page with the figures and plots: latency CDF, concurrency, instances and cold starts over time

Graph options (and --app, --assembly, --workflow as for run):
  --format <format>      mermaid (default), svg (a standalone picture) or dot (Graphviz)
  --out <file>           write the picture to this file instead of standard output

Report and console options:
  unum report writes the page that --report writes, for a session run with --data-dir (default out: unum-report-<session>.html).
  unum ui serves a console of the data directory's sessions (default .unum), updated while unum run works on it.
  --port <n>             the console's port (default: any free port)
  --host <address>       the address it listens on (default 127.0.0.1; another than loopback needs --allow-remote)
  --allow-remote         listen on a non-loopback address: anyone who reaches it reads every session, unauthenticated
  --allow-run            let the console start sessions of the app (--app, --assembly or ./cdk.json); read-only without it

Fault steps: ${'%STEPS%'}
Injected crashes are never placed on the last attempt Lambda would make, so
they exercise recovery without exhausting the retries. Injected service errors
use AWS's wire format; a request that was answered with one is never chosen
again on its next call, so they too cannot exhaust Lambda's retries.

Exit codes: 0 the session succeeded, 1 it failed (or never finished), 2 usage or synthesis error.
`;

const OPTIONS = {
  'app': { type: 'string' },
  'assembly': { type: 'string' },
  'workflow': { type: 'string' },
  'input': { type: 'string' },
  'session': { type: 'string' },
  'success': { type: 'string' },
  'failure': { type: 'boolean' },
  'heartbeat': { type: 'boolean' },
  'error': { type: 'string' },
  'cause': { type: 'string' },
  'data-dir': { type: 'string' },
  'json': { type: 'boolean' },
  'verbose': { type: 'boolean' },
  'full': { type: 'boolean' },
  'quiet': { type: 'boolean' },
  'fast-forward': { type: 'boolean' },
  'skip-time': { type: 'boolean' },
  'concurrency': { type: 'string' },
  'timeout': { type: 'string' },
  'crash-at': { type: 'string' },
  'crash-rate': { type: 'string' },
  'duplicate-rate': { type: 'string' },
  'throttle-rate': { type: 'string' },
  's3-error-rate': { type: 'string' },
  'lambda-throttle-rate': { type: 'string' },
  'service-error-attempts': { type: 'string' },
  'seed': { type: 'string' },
  'fault-nodes': { type: 'string' },
  'port': { type: 'string' },
  'dynamodb-port': { type: 'string' },
  's3-port': { type: 'string' },
  'java': { type: 'string' },
  'format': { type: 'string' },
  'out': { type: 'string' },
  'report': { type: 'string' },
  'host': { type: 'string' },
  'allow-remote': { type: 'boolean' },
  'allow-run': { type: 'boolean' },
  'rate': { type: 'string' },
  'arrivals': { type: 'string' },
  'sessions': { type: 'string' },
  'duration': { type: 'string' },
  'platform': { type: 'string' },
  'platform-file': { type: 'string' },
  'start-time': { type: 'string' },
  'profile': { type: 'string' },
  'record-profile': { type: 'string' },
  'help': { type: 'boolean', short: 'h' },
  'version': { type: 'boolean' },
} as const;

type Values = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

/** Runs the CLI; resolves with the exit code. */
export async function main(argv: string[], io: CliIO = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // `unum import` has its own options.
  if (argv[0] === 'import') return importModule().runImport(argv.slice(1), io as ImportIO);
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UsageError(`${(e as Error).message}\nRun \`unum help\` for the options.`);
    }
    const values = parsed.values as Values;
    const [command, ...rest] = parsed.positionals;
    if (values.version) {
      io.stdout.write(`${version()}\n`);
      return 0;
    }
    if (values.help || command === undefined || command === 'help') {
      io.stdout.write(help());
      return command === undefined && !values.help ? 2 : 0;
    }
    switch (command) {
      case 'run':
        if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}; pass the input with --input`);
        return await run(values, io);
      case 'simulate':
        if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}; pass the input with --input`);
        return await simulate(values, io);
      case 'graph':
        if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}; choose the workflow with --workflow`);
        return await graph(values, io);
      case 'status':
        return await status(rest, values, io);
      case 'redrive':
        return await redrive(rest, values, io);
      case 'callback':
        return await callback(rest, values, io);
      case 'result':
        return await result(rest, values, io);
      case 'report':
        return await reportModule().reportCommand(rest, {
          dataDir: dataDirFor(values, io), out: values.out, cwd: io.cwd ?? process.cwd(), quiet: values.quiet,
        }, io);
      case 'ui':
        if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}; pass the data directory with --data-dir`);
        return await ui(values, io);
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}; the commands are run, simulate, graph, status, result, redrive, callback, report, ui, import and help`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`unum: ${e.message}\n`);
      return 2;
    }
    io.stderr.write(`unum: ${(e as Error).stack ?? e}\n`);
    return 2;
  }
}

function help(): string {
  let steps: string;
  try {
    steps = faultSteps().join(', ');
  } catch {
    steps = '(the runtime layer is not built: npx projen bundle:runtime)';
  }
  return HELP.replace('%STEPS%', steps);
}

function version(): string {
  try {
    return `cdk-unum ${JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).version}`;
  } catch {
    return 'cdk-unum';
  }
}

async function run(values: Values, io: CliIO): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  if (values.format !== undefined || values.out !== undefined) throw new UsageError('--format and --out are options of unum graph, not of unum run');
  const input = await readInput(values.input, cwd, io);
  const faults = {
    crashAt: values['crash-at'],
    crashRate: optionalNumber(values['crash-rate'], '--crash-rate'),
    duplicateRate: optionalNumber(values['duplicate-rate'], '--duplicate-rate'),
    throttleRate: optionalNumber(values['throttle-rate'], '--throttle-rate'),
    s3ErrorRate: optionalNumber(values['s3-error-rate'], '--s3-error-rate'),
    lambdaThrottleRate: optionalNumber(values['lambda-throttle-rate'], '--lambda-throttle-rate'),
    serviceErrorAttempts: optionalInteger(values['service-error-attempts'], '--service-error-attempts', 1),
    seed: optionalInteger(values.seed, '--seed'),
    nodes: values['fault-nodes']?.split(',').map((n) => n.trim()).filter((n) => n !== ''),
  };
  validateFaults(faults);
  const concurrency = optionalInteger(values.concurrency, '--concurrency', 1);
  const timeout = optionalNumber(values.timeout, '--timeout');
  const ports = {
    lambda: optionalInteger(values.port, '--port', 1, 65535),
    dynamodb: optionalInteger(values['dynamodb-port'], '--dynamodb-port', 1, 65535),
    s3: optionalInteger(values['s3-port'], '--s3-port', 1, 65535),
  };
  const dataDir = values['data-dir'] === undefined ? undefined : resolve(cwd, values['data-dir']);
  const progressOn = !values.quiet;

  const reportFile = values.report === undefined ? undefined : resolve(cwd, values.report);
  const { app, cleanup } = await obtainAssembly(values, cwd, dataDir, io, progressOn);
  const logs = new LogBook();
  let trace: readonly import('../local/session-trace').TraceEvent[] = [];
  // Whole checkpoints by instance, for --record-profile's outputs (the trace cuts long values).
  const checkpoints = values['record-profile'] === undefined ? undefined : new Map<string, string>();
  let engine: import('../local/engine').LocalEngine | undefined;
  const interrupt = (): void => {
    io.stderr.write('\nunum: interrupted, stopping the local servers\n');
    void (engine?.stop() ?? Promise.resolve()).finally(() => {
      cleanup();
      process.exit(130);
    });
  };
  process.once('SIGINT', interrupt);
  try {
    const workflow = selectWorkflow(app, values.workflow);
    if (progressOn) io.stderr.write(`unum: starting DynamoDB Local, S3 and the Lambda endpoint for workflow ${workflow.name} (${workflow.functions.length} functions)\n`);
    engine = await engineModule().LocalEngine.start({
      app,
      dataDir,
      concurrency,
      ports,
      java: values.java,
      skipTime: values['fast-forward'] === true || values['skip-time'] === true,
      onLog: (fn, line) => {
        logs.add(fn, line);
        if (values.verbose) io.stderr.write(`[${fn}] ${line}\n`);
      },
    });
    const progress = progressDisplay(io.stderr, progressOn, styleFor(io.stderr));
    let report: SessionReport;
    try {
      report = await engine.run({
        workflow,
        input,
        session: values.session,
        faults,
        onProgress: progress.update,
        timeoutMs: timeout === undefined ? undefined : timeout * 1000,
        onTrace: (events) => { trace = events; },
        ...(checkpoints ? { onCheckpoint: (instance: string, value: string) => checkpoints.set(instance, value) } : {}),
      });
    } finally {
      progress.done();
    }
    printReport(report, values, io, logs);
    if (values['record-profile'] !== undefined) {
      const file = resolve(cwd, values['record-profile']);
      const recorded = simulateProfileModule().profileFromTrace(trace, `unum run of workflow ${workflow.name}, session ${report.session}`,
        { concurrency: engine.concurrency }, checkpoints);
      writeFileSync(file, `${JSON.stringify(recorded, null, 2)}\n`);
      if (progressOn) io.stderr.write(`unum: wrote the measured profile to ${file}\n`);
    }
    if (reportFile !== undefined) {
      await reportModule().writeReport(reportFile, trace);
      if (progressOn) io.stderr.write(`unum: wrote the report to ${reportFile}\n`);
    }
    if (dataDir && progressOn) io.stderr.write(`unum: kept in ${dataDir}; later: unum status ${report.session} --data-dir ${values['data-dir']}\n`);
    return report.status === 'SUCCEEDED' ? 0 : 1;
  } finally {
    process.removeListener('SIGINT', interrupt);
    await engine?.stop();
    cleanup();
  }
}

/** The session's report on stdout (text or --json), and why it did not succeed on stderr. */
function printReport(report: SessionReport, values: Values, io: CliIO, logs: LogBook): void {
  if (values.json) {
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const rows = values.full ? undefined : screenRows(io.stdout);
    io.stdout.write(`${formatReport(report, { logs, style: styleFor(io.stdout), screenRows: rows })}\n`);
  }
  if (report.status !== 'SUCCEEDED') {
    const cause = report.error?.cause ? `: ${report.error.cause}` : '';
    const where = report.status === 'TIMED_OUT' && report.error ? `timed out (found by node '${report.error.node}')${cause}`
      : report.error ? `node '${report.error.node}' failed: ${report.error.error}${cause}`
        : report.status === 'RUNNING' && report.timedOut === true ? 'the session never finished'
          : report.status === 'RUNNING' ? 'nothing runs any more: it waits for a task token (answer it with unum callback <token>), or it stalled'
            : `status ${report.status}`;
    io.stderr.write(`unum: session ${report.session} ${report.status}: ${where}\n`);
  }
}

/**
 * Runs a session of the data directory on in the engine (`unum redrive`, `unum callback`): synthesizes or reads the
 * assembly, starts the engine, runs `step` with a progress display and prints the report; `refused` tells the
 * step's errors that mean "this cannot be done" (exit 2, their message) from failures.
 */
async function continueInEngine(values: Values, io: CliIO, dataDir: string, defaultWorkflow: string | undefined,
  step: (engine: import('../local/engine').LocalEngine, workflow: LocalWorkflow, options: { onProgress: (p: Progress) => void; timeoutMs?: number }) => Promise<SessionReport>,
  refused: (e: unknown) => boolean): Promise<SessionReport | number> {
  const progressOn = !values.quiet;
  const timeout = optionalNumber(values.timeout, '--timeout');
  const logs = new LogBook();
  return withEngine(values, io, dataDir, defaultWorkflow, logs, async (engine, workflow) => {
    const progress = progressDisplay(io.stderr, progressOn, styleFor(io.stderr));
    let report: SessionReport;
    try {
      report = await step(engine, workflow, { onProgress: progress.update, timeoutMs: timeout === undefined ? undefined : timeout * 1000 });
    } catch (e) {
      if (!refused(e)) throw e;
      io.stderr.write(`unum: ${(e as Error).message}\n`);
      return 2;
    } finally {
      progress.done();
    }
    if (progressOn && report.redrive) {
      io.stderr.write(`unum: redrive ${report.redrive.redriveCount} of ${report.session} re-invoked ${report.redrive.instances.length} instance(s)\n`);
    }
    printReport(report, values, io, logs);
    return report;
  });
}

/** Synthesizes or reads the assembly, starts the engine on the data directory, runs `use`, and stops it. */
async function withEngine<T>(values: Values, io: CliIO, dataDir: string, defaultWorkflow: string | undefined, logs: LogBook,
  use: (engine: import('../local/engine').LocalEngine, workflow: LocalWorkflow) => Promise<T>): Promise<T> {
  const { app, cleanup } = await obtainAssembly(values, io.cwd ?? process.cwd(), dataDir, io, !values.quiet);
  let engine: import('../local/engine').LocalEngine | undefined;
  try {
    const workflow = selectWorkflow(app, values.workflow ?? defaultWorkflow);
    engine = await engineModule().LocalEngine.start({
      app,
      dataDir,
      concurrency: optionalInteger(values.concurrency, '--concurrency', 1),
      java: values.java,
      onLog: (fn, line) => {
        logs.add(fn, line);
        if (values.verbose) io.stderr.write(`[${fn}] ${line}\n`);
      },
    });
    return await use(engine, workflow);
  } finally {
    await engine?.stop();
    cleanup();
  }
}

/** `unum redrive`: a FAILED or TIMED_OUT session of the data directory, restarted in the engine from its failed instances. */
async function redrive(args: string[], values: Values, io: CliIO): Promise<number> {
  const [session] = args;
  if (session === undefined) throw new UsageError('usage: unum redrive <session> [--app "<command>" | --assembly <cdk.out>] [--data-dir <dir>]');
  const dataDir = dataDirFor(values, io);
  const recorded = readState(dataDir).sessions.find((s) => s.session === session)?.workflow;
  const report = await continueInEngine(values, io, dataDir, recorded,
    (engine, workflow, options) => engine.redrive({ workflow, session, ...options }),
    (e) => (e as Error).name === 'Unum.RedriveRefused');
  if (typeof report === 'number') return report;
  return report.status === 'SUCCEEDED' ? 0 : 1;
}

/** `unum callback`: answers a task token of a session of the data directory, and runs the session on in the engine. */
async function callback(args: string[], values: Values, io: CliIO): Promise<number> {
  const [token] = args;
  const usage = 'usage: unum callback <token> (--success <json>|@<file>|- | --failure [--error <name>] [--cause <text>] | --heartbeat) [--data-dir <dir>]';
  if (token === undefined || args.length > 1) throw new UsageError(usage);
  const answers = [values.success !== undefined, values.failure === true, values.heartbeat === true].filter(Boolean).length;
  if (answers !== 1) throw new UsageError(`give exactly one of --success, --failure and --heartbeat; ${usage}`);
  if (values.failure !== true && (values.error !== undefined || values.cause !== undefined)) {
    throw new UsageError('--error and --cause go with --failure');
  }
  let binding;
  try {
    binding = parseTaskToken(token).binding;
  } catch (e) {
    io.stderr.write(`unum: ${(e as Error).message}\n`);
    return 2;
  }
  if (values.heartbeat === true) return heartbeat(token, binding, values, io);
  const cwd = io.cwd ?? process.cwd();
  const outcome: CallbackOutcome = values.success !== undefined
    ? { kind: 'success', output: await readInput(values.success, cwd, io, '--success') }
    : { kind: 'failure', error: values.error, cause: values.cause };
  const report = await continueInEngine(values, io, dataDirFor(values, io), binding.workflow,
    (engine, workflow, options) => engine.callback({ workflow, token, outcome, ...options }),
    (e) => e instanceof TaskTokenError);
  if (typeof report === 'number') return report;
  return report.status === 'SUCCEEDED' || (report.status === 'RUNNING' && report.timedOut !== true) ? 0 : 1;
}

/** `unum callback --heartbeat`: the parked task's heartbeat limit starts again; nothing runs, so there is no report. */
async function heartbeat(token: string, binding: TaskTokenBinding, values: Values, io: CliIO): Promise<number> {
  return withEngine(values, io, dataDirFor(values, io), binding.workflow, new LogBook(), async (engine, workflow) => {
    try {
      await engine.heartbeat(workflow, token);
    } catch (e) {
      if (!(e instanceof TaskTokenError)) throw e;
      io.stderr.write(`unum: ${e.message}\n`);
      return 2;
    }
    if (values.json) io.stdout.write(`${JSON.stringify({ heartbeat: true, ...binding })}\n`);
    else io.stdout.write(`heartbeat sent: instance '${binding.instance}' (attempt ${binding.attempt}) of session ${binding.session} waits on\n`);
    return 0;
  });
}

/** `unum simulate`: the options are checked before the app is synthesized. */
async function simulate(values: Values, io: CliIO): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  const module = simulateModule();
  const options = { ...values, platformFile: values['platform-file'], startTime: values['start-time'] };
  module.simulateOptions(options);
  return module.simulateCommand(options, {
    cwd,
    obtainApp: () => obtainAssembly({ ...values, 'data-dir': undefined }, cwd, undefined, io, !values.quiet && !values.json),
    input: () => readInput(values.input, cwd, io),
    stdout: io.stdout,
    stderr: io.stderr,
  });
}

const GRAPH_FORMATS = ['mermaid', 'svg', 'dot'];

/** `unum graph`: the workflow as Mermaid, DOT or SVG, from the graph the construct wrote into the assembly. */
async function graph(values: Values, io: CliIO): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  const format = values.format ?? 'mermaid';
  if (!GRAPH_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${GRAPH_FORMATS.join(', ')} (got ${JSON.stringify(format)})`);
  const { app, cleanup } = await obtainAssembly({ ...values, 'data-dir': undefined }, cwd, undefined, io, !values.quiet);
  try {
    const workflow = selectWorkflow(app, values.workflow);
    const picture = workflowPicture(readWorkflowGraph(app, workflow));
    const text = format === 'svg' ? await svgModule().toSvg(picture) : format === 'dot' ? toDot(picture) : toMermaid(picture);
    if (values.out === undefined) {
      io.stdout.write(text);
    } else {
      const file = resolve(cwd, values.out);
      writeFileSync(file, text);
      if (!values.quiet) io.stderr.write(`unum: wrote workflow ${workflow.name} as ${format} to ${file}\n`);
    }
    return 0;
  } finally {
    cleanup();
  }
}

/** `unum ui`: serves the console until interrupted. */
async function ui(values: Values, io: CliIO): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  const port = optionalInteger(values.port, '--port', 0, 65535);
  let assembly: { app: LocalApp; cleanup: () => void } | undefined;
  if (values['allow-run']) assembly = await obtainAssembly({ ...values, 'data-dir': undefined }, cwd, undefined, io, !values.quiet);
  else if (values.app !== undefined || values.assembly !== undefined) throw new UsageError('--app and --assembly are for starting sessions: add --allow-run');
  try {
    const starts = assembly && { assembly: assembly.app.dir, workflows: assembly.app.workflows.map((w) => w.name) };
    const server = await uiModule().startUi({
      dataDir: values['data-dir'] ?? '.unum', host: values.host, port, allowRemote: values['allow-remote'], run: starts, cwd,
    }, io);
    await new Promise<void>((done) => process.once('SIGINT', () => done()));
    await server.stop();
    return 0;
  } finally {
    assembly?.cleanup();
  }
}

async function obtainAssembly(values: Values, cwd: string, dataDir: string | undefined, io: CliIO, verbose: boolean):
Promise<{ app: LocalApp; cleanup: () => void }> {
  if (values.app !== undefined && values.assembly !== undefined) throw new UsageError('pass either --app or --assembly, not both');
  if (values.assembly !== undefined) return { app: loadAssembly(resolve(cwd, values.assembly)), cleanup: () => {} };
  const command = values.app ?? appFromCdkJson(cwd);
  if (command === undefined) {
    throw new UsageError('no CDK app: pass --app "<command>" (e.g. --app "npx ts-node --prefer-ts-exts bin/app.ts"), '
      + '--assembly <cdk.out>, or run in a directory whose cdk.json has an "app"');
  }
  let outdir: string;
  let cleanup: () => void;
  if (dataDir !== undefined) {
    outdir = join(dataDir, 'cdk.out');
    rmSync(outdir, { recursive: true, force: true });
    cleanup = () => {};
  } else {
    outdir = mkdtempSync(join(tmpdir(), 'unum-cdk-out-'));
    cleanup = () => rmSync(outdir, { recursive: true, force: true });
  }
  if (verbose) io.stderr.write(`unum: synthesizing: ${command}\n`);
  try {
    await synthesize({ app: command, outdir, cwd, onOutput: values.verbose ? (l) => io.stderr.write(`[synth] ${l}\n`) : undefined });
    return { app: loadAssembly(outdir), cleanup };
  } catch (e) {
    cleanup();
    throw e;
  }
}

async function status(args: string[], values: Values, io: CliIO): Promise<number> {
  const dataDir = dataDirFor(values, io);
  const [session] = args;
  if (session === undefined) {
    const state = readState(dataDir);
    if (values.json) io.stdout.write(`${JSON.stringify(state.sessions, null, 2)}\n`);
    else if (state.sessions.length === 0) io.stdout.write(`no sessions recorded in ${dataDir}\n`);
    else state.sessions.slice(-20).forEach((s) => io.stdout.write(`${s.time}  ${s.status.padEnd(9)}  ${s.workflow}  ${s.session}\n`));
    return 0;
  }
  const found = await findSession(dataDir, session, values, io);
  try {
    if (values.json) io.stdout.write(`${JSON.stringify(found.description, null, 2)}\n`);
    else io.stdout.write(`${[formatSession(found.description), ...formatDelivered(readDeliveredMessages(dataDir, session))].join('\n')}\n`);
    return ['FAILED', 'TIMED_OUT', 'NOT_FOUND'].includes(found.description.status) ? 1 : 0;
  } finally {
    await found.close();
  }
}

async function result(args: string[], values: Values, io: CliIO): Promise<number> {
  const dataDir = dataDirFor(values, io);
  const [session] = args;
  if (session === undefined) throw new UsageError('usage: unum result <session> [--data-dir <dir>]');
  const found = await findSession(dataDir, session, values, io);
  try {
    if (found.description.status !== 'SUCCEEDED') {
      io.stderr.write(`unum: session ${session} has no result: ${formatSession(found.description)}\n`);
      return 1;
    }
    const value = await found.result();
    io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    return 0;
  } finally {
    await found.close();
  }
}

function dataDirFor(values: Values, io: CliIO): string {
  const cwd = io.cwd ?? process.cwd();
  const dir = resolve(cwd, values['data-dir'] ?? '.unum');
  if (!existsSync(dir)) {
    throw new UsageError(`no data directory ${dir}: sessions are kept only when run with --data-dir, `
      + 'e.g. `unum run --data-dir .unum ...` then `unum status <session> --data-dir .unum`');
  }
  return dir;
}

async function findSession(dataDir: string, session: string, values: Values, io: CliIO):
Promise<{ description: SessionDescription; result: () => Promise<unknown>; close: () => Promise<void> }> {
  const cwd = io.cwd ?? process.cwd();
  let stores: Array<{ workflow: string; table: string; bucket?: string }>;
  if (values.app !== undefined || values.assembly !== undefined) {
    const { app, cleanup } = await obtainAssembly({ ...values, 'data-dir': undefined }, cwd, undefined, io, false);
    cleanup();
    const w = selectWorkflow(app, values.workflow);
    stores = [{ workflow: w.name, table: w.table, bucket: w.bucket }];
  } else {
    stores = candidateStores(dataDir, session, values.workflow);
  }
  if (stores.length === 0) throw new UsageError(`no workflow has run with ${dataDir} yet`);
  const ended = readEndedSession(dataDir, session, stores.map((s) => s.table));
  if (ended !== undefined) {
    return { description: ended.description, result: async () => ended.result, close: async () => undefined };
  }
  const store = await dataDirModule().openDataDir(dataDir, { java: values.java });
  try {
    let first: { description: SessionDescription; client: ReturnType<typeof store.client> } | undefined;
    for (const s of stores) {
      const client = store.client(s.workflow, s.table, s.bucket);
      const description = await client.describeSession(session).catch((e) => {
        if ((e as Error).name === 'ResourceNotFoundException') return undefined;
        throw e;
      });
      if (description === undefined) continue;
      first ??= { description, client };
      if (description.status !== 'NOT_FOUND') return { description, result: () => client.getResult(session), close: () => store.stop() };
    }
    if (first === undefined) throw new UsageError(`no store table of ${dataDir} exists yet`);
    const client = first.client;
    return { description: first.description, result: () => client.getResult(session), close: () => store.stop() };
  } catch (e) {
    await store.stop();
    throw e;
  }
}

async function readInput(spec: string | undefined, cwd: string, io: CliIO, flag = '--input'): Promise<unknown> {
  if (spec === undefined) return null;
  let text: string;
  let source: string;
  if (spec === '-') {
    text = io.stdin ? await io.stdin() : readFileSync(0, 'utf8');
    source = 'standard input';
  } else if (spec.startsWith('@')) {
    const file = resolve(cwd, spec.slice(1));
    if (!existsSync(file)) throw new UsageError(`${flag} ${spec}: no such file ${file}`);
    text = readFileSync(file, 'utf8');
    source = file;
  } else {
    text = spec;
    source = flag;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`the input in ${source} is not JSON (${(e as Error).message}).\n`
      + `Pass JSON text (a string needs quotes: ${flag} '"hello"'), a file with ${flag} @input.json, or - to read standard input.`);
  }
}

function optionalNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag} must be a number (got ${JSON.stringify(value)})`);
  return n;
}

function optionalInteger(value: string | undefined, flag: string, min = -Number.MAX_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const n = optionalNumber(value, flag);
  if (n === undefined) return undefined;
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be an integer from ${min} to ${max} (got ${value})`);
  return n;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  }, (e) => {
    process.stderr.write(`unum: ${e?.stack ?? e}\n`);
    process.exitCode = 2;
  });
}
