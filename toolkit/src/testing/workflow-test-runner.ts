import { randomUUID } from 'crypto';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { NODE_METRICS, callbackItemKey, checkpointItemKey, instanceKey, looksLikeEnvelope } from 'cdk-unum/lib/protocol';
import { CALLBACK_ATTR, CALLBACK_STATE, encodeTaskToken, parseTaskToken } from 'cdk-unum/lib/protocol/callback';
import { TestServerEndpoints, sharedTestServers, startTestServers } from './test-servers';
import { InstanceError, InstanceFrame, InstanceResult, InvocationResult, FunctionLogLine, ParkedTask, WorkflowTestResult } from './workflow-test-result';
import { LocalApp, LocalWorkflow, UsageError, loadAssembly, selectWorkflow } from '../local/assembly';
import type { FaultOptions } from '../local/chaos';
import { EngineInvocation, LocalEngine, SessionReport } from '../local/engine';
import type { UserHandler } from '../local/in-process';
import type { LocalServer } from '../local/servers';

/**
 * Runs a user's workflow in their own tests (jest or any runner) and returns
 * a WorkflowTestResult to assert on. One API, two modes:
 *
 * - fast: the Node.js functions run in the test process, each with its own
 *   runtime and user-module instance (a warm sandbox), on the unmodified
 *   layer runtime. Nothing of the protocol is faked: every checkpoint,
 *   conditional write, consistent read and join arrival goes to DynamoDB
 *   Local, every successor through the local Lambda endpoint with Lambda's
 *   async retries, on-failure destinations, payload limits and timeouts.
 *   Python functions run in Python sandboxes, as in faithful mode.
 * - faithful: every function in its own sandbox process (the `unum run`
 *   engine): environment, /tmp, freezing, crashes, as on Lambda.
 *
 * The servers are the ones jest-global-setup started (found through the
 * environment), else the runner starts its own and stops them in stop().
 */

export enum WorkflowTestMode {
  /** Node.js functions in the test process (Python ones in sandboxes). */
  FAST = 'fast',
  /** Every function in its own sandbox process. */
  FAITHFUL = 'faithful',
}

/** Lambda runs a map's items at once; in process that costs no sandbox, so fast mode lets as many run as the bench world does. */
const FAST_CONCURRENCY = 64;

/** Chooses the mode when the props do not: `UNUM_TEST_MODE=faithful npx jest` runs the same suite faithfully. */
export const TEST_MODE_ENV = 'UNUM_TEST_MODE';

/** A CDK app built in the test (a `cdk.App`): the runner synthesizes it. */
export interface SynthesizableApp {
  synth(): { readonly directory: string };
}

export interface WorkflowTestRunnerProps {
  /** A synthesized cloud assembly (the `cdk.out` directory). One of assemblyDir, app. */
  readonly assemblyDir?: string;
  /** A `cdk.App` built in the test (synthesized by the runner). One of assemblyDir, app. */
  readonly app?: SynthesizableApp;
  /**
   * @default - UNUM_TEST_MODE, else WorkflowTestMode.FAST
   */
  readonly mode?: WorkflowTestMode;
  /**
   * The workflow run() runs when it names none.
   * @default - the app's only workflow
   */
  readonly workflow?: string;
  /**
   * Replaces nodes' user code (by node name) with a function of the test, e.g. to stub an external call. The node's
   * runtime is unchanged; in faithful mode an overridden node runs in the test process (a function cannot enter a sandbox).
   * @default - every node runs its own code
   */
  readonly overrides?: Record<string, UserHandler>;
  /**
   * DynamoDB Local and s3rver endpoints.
   * @default - the ones jest-global-setup started, else servers the runner starts (and stops in stop())
   */
  readonly servers?: TestServerEndpoints;
  /**
   * The Python that runs Python functions.
   * @default - UNUM_PYTHON, else python3 on the PATH
   */
  readonly python?: string;
  /**
   * Waits (every kind), retry intervals and the re-invocations continuing them pass at once, in both modes and for
   * Node.js and Python functions: the runtimes and the engine share a simulated clock. The test's own clock is not
   * touched; results, invocations and the report show the simulated times (a 1-hour Wait is a 1-hour gap).
   * @default false
   */
  readonly skipTime?: boolean;
  /**
   * Multiplies every function's timeout.
   * @default 1
   */
  readonly timeoutScale?: number;
  /**
   * Asynchronous invocations running at once.
   * @default - 64 in fast mode (in-process invocations are cheap), the engine's default (twice the cores) in faithful mode
   */
  readonly concurrency?: number;
  /**
   * Every line the functions write.
   * @default - kept on each result (result.logs), not printed
   */
  readonly onLog?: (functionName: string, line: string) => void;
}

export interface RunWorkflowOptions {
  /** The session's input. @default null */
  readonly input?: unknown;
  /** @default - WorkflowTestRunnerProps.workflow, else the app's only workflow */
  readonly workflow?: string;
  /** Crashes, duplicate deliveries and service errors, by seed (as `unum run --crash-rate …`). @default - none */
  readonly faults?: FaultOptions;
  /** Stop waiting after this long; the result is then RUNNING. @default 60 000 */
  readonly timeoutMs?: number;
  /** @default - a new UUID */
  readonly session?: string;
}

/** How long to wait for a session to go on, after a callback or its limits. */
export interface ContinueWorkflowOptions {
  /** Stop waiting after this long; the result is then RUNNING. @default 60 000 */
  readonly timeoutMs?: number;
}

export class WorkflowTestRunner {
  /** Loads the app, connects to (or starts) the servers and starts the engine in the chosen mode. */
  static async start(props: WorkflowTestRunnerProps): Promise<WorkflowTestRunner> {
    if ((props.assemblyDir === undefined) === (props.app === undefined)) {
      throw new UsageError('WorkflowTestRunner: give exactly one of assemblyDir (a synthesized cdk.out) and app (a cdk.App)');
    }
    const mode = props.mode ?? modeFromEnv();
    const app = loadAssembly(props.assemblyDir ?? props.app!.synth().directory);
    const owned: LocalServer[] = [];
    let servers = props.servers ?? sharedTestServers();
    if (servers === undefined) {
      owned.push(...await startTestServers());
      servers = { dynamodb: owned[0].endpoint, s3: owned[1].endpoint };
    }
    const runner = new WorkflowTestRunner(app, mode, props, owned);
    try {
      runner.engine = await LocalEngine.start({
        app,
        servers,
        python: props.python,
        timeoutScale: props.timeoutScale,
        skipTime: props.skipTime,
        holdCallbackChecks: true,
        concurrency: props.concurrency ?? (mode === WorkflowTestMode.FAST ? FAST_CONCURRENCY : undefined),
        inProcess: mode === WorkflowTestMode.FAST,
        overrides: props.overrides === undefined ? undefined : new Map(Object.entries(props.overrides)),
        onLog: (fn, line) => runner.log(fn, line),
        onInvocation: (inv) => runner.invocations.push(inv),
      });
    } catch (e) {
      await runner.stop();
      throw e;
    }
    return runner;
  }

  private engine?: LocalEngine;
  private invocations: EngineInvocation[] = [];
  private logs: FunctionLogLine[] = [];
  private readonly nodes = new Map<string, string>();

  private constructor(readonly app: LocalApp, readonly mode: WorkflowTestMode, private readonly props: WorkflowTestRunnerProps,
    private readonly owned: LocalServer[]) {
    for (const fn of app.functions) if (fn.node !== undefined) this.nodes.set(fn.functionName, fn.node);
  }

  /** The engine underneath (its endpoints, its clients). */
  get localEngine(): LocalEngine {
    if (this.engine === undefined) throw new Error('the WorkflowTestRunner is stopped');
    return this.engine;
  }

  /**
   * Runs one session until it ends (every invocation drained) or parks at callbacks (result.parked), and reads back
   * what each instance did. A parked task's heartbeat and taskTimeout do not pass until expireCallbacks().
   */
  async run(options: RunWorkflowOptions = {}): Promise<WorkflowTestResult> {
    const workflow = selectWorkflow(this.app, options.workflow ?? this.props.workflow);
    return this.drive(workflow, () => this.localEngine.run({
      workflow,
      input: options.input ?? null,
      session: options.session ?? randomUUID(),
      faults: options.faults,
      timeoutMs: options.timeoutMs ?? 60_000,
    }));
  }

  /**
   * Answers a parked task's token with its output (UnumClient.sendTaskSuccess) and runs its session on until it
   * ends or parks again. The result's invocations and store requests are those since the answer; its instances
   * are the whole session's. Throws TaskTokenError, changing nothing, for a token that is refused.
   */
  async sendTaskSuccess(token: string, output: unknown, options: ContinueWorkflowOptions = {}): Promise<WorkflowTestResult> {
    return this.answer(token, { kind: 'success', output }, options);
  }

  /** Fails a parked task with `error` (default States.TaskFailed) and `cause`, which its Retry and Catch see; then as sendTaskSuccess. */
  async sendTaskFailure(token: string, error?: string, cause?: string, options: ContinueWorkflowOptions = {}): Promise<WorkflowTestResult> {
    return this.answer(token, { kind: 'failure', error, cause }, options);
  }

  /** A heartbeat for a parked task: its heartbeat limit starts again from now (on the simulated clock with skipTime). Nothing runs. */
  async sendTaskHeartbeat(token: string): Promise<void> {
    await this.localEngine.heartbeat(this.workflowOfToken(token), token);
  }

  /**
   * Lets the limits of a session's parked tasks pass (at once with skipTime, else when they come): a task whose
   * heartbeat or taskTimeout runs out fails with States.HeartbeatTimeout or States.Timeout, and its Retry and Catch
   * apply. Runs the session on until it ends or parks again.
   */
  async expireCallbacks(session: string, options: ContinueWorkflowOptions & { readonly workflow?: string } = {}): Promise<WorkflowTestResult> {
    const workflow = selectWorkflow(this.app, options.workflow ?? this.props.workflow);
    return this.drive(workflow, () => this.localEngine.expireCallbacks({ workflow, session, timeoutMs: options.timeoutMs ?? 60_000 }));
  }

  private async answer(token: string, outcome: Parameters<LocalEngine['callback']>[0]['outcome'], options: ContinueWorkflowOptions): Promise<WorkflowTestResult> {
    const workflow = this.workflowOfToken(token);
    return this.drive(workflow, () => this.localEngine.callback({ workflow, token, outcome, timeoutMs: options.timeoutMs ?? 60_000 }));
  }

  /** The app's workflow a token names (a malformed token is refused by the client with TaskTokenError). */
  private workflowOfToken(token: string): LocalWorkflow {
    const name = tokenWorkflow(token);
    return this.app.workflows.find((w) => w.name === name) ?? selectWorkflow(this.app, this.props.workflow);
  }

  private async drive(workflow: LocalWorkflow, step: () => Promise<SessionReport>): Promise<WorkflowTestResult> {
    this.invocations = [];
    this.logs = [];
    const report = await step();
    const invocations = this.invocations;
    const logs = this.logs;
    const instances = await this.instances(workflow, report, invocations, logs);
    return new WorkflowTestResult({
      report,
      instances,
      invocations: invocations.map((i) => ({
        functionName: i.functionName,
        node: i.node,
        instance: i.instance,
        attempt: i.attempt,
        duplicate: i.duplicate,
        cold: i.cold,
        startedAt: new Date(i.startedAt),
        endedAt: new Date(i.endedAt),
        ...(i.error !== undefined ? { error: i.error } : {}),
      } satisfies InvocationResult)),
      logs,
      mode: this.mode,
      parked: report.status === 'RUNNING' ? await this.parked(workflow, report.session) : [],
    });
  }

  /** The session's callback items still WAITING, with the token each was handed. */
  private async parked(workflow: LocalWorkflow, session: string): Promise<ParkedTask[]> {
    const store = this.localEngine.client(workflow).store;
    const ref = { workflow: workflow.name, session };
    // Every instance's callback has its own partition under this prefix; a test table is small enough to scan.
    const prefix = callbackItemKey(ref, '', 0).pk;
    const items: Array<Record<string, any>> = [];
    let start: Record<string, any> | undefined;
    do {
      const page = await store.dynamodb.send(new ScanCommand({
        TableName: store.table,
        ConsistentRead: true,
        FilterExpression: 'begins_with(pk, :p) AND #st = :waiting',
        ExpressionAttributeNames: { '#st': CALLBACK_ATTR.STATE },
        ExpressionAttributeValues: { ':p': { S: prefix }, ':waiting': { S: CALLBACK_STATE.WAITING } },
        ExclusiveStartKey: start,
      }));
      items.push(...page.Items ?? []);
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    const tasks = await Promise.all(items.map(async (item): Promise<ParkedTask> => {
      const instance = String(item.pk.S).slice(prefix.length);
      const envelope = await store.decodeValue(ref, item, CALLBACK_ATTR.ENVELOPE_PREFIX) as Record<string, any>;
      const attempt = Number(envelope.attempt ?? 0);
      const frames = framesOf(envelope.frames);
      return {
        node: String(envelope.node),
        instance,
        index: frames.length === 0 ? 0 : frames[frames.length - 1].index,
        attempt,
        token: encodeTaskToken({ ...ref, instance, attempt }, String(item[CALLBACK_ATTR.SECRET].S)),
      };
    }));
    return tasks.sort((a, b) => a.instance.localeCompare(b.instance, 'en', { numeric: true }) || a.attempt - b.attempt);
  }

  /** Stops the engine, and the servers when the runner started them. */
  async stop(): Promise<void> {
    const engine = this.engine;
    this.engine = undefined;
    await engine?.stop();
    await Promise.all(this.owned.splice(0).map((s) => s.stop().catch(() => undefined)));
  }

  private log(functionName: string, line: string): void {
    const node = this.nodes.get(functionName);
    this.logs.push({ functionName, ...(node !== undefined ? { node } : {}), line });
    this.props.onLog?.(functionName, line);
  }

  private async instances(workflow: LocalWorkflow, report: WorkflowTestResult['report'], invocations: readonly EngineInvocation[],
    logs: readonly FunctionLogLine[]): Promise<InstanceResult[]> {
    const store = this.localEngine.client(workflow).store;
    const ref = { workflow: workflow.name, session: report.session };
    const byInstance = new Map<string, EngineInvocation[]>();
    for (const inv of invocations) byInstance.set(inv.instance, [...(byInstance.get(inv.instance) ?? []), inv]);
    // The runtime's lines (logs and metrics) name each instance it ran, also one it ran inside another's invocation
    // (a fan-out's first branch runs in the invocation that fans out), and, on a Retry, the attempt it starts.
    const seen = new Map<string, { node?: string; ranUser: boolean; attempt: number; at: number }>();
    for (const { line } of logs) {
      const fields = parseLine(line);
      if (fields === undefined || fields.session !== report.session || typeof fields.instance !== 'string') continue;
      const entry = seen.get(fields.instance) ?? { ranUser: false, attempt: 0, at: Number(fields._aws?.Timestamp) || Date.now() };
      entry.node ??= typeof fields.node === 'string' ? fields.node : typeof fields.Node === 'string' ? fields.Node : undefined;
      if (NODE_METRICS.USER_CODE_DURATION.name in fields) entry.ranUser = true;
      if (typeof fields.attempt === 'number') entry.attempt = Math.max(entry.attempt, fields.attempt);
      seen.set(fields.instance, entry);
    }
    const rows = new Map(report.instances.map((r) => [r.instance, r]));
    const keys = [...rows.keys(), ...[...seen.keys()].filter((k) => !rows.has(k))];
    const checkpoints = await store.batchGet(keys.map((k) => checkpointItemKey(ref, k)));
    const checkpointOf = (instance: string) => {
      const key = checkpointItemKey(ref, instance);
      return checkpoints.get(`${key.pk}\n${key.sk}`);
    };
    const envelopes = new Map<string, Record<string, any>>();
    for (const [instance, invs] of byInstance) {
      const event = parseLine((invs.find((i) => !i.duplicate) ?? invs[0]).payload);
      if (event !== undefined && looksLikeEnvelope(event)) envelopes.set(instance, event);
    }
    const startKey = instanceKey(workflow.entry.node!, [], 0);
    const results = await Promise.all(keys.map(async (instance): Promise<InstanceResult | undefined> => {
      const row = rows.get(instance);
      const invs = byInstance.get(instance) ?? [];
      const checkpoint = checkpointOf(instance);
      const failure = instanceError(instance, report, invs);
      const log = seen.get(instance);
      // The session's start invocation is named after the entry node; when start states (a Parallel, a Choice) ran
      // there instead of the entry's code, it is no instance of its own.
      if (instance === startKey && row !== undefined && checkpoint === undefined && failure === undefined && log !== undefined && !log.ranUser) {
        return undefined;
      }
      const node = row?.node ?? log?.node ?? workflow.entry.node!;
      const envelope = envelopes.get(instance);
      const iteration = Number(envelope?.iteration) || 0;
      const frames = envelope !== undefined ? framesOf(envelope.frames) : siblingFrames(instance, node, envelopes);
      const output = checkpoint === undefined ? undefined : await store.decodeValue(ref, checkpoint).catch(() => undefined);
      const first = invs.find((i) => !i.duplicate) ?? invs[0];
      let input: unknown;
      if (envelope !== undefined) input = await readInput(store, ref, envelope.input);
      else if (first !== undefined) input = parseLine(first.payload) ?? safeJson(first.payload);
      const attempts = Math.max(log?.attempt ?? 0, ...invs.map((i) => Number(parseLine(i.payload)?.attempt) || 0)) + 1;
      const outcome = checkpoint !== undefined ? 'committed' : failure !== undefined || row?.outcome === 'failed' ? 'failed' : 'incomplete';
      const startedAt = invs.length > 0 ? Math.min(...invs.map((i) => i.startedAt)) : log?.at ?? Date.now();
      const endedAt = invs.length > 0 ? Math.max(...invs.map((i) => i.endedAt)) : startedAt;
      return {
        node,
        instance,
        frames,
        index: frames.length === 0 ? 0 : frames[frames.length - 1].index,
        iteration,
        attempts,
        // One ran inside another instance's invocation has none of its own.
        invocations: row?.invocations ?? 0,
        ...(input !== undefined ? { input } : {}),
        ...(output !== undefined ? { output } : {}),
        ...(failure !== undefined && outcome !== 'committed' ? { error: failure } : {}),
        outcome,
        startedAt: new Date(startedAt),
        endedAt: new Date(endedAt),
      };
    }));
    return results.filter((r): r is InstanceResult => r !== undefined).sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
  }
}

function framesOf(frames: unknown): InstanceFrame[] {
  return Array.isArray(frames) ? frames.map((f: InstanceFrame) => ({ fanout: f.fanout, index: f.index, size: f.size })) : [];
}

/**
 * The frames of an instance that had no envelope of its own (it ran inline, in the invocation that fanned out): a
 * sibling of the same fan-out had one, and differs only in the last index; the protocol's own instanceKey confirms it.
 */
function siblingFrames(instance: string, node: string, envelopes: ReadonlyMap<string, Record<string, any>>): InstanceFrame[] {
  for (const envelope of envelopes.values()) {
    const frames = Array.isArray(envelope.frames) ? envelope.frames : [];
    if (frames.length === 0) continue;
    const last = frames[frames.length - 1];
    for (let index = 0; index < last.size; index++) {
      const candidate = [...frames.slice(0, -1), { ...last, index }];
      if (instanceKey(node, candidate, Number(envelope.iteration) || 0) === instance) return framesOf(candidate);
    }
  }
  return [];
}

function tokenWorkflow(token: string): string | undefined {
  try {
    return parseTaskToken(token).binding.workflow;
  } catch {
    return undefined;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function modeFromEnv(): WorkflowTestMode {
  const value = process.env[TEST_MODE_ENV];
  if (value === undefined || value === '') return WorkflowTestMode.FAST;
  const mode = Object.values(WorkflowTestMode).find((m) => m === value);
  if (mode === undefined) throw new UsageError(`${TEST_MODE_ENV}=${value}: the modes are ${Object.values(WorkflowTestMode).join(', ')}`);
  return mode;
}

function parseLine(text: string): Record<string, any> | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const v = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

type InstanceStore = ReturnType<LocalEngine['client']>['store'];

async function readInput(store: InstanceStore, ref: { workflow: string; session: string }, input: any): Promise<unknown> {
  try {
    if (input === null || typeof input !== 'object') return undefined;
    if ('value' in input) return input.value;
    if ('s3' in input) return JSON.parse(await store.getObject(input.s3.bucket, input.s3.key));
    if ('fanIn' in input) return await store.readFanIn(ref, input.fanIn);
  } catch {
    // Collected already (eager garbage collection): the input is not there to show.
  }
  return undefined;
}

function instanceError(instance: string, report: WorkflowTestResult['report'], invs: readonly EngineInvocation[]): InstanceError | undefined {
  const recorded = report.failures.find((f) => f.instance === instance);
  if (recorded !== undefined) return { error: recorded.error, ...(recorded.cause !== undefined ? { cause: recorded.cause } : {}) };
  const last = [...invs].reverse().find((i) => i.error !== undefined);
  if (last?.error !== undefined) return { error: last.error.errorType, cause: last.error.errorMessage };
  const dropped = report.onFailure.find((f) => f.instance === instance);
  return dropped === undefined ? undefined : { error: dropped.errorType, cause: dropped.errorMessage };
}
