import { randomUUID } from 'crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'fs';
import { createServer } from 'net';
import { cpus, tmpdir } from 'os';
import { dirname, join } from 'path';
import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { FAILURE_SORT_PREFIX, RECORDER_ENV, SCHEDULE_ENV, SKIP_TIME_ENV, checkpointKeyPrefix, instanceKey, looksLikeEnvelope, sessionItemKey } from 'cdk-unum/lib/protocol';
import { parseTaskToken } from 'cdk-unum/lib/protocol/callback';
import { Clock, RealClock, SkipClock } from 'cdk-unum/lib/protocol/clock';
import { CallbackOutcome, CallbackResult, Failure, RedriveResult, SessionDescription, UnumClient } from '../client';
import { LocalApp, LocalFunction, LocalWorkflow, UsageError, recorderForwards, selectWorkflow } from './assembly';
import { estimateUnits } from './capacity';
import { Chaos, FaultOptions, validateFaults } from './chaos';
import { CountingProxy, Exchange } from './counting-proxy';
import { DeliveredMessage, DestinationService, DestinationsEndpoint } from './destinations-endpoint';
import { InProcessHost, UserHandler } from './in-process';
import { checkJava, javaCommand } from './java';
import { AsyncFailure, InvokeRequest, InvokeResult, Invoker, LambdaEndpoint } from './lambda-endpoint';
import { median } from './median';
import { SandboxPool } from './sandboxes';
import { SchedulerEndpoint } from './scheduler-endpoint';
import { LocalServer, startDynamoDbLocal, startS3rver } from './servers';
import { readState, writeEndedSession, writeState } from './session-records';
import { SessionTrace, TraceEvent, cut, traceFile } from './session-trace';
import { readWorkflowGraph } from '../graph/read';

/**
 * The local engine: embedded DynamoDB Local and s3rver (behind counting
 * proxies), the Lambda Invoke endpoint with Lambda's async queue, and a pool
 * of sandbox processes running the synthesized functions unmodified. Runs
 * one session at a time and reports what happened.
 */

export interface EngineOptions {
  readonly app: LocalApp;
  /** Keep the store's state here between runs (DynamoDB Local -dbPath, s3rver directory, the engine's index). */
  readonly dataDir?: string;
  /** Async invocations running at once (default: twice the CPU cores, at least 4). */
  readonly concurrency?: number;
  /** Live sandbox processes at most (default: one per function up to 256, at least 32 and twice the concurrency). */
  readonly maxSandboxes?: number;
  /** Explicit ports (an occupied one is an error); default: ephemeral. */
  readonly ports?: { readonly lambda?: number; readonly dynamodb?: number; readonly s3?: number };
  /** The java binary for DynamoDB Local (default: JAVA_HOME or java on the PATH). */
  readonly java?: string;
  /** The Python that runs Python functions (default: UNUM_PYTHON, else python3 on PATH). */
  readonly python?: string;
  /** Use already running servers instead of starting them (tests, benchmarks). */
  readonly servers?: { readonly dynamodb: string; readonly s3: string };
  /** Delay before async retry n (1, 2): Lambda waits about 1 and 2 minutes; locally scaled down (default 20·n ms). */
  readonly retryDelayMs?: (attempt: number) => number;
  /** Multiplies each function's maximum event age (default 1: real time). */
  readonly eventAgeScale?: number;
  /** Multiplies each function's timeout (default 1). */
  readonly timeoutScale?: number;
  /** Every line a sandbox writes (the functions' logs). */
  readonly onLog?: (functionName: string, line: string) => void;
  /**
   * Run the Node.js workflow functions in this process (the test runner's fast mode): the same layer runtime and
   * endpoints, no sandbox processes. Python functions and functions outside workflows keep their sandboxes.
   */
  readonly inProcess?: boolean;
  /**
   * Waits, retry intervals and the re-invocations continuing them pass at once: the runtimes and the engine share a
   * simulated clock (SKIP_TIME_ENV), so the trace and the session records show the simulated times.
   * @default false
   */
  readonly skipTime?: boolean;
  /**
   * A session parked at a callback (waiting for a task token) is reported as soon as nothing else runs: the checks
   * that fail it at its heartbeat or taskTimeout are held until expireCallbacks() (the test runner's mode, where
   * the test answers the token; with skipTime they would otherwise fire at once).
   * @default false
   */
  readonly holdCallbackChecks?: boolean;
  /**
   * Replace nodes' user code (by node name) with functions of this process. Such a node runs in this process
   * whatever `inProcess` says (a function cannot cross into a sandbox process); the runtime around it is the same.
   */
  readonly overrides?: ReadonlyMap<string, UserHandler>;
  /** Each finished invocation of a workflow function during a session, with its event (the test runner's record). */
  readonly onInvocation?: (invocation: EngineInvocation) => void;
}

export interface EngineInvocation {
  readonly functionName: string;
  readonly node: string;
  readonly instance: string;
  /** The event as delivered (an envelope, or the plain input of a session's start). */
  readonly payload: string;
  /** Lambda's async delivery attempt (0, then 1, 2 for its retries). */
  readonly attempt: number;
  readonly duplicate: boolean;
  readonly cold: boolean;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly error?: { readonly errorType: string; readonly errorMessage: string };
}

export interface RunOptions {
  /** The workflow's name (default: the only one) or the workflow. */
  readonly workflow?: string | LocalWorkflow;
  readonly input: unknown;
  /** Session id (default: a new UUID). */
  readonly session?: string;
  readonly faults?: FaultOptions;
  /** Called when the progress counters change. */
  readonly onProgress?: (progress: Progress) => void;
  /** Give up waiting after this long (default 10 minutes); the session is reported as still RUNNING. */
  readonly timeoutMs?: number;
  /**
   * Receives the session's trace (every invocation, log line and checkpoint) when it ends, for a report page;
   * with a data directory the engine also writes it to `<data dir>/traces/<session>.jsonl` as it runs.
   */
  readonly onTrace?: (events: readonly TraceEvent[]) => void;
  /**
   * Receives each inline checkpoint as committed, whole (the trace keeps values cut at TRACE_VALUE_LIMIT):
   * what `unum run --record-profile` needs of an output too long for the trace.
   */
  readonly onCheckpoint?: (instance: string, value: string) => void;
}

export interface Progress {
  readonly started: number;
  readonly finished: number;
  readonly retrying: number;
  readonly failed: number;
  readonly running: number;
  readonly invocations: number;
  readonly elapsedMs: number;
}

export interface InstanceTimeline {
  readonly node: string;
  readonly instance: string;
  /** ms from the session start. */
  readonly startMs: number;
  readonly endMs: number;
  readonly durationMs: number;
  /** Whether the first invocation started a new sandbox. */
  readonly start: 'cold' | 'warm';
  readonly invocations: number;
  /** Lambda async retries and runtime re-invocations of this instance. */
  readonly retries: number;
  readonly crashes: number;
  readonly duplicates: number;
  readonly timeouts: number;
  readonly outcome: 'committed' | 'failed' | 'incomplete';
}

export interface OnFailureRecord {
  readonly functionName: string;
  readonly node?: string;
  readonly instance: string;
  readonly requestId: string;
  readonly attempts: number;
  readonly errorType: string;
  readonly errorMessage: string;
  readonly destination?: string;
  /** The record (JSON) sent to the on-failure destination when it is a function of the app, as Lambda sends it. */
  readonly record?: string;
}

export interface SessionReport {
  readonly workflow: string;
  readonly session: string;
  /** RUNNING when the session did not end (every invocation drained, or the wait timed out). */
  readonly status: SessionDescription['status'];
  readonly result?: unknown;
  /** The failure that ended the session (the failing node and its error). */
  readonly error?: Failure;
  readonly failures: readonly Failure[];
  /** The session's X-Ray trace id, as its record keeps it (the entry function is traced): every invocation of the session is in it. */
  readonly traceId?: string;
  /** Events Lambda gave up on (retries exhausted, too old): its on-failure destination. */
  readonly onFailure: readonly OnFailureRecord[];
  /** Messages the failure recorder forwarded to users' SQS, SNS and EventBridge destinations (the local destinations endpoint). */
  readonly delivered: readonly DeliveredMessage[];
  readonly durationMs: number;
  readonly instances: readonly InstanceTimeline[];
  readonly invocations: {
    readonly total: number;
    readonly cold: number;
    readonly warm: number;
    readonly retries: number;
    readonly duplicates: number;
    readonly crashes: number;
    readonly timeouts: number;
    readonly errors: number;
  };
  /** Lambda Invoke API calls received. */
  readonly lambda: { readonly event: number; readonly requestResponse: number };
  readonly store: {
    readonly dynamodb: Record<string, number>;
    readonly s3: Record<string, number>;
    readonly total: number;
    /** Failed store requests by `operation:error` (ConditionalCheckFailedException is the protocol at work). */
    readonly errors: Record<string, number>;
  };
  /** Injected service errors by `service:operation:error` (throttling, S3 5xx, Lambda 429). */
  readonly injected: Record<string, number>;
  /** Successful conditional checkpoint writes per instance (each must be exactly 1). */
  readonly commits: Record<string, number>;
  /** Set on a redrive's report: the redrive count and the instances it re-invoked. */
  readonly redrive?: RedriveResult;
  readonly faults?: FaultOptions;
  /** Set when the engine stopped waiting (RunOptions.timeoutMs) before the invocations drained. */
  readonly timedOut?: boolean;
}

interface InvocationRecord {
  readonly functionName: string;
  readonly instance: string;
  readonly attempt: number;
  readonly duplicate: boolean;
  readonly reinvoked: boolean;
  readonly startedAt: number;
  endedAt?: number;
  cold?: boolean;
  errorType?: string;
  crashAt?: string;
}

const REGION = 'us-east-1';
/** s3rver accepts only these; DynamoDB Local accepts any. */
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const SIMULATED_CRASH = 'Unum.SimulatedCrash';
/** The endpoint's errorType for an event dropped for its age (Lambda's EventAgeExceeded condition). */
const EVENT_AGE_EXCEEDED = 'EventAgeExceeded';
/** Marks the engine's own Invoke calls (the session start), which fault injection leaves alone. */
const ENGINE_USER_AGENT = 'unum-local-engine';

/** One session's bookkeeping. */
class Tracker {
  readonly startedAt = Date.now();
  readonly invocations: InvocationRecord[] = [];
  readonly starts = new Map<string, number>();
  readonly deliveries = new Map<string, number>();
  readonly commits: Record<string, number> = {};
  readonly commitTimes = new Map<string, number>();
  readonly failedInstances = new Set<string>();
  readonly onFailure: OnFailureRecord[] = [];
  running = 0;
  /** Estimated DynamoDB capacity units of the session's requests (capacity.ts). */
  rcu = 0;
  wcu = 0;
  /** Real ms of each DynamoDB request, by operation (what --record-profile reads). */
  readonly requestMs: Record<string, number[]> = {};
  /** Invocation ids (the trace's) by Lambda request id, while the session runs. */
  readonly requests = new Map<string, number>();
  private lastEmit = '';

  constructor(readonly session: string, readonly workflow: string, readonly chaos: Chaos, readonly trace: SessionTrace,
    private readonly onProgress?: (p: Progress) => void, private readonly onCheckpoint?: (instance: string, value: string) => void) {}

  observe(exchange: Exchange): void {
    if (exchange.protocol !== 'dynamodb') return;
    (this.requestMs[exchange.operation] ??= []).push(Date.now() - exchange.sentAt);
    const units = estimateUnits(exchange);
    this.rcu += units.rcu;
    this.wcu += units.wcu;
    if (exchange.operation !== 'PutItem') return;
    const item = exchange.request?.Item;
    const pk: string | undefined = item?.pk?.S;
    const sk: string | undefined = item?.sk?.S;
    if (pk === undefined) return;
    const ref = { workflow: this.workflow, session: this.session };
    const checkpointPrefix = checkpointKeyPrefix(ref);
    if (pk.startsWith(checkpointPrefix) && exchange.request?.ConditionExpression && exchange.status === 200) {
      const instance = pk.slice(checkpointPrefix.length);
      this.commits[instance] = (this.commits[instance] ?? 0) + 1;
      if (item.v?.S !== undefined) this.onCheckpoint?.(instance, item.v.S);
      if (!this.commitTimes.has(instance)) this.commitTimes.set(instance, Date.now());
      this.trace.add({
        t: 'commit',
        instance,
        sent: exchange.sentAt,
        at: Date.now(),
        ...(item.v?.S !== undefined ? { output: cut(item.v.S) } : {}),
        ...(item.s3?.S !== undefined ? { s3: item.s3.S } : {}),
        ...(item.v?.S === undefined && item.s3?.S === undefined ? { fanIn: true as const } : {}),
        ...(item.c?.N !== undefined ? { caught: Number(item.c.N) } : {}),
      });
      this.emit();
    } else if (pk === sessionItemKey(ref).pk && sk?.startsWith(FAILURE_SORT_PREFIX) && exchange.status === 200) {
      this.failedInstances.add(sk.slice(FAILURE_SORT_PREFIX.length));
      this.emit();
    }
  }

  progress(): Progress {
    const started = new Set(this.invocations.map((i) => i.instance));
    const finished = [...started].filter((i) => this.commitTimes.has(i)).length;
    const failed = [...started].filter((i) => this.failedInstances.has(i) && !this.commitTimes.has(i)).length
      + this.onFailure.filter((f) => !this.failedInstances.has(f.instance)).length;
    const last = new Map<string, InvocationRecord>();
    for (const inv of this.invocations) if (inv.endedAt !== undefined) last.set(inv.instance, inv);
    const retrying = [...last.values()].filter((inv) => inv.errorType !== undefined && !this.commitTimes.has(inv.instance)
      && !this.failedInstances.has(inv.instance) && !this.onFailure.some((f) => f.instance === inv.instance)).length;
    return {
      started: started.size,
      finished,
      retrying,
      failed,
      running: this.running,
      invocations: this.invocations.length,
      elapsedMs: Date.now() - this.startedAt,
    };
  }

  emit(): void {
    if (this.onProgress === undefined) return;
    const p = this.progress();
    const key = `${p.started}/${p.finished}/${p.retrying}/${p.failed}/${p.running}/${p.invocations}`;
    if (key === this.lastEmit) return;
    this.lastEmit = key;
    this.onProgress(p);
  }

  timeline(): InstanceTimeline[] {
    const byInstance = new Map<string, InvocationRecord[]>();
    for (const inv of this.invocations) byInstance.set(inv.instance, [...(byInstance.get(inv.instance) ?? []), inv]);
    const rows: InstanceTimeline[] = [];
    for (const [instance, invs] of byInstance) {
      const first = invs[0];
      const committedAt = this.commitTimes.get(instance);
      // The instance ends with the first invocation that got through its egress after the commit.
      const done = invs.find((i) => i.endedAt !== undefined && i.errorType === undefined && committedAt !== undefined && i.endedAt >= committedAt);
      const end = done?.endedAt ?? Math.max(...invs.map((i) => i.endedAt ?? i.startedAt));
      rows.push({
        node: instance.split('|')[0],
        instance,
        startMs: first.startedAt - this.startedAt,
        endMs: end - this.startedAt,
        durationMs: end - first.startedAt,
        start: first.cold ? 'cold' : 'warm',
        invocations: invs.length,
        retries: invs.filter((i) => i.attempt > 0 || i.reinvoked).length,
        crashes: invs.filter((i) => i.errorType === SIMULATED_CRASH).length,
        duplicates: invs.filter((i) => i.duplicate).length,
        timeouts: invs.filter((i) => i.errorType === 'Sandbox.Timedout').length,
        outcome: committedAt !== undefined ? 'committed' : this.failedInstances.has(instance) || this.onFailure.some((f) => f.instance === instance)
          ? 'failed' : 'incomplete',
      });
    }
    return rows.sort((a, b) => a.startMs - b.startMs || a.instance.localeCompare(b.instance));
  }
}

export class LocalEngine implements Invoker {
  /** Starts the servers, creates the app's tables and buckets, and opens the Lambda endpoint. */
  static async start(options: EngineOptions): Promise<LocalEngine> {
    const engine = new LocalEngine(options);
    try {
      await engine.init();
    } catch (e) {
      await engine.stop();
      throw e;
    }
    return engine;
  }

  readonly app: LocalApp;
  endpoint!: LambdaEndpoint;
  dynamodbProxy!: CountingProxy;
  s3Proxy!: CountingProxy;
  /** Where failure recorders forward to users' SQS, SNS and EventBridge destinations. */
  destinations!: DestinationsEndpoint;
  /** EventBridge Scheduler's one-time schedules, which long Waits re-invoke their functions through. */
  scheduler!: SchedulerEndpoint;
  pool!: SandboxPool;
  /** Workflow functions run in this process (EngineOptions.inProcess, overrides), if any. */
  host?: InProcessHost;
  /** Direct clients (not counted): table setup, session status and results. */
  dynamodb!: DynamoDBClient;
  s3!: S3Client;
  lambda!: LambdaClient;
  private readonly servers: LocalServer[] = [];
  private readonly functions = new Map<string, LocalFunction>();
  private tracker?: Tracker;
  private busy = false;
  /** Events run at once (LocalEngineOptions.concurrency or its default); set by start. */
  public concurrency = 0;
  /** Lambda Invoke calls answered with 429, since the engine started. */
  private throttled = 0;

  /** Real, or simulated when EngineOptions.skipTime (shared with every runtime through skipFile). */
  readonly clock: Clock;
  private readonly skipDir?: string;

  private constructor(readonly options: EngineOptions) {
    this.app = options.app;
    this.skipDir = options.skipTime === true ? mkdtempSync(join(tmpdir(), 'unum-clock-')) : undefined;
    this.clock = this.skipDir === undefined ? new RealClock() : new SkipClock(join(this.skipDir, 'offset'));
    for (const fn of this.app.functions) this.functions.set(fn.functionName, fn);
  }

  private async init(): Promise<void> {
    const o = this.options;
    const ports = o.ports ?? {};
    await Promise.all([
      assertPortFree(ports.lambda, 'Lambda endpoint', '--port'),
      assertPortFree(ports.dynamodb, 'DynamoDB endpoint', '--dynamodb-port'),
      assertPortFree(ports.s3, 'S3 endpoint', '--s3-port'),
    ]);
    let dynamodbUrl: string;
    let s3Url: string;
    if (o.servers !== undefined) {
      dynamodbUrl = o.servers.dynamodb;
      s3Url = o.servers.s3;
    } else {
      const java = javaCommand(o.java);
      checkJava(java);
      if (o.dataDir !== undefined) mkdirSync(o.dataDir, { recursive: true });
      const [dynamodb, s3] = await Promise.all([
        startDynamoDbLocal({ java, dbPath: o.dataDir === undefined ? undefined : join(o.dataDir, 'dynamodb') }),
        startS3rver({ directory: o.dataDir === undefined ? undefined : join(o.dataDir, 's3') }),
      ]);
      this.servers.push(dynamodb, s3);
      dynamodbUrl = dynamodb.endpoint;
      s3Url = s3.endpoint;
    }
    const observe = (e: Exchange): void => this.tracker?.observe(e);
    // Keys without the session id, so one seed throttles the same requests in every run.
    const injector = (service: 'dynamodb' | 's3') => (_operation: string, key: string, call?: string) => {
      const tracker = this.tracker;
      return tracker?.chaos.serviceError(service, key.split(tracker.session).join('<session>'), call);
    };
    // A fault-free run streams store requests through: only a run that injects service errors buffers them.
    const injecting = (service: 'dynamodb' | 's3') => () => (this.tracker?.chaos.serviceErrorRate(service) ?? 0) > 0;
    this.dynamodbProxy = await listenOn(() => CountingProxy.start({
      target: dynamodbUrl,
      protocol: 'dynamodb',
      port: ports.dynamodb,
      onExchange: observe,
      inject: injector('dynamodb'),
      injecting: injecting('dynamodb'),
    }), ports.dynamodb, 'DynamoDB endpoint', '--dynamodb-port');
    this.s3Proxy = await listenOn(() => CountingProxy.start({
      target: s3Url, protocol: 's3', port: ports.s3, inject: injector('s3'), injecting: injecting('s3'),
    }), ports.s3, 'S3 endpoint', '--s3-port');

    this.dynamodb = new DynamoDBClient({ region: REGION, credentials: CREDENTIALS, endpoint: dynamodbUrl });
    this.s3 = new S3Client({ region: REGION, credentials: CREDENTIALS, endpoint: s3Url, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' });
    await this.createStore();

    this.destinations = await DestinationsEndpoint.start({ dataDir: o.dataDir, exists: this.destinationExists() });
    const concurrency = o.concurrency ?? Math.max(4, cpus().length * 2);
    this.concurrency = concurrency;
    this.endpoint = await listenOn(() => LambdaEndpoint.start({
      invoker: this,
      port: ports.lambda,
      concurrency,
      retryDelay: o.retryDelayMs ?? ((attempt) => 20 * attempt),
      asyncPolicy: (name) => {
        const fn = this.functions.get(name);
        return fn && { maxRetries: fn.maxRetryAttempts, maxEventAgeMs: fn.maxEventAgeSeconds * 1000 * (o.eventAgeScale ?? 1) };
      },
      duplicate: (request) => this.duplicate(request),
      throttle: (request) => this.throttle(request),
      maxPayloadBytes: { event: 1024 * 1024, requestResponse: 6 * 1024 * 1024 },
      tracing: (name) => this.functions.get(name)?.tracing,
      observer: {
        failed: (failure) => this.failed(failure, this.sendToDestination(failure)),
        retrying: () => this.tracker?.emit(),
      },
    }), ports.lambda, 'Lambda endpoint', '--port');
    const groups = new Set(this.app.functions.map((fn) => fn.environment[SCHEDULE_ENV.GROUP]).filter((g) => g !== undefined));
    this.scheduler = await SchedulerEndpoint.start({
      clock: this.clock,
      invoke: (arn, input) => this.endpoint.enqueue(arn, input),
      lambdaIdle: () => this.endpoint.idle(),
      groupExists: (group) => groups.has(group),
      holdCallbackChecks: this.options.holdCallbackChecks,
    });
    this.lambda = new LambdaClient({
      region: REGION, credentials: CREDENTIALS, endpoint: this.endpoint.url, maxAttempts: 3, customUserAgent: ENGINE_USER_AGENT,
    });

    this.pool = new SandboxPool({
      functions: this.app.functions.map((fn) => ({
        functionName: fn.functionName,
        codeDir: fn.codeDir,
        handlerFile: fn.handlerFile,
        handlerExport: fn.handlerExport,
        environment: fn.environment[RECORDER_ENV.FORWARD] === undefined ? fn.environment : {
          ...fn.environment,
          // Only failure recorders send to SQS, SNS and EventBridge through the engine: a user's own calls are left alone.
          AWS_ENDPOINT_URL_SQS: this.destinations.url,
          AWS_ENDPOINT_URL_SNS: this.destinations.url,
          AWS_ENDPOINT_URL_EVENTBRIDGE: this.destinations.url,
        },
        timeoutSeconds: fn.timeoutSeconds,
        memorySize: fn.memorySize,
        runtime: fn.runtime,
        python: fn.python,
      })),
      python: o.python,
      baseEnvironment: {
        AWS_REGION: REGION,
        AWS_DEFAULT_REGION: REGION,
        AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
        AWS_ENDPOINT_URL_DYNAMODB: this.dynamodbProxy.url,
        AWS_ENDPOINT_URL_S3: this.s3Proxy.url,
        AWS_ENDPOINT_URL_LAMBDA: this.endpoint.url,
        AWS_ENDPOINT_URL_SCHEDULER: this.scheduler.url,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
        AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
        AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
        // Lambda provides the AWS SDK v3 to Node.js functions; locally it is this package's copy.
        NODE_PATH: sdkNodePath(),
        ...this.skipEnvironment(),
      },
      // Enough for one warm sandbox per function (as Lambda keeps them), or a long chain is all cold starts.
      maxSandboxes: o.maxSandboxes ?? Math.max(32, concurrency * 2, Math.min(this.app.functions.length, 256)),
      timeoutScale: o.timeoutScale,
      onOutput: (fn, line, requestId) => {
        this.traceLog(fn, line, requestId);
        o.onLog?.(fn, line);
      },
    });
    const overridden = new Set(o.overrides?.keys() ?? []);
    for (const node of overridden) {
      const fn = this.app.functions.find((f) => f.node === node);
      if (fn === undefined) throw new UsageError(`override for node '${node}': no function of the app is that node`);
      if (fn.python !== undefined) throw new UsageError(`override for node '${node}': it is a Python function; only Node.js nodes can be overridden`);
    }
    if (o.inProcess === true || overridden.size > 0) {
      this.host = new InProcessHost({
        endpoints: this.endpoints,
        credentials: CREDENTIALS,
        region: REGION,
        overrides: o.overrides,
        onLog: (fn, line) => {
          this.traceLog(fn, line);
          o.onLog?.(fn, line);
        },
        timeoutScale: o.timeoutScale,
        sdkNodePath: sdkNodePath(),
        environment: this.skipEnvironment(),
      }, this.app.functions.filter((f) => o.inProcess === true || (f.node !== undefined && overridden.has(f.node))));
    }
    this.writeState();
  }

  /** Endpoints the sandboxes use (counted). */
  get endpoints(): { lambda: string; dynamodb: string; s3: string; scheduler: string } {
    return { lambda: this.endpoint.url, dynamodb: this.dynamodbProxy.url, s3: this.s3Proxy.url, scheduler: this.scheduler.url };
  }

  /** A client API for a workflow's store (direct, uncounted connections). */
  client(workflow: LocalWorkflow): UnumClient {
    return new UnumClient({
      workflow: workflow.name, table: workflow.table, bucket: workflow.bucket, dynamodb: this.dynamodb, s3: this.s3, lambda: this.lambda,
    });
  }

  /** Runs one session to its end and reports it. One session at a time. */
  async run(options: RunOptions): Promise<SessionReport> {
    return this.drive(options, async (client, workflow, session) => {
      await client.startExecution({ entryNode: workflow.entry.node!, functionName: workflow.entry.functionName, input: options.input, session });
      return {};
    });
  }

  /**
   * Redrives a FAILED or TIMED_OUT session (UnumClient.redrive) and reports it when it ends again, like run:
   * the report's counts are this redrive's alone. Throws RedriveError, changing nothing, when it cannot.
   */
  async redrive(options: Omit<RunOptions, 'input' | 'session'> & { readonly session: string }): Promise<SessionReport> {
    return this.drive({ ...options, input: undefined }, async (client) => ({ redrive: await client.redrive(options.session) }));
  }

  /**
   * Answers a task token (UnumClient.sendTaskSuccess / sendTaskFailure) and reports the token's session when it
   * ends again or parks at its next callback, like run. Throws TaskTokenError, changing nothing, when the token is refused.
   */
  async callback(options: Omit<RunOptions, 'input' | 'session'> & { readonly token: string; readonly outcome: CallbackOutcome }): Promise<SessionReport> {
    const { session } = parseTaskToken(options.token).binding;
    return this.drive({ ...options, input: undefined, session }, async (client) => {
      const o = options.outcome;
      const callback = o.kind === 'success' ? await client.sendTaskSuccess(options.token, o.output) : await client.sendTaskFailure(options.token, o.error, o.cause);
      return { callback };
    });
  }

  /** Sends a heartbeat for a parked task (UnumClient.sendTaskHeartbeat): nothing runs, its heartbeat limit starts again. */
  async heartbeat(workflow: string | LocalWorkflow, token: string): Promise<CallbackResult> {
    const selected = typeof workflow === 'object' ? workflow : selectWorkflow(this.app, workflow);
    return this.client(selected).sendTaskHeartbeat(token);
  }

  /**
   * Lets the held callback checks (EngineOptions.holdCallbackChecks) fire, at once with skipTime, and reports the
   * session when it ends again or parks at its next callback; checks created from then on are held again.
   */
  async expireCallbacks(options: Omit<RunOptions, 'input'> & { readonly session: string }): Promise<SessionReport> {
    try {
      return await this.drive({ ...options, input: undefined }, async () => {
        this.scheduler.releaseCallbackChecks();
        return {};
      });
    } finally {
      if (this.options.holdCallbackChecks === true) this.scheduler.holdCallbackChecks();
    }
  }

  private async drive(options: RunOptions,
    kickoff: (client: UnumClient, workflow: LocalWorkflow, session: string) => Promise<{ redrive?: RedriveResult; callback?: CallbackResult }>,
  ): Promise<SessionReport> {
    if (this.busy) throw new Error('the local engine runs one session at a time');
    const workflow = typeof options.workflow === 'object' ? options.workflow : selectWorkflow(this.app, options.workflow);
    const faults = options.faults ?? {};
    validateFaults(faults, workflow.functions.flatMap((fn) => (fn.node === undefined ? [] : [fn.node])));
    this.busy = true;
    const chaos = new Chaos(faults);
    const session = options.session ?? randomUUID();
    const trace = new SessionTrace(this.options.dataDir === undefined ? undefined : traceFile(this.options.dataDir, session));
    trace.add({
      t: 'session',
      session,
      workflow: workflow.name,
      at: Date.now(),
      input: cut(options.input),
      ...optionalGraph(this.app, workflow),
      ...(chaos.active ? { faults } : {}),
    });
    const tracker = new Tracker(session, workflow.name, chaos, trace, options.onProgress, options.onCheckpoint);
    const storeEvent = (): TraceEvent => {
      const dynamodb = this.dynamodbProxy.snapshot();
      const s3 = this.s3Proxy.snapshot();
      return {
        t: 'store',
        at: Date.now(),
        dynamodb: dynamodb.counts,
        s3: s3.counts,
        errors: { ...dynamodb.errors, ...s3.errors },
        injected: { ...prefixed('dynamodb', dynamodb.injected), ...prefixed('s3', s3.injected) },
        rcu: tracker.rcu,
        wcu: tracker.wcu,
        requestMs: Object.fromEntries(Object.entries(tracker.requestMs).map(([op, ms]) => [op, median(ms)])),
      };
    };
    const storeTimer = setInterval(() => trace.add(storeEvent()), 1000);
    storeTimer.unref();
    this.dynamodbProxy.reset();
    this.s3Proxy.reset();
    const before = { ...this.endpoint.stats };
    const deliveredBefore = this.destinations.messages.length;
    const throttledBefore = this.throttled;
    this.tracker = tracker;
    try {
      const client = this.client(workflow);
      const started = await kickoff(client, workflow, session);
      const drained = await Promise.race([
        this.settled().then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), options.timeoutMs ?? 600_000).unref()),
      ]);
      const description = await client.describeSession(session);
      let result: unknown;
      if (description.status === 'SUCCEEDED') result = await client.getResult(session);
      const invs = tracker.invocations;
      const dynamodb = this.dynamodbProxy.snapshot();
      const s3 = this.s3Proxy.snapshot();
      const report: SessionReport = {
        workflow: workflow.name,
        session,
        status: description.status,
        ...(description.status === 'SUCCEEDED' ? { result } : {}),
        ...(description.error ? { error: description.error } : {}),
        ...(description.traceId ? { traceId: description.traceId } : {}),
        failures: description.failures,
        onFailure: tracker.onFailure,
        delivered: this.destinations.messages.slice(deliveredBefore),
        durationMs: Date.now() - tracker.startedAt,
        instances: tracker.timeline(),
        invocations: {
          total: invs.length,
          cold: invs.filter((i) => i.cold).length,
          warm: invs.filter((i) => i.cold === false).length,
          retries: invs.filter((i) => i.attempt > 0 || i.reinvoked).length,
          duplicates: invs.filter((i) => i.duplicate).length,
          crashes: invs.filter((i) => i.errorType === SIMULATED_CRASH).length,
          timeouts: invs.filter((i) => i.errorType === 'Sandbox.Timedout').length,
          errors: invs.filter((i) => i.errorType !== undefined).length,
        },
        lambda: { event: this.endpoint.stats.accepted - before.accepted, requestResponse: this.endpoint.stats.sync - before.sync },
        store: {
          dynamodb: dynamodb.counts,
          s3: s3.counts,
          total: Object.values(dynamodb.counts).concat(Object.values(s3.counts)).reduce((a, b) => a + b, 0),
          errors: { ...dynamodb.errors, ...s3.errors },
        },
        injected: {
          ...prefixed('dynamodb', dynamodb.injected),
          ...prefixed('s3', s3.injected),
          ...(this.throttled > throttledBefore ? { 'lambda:Invoke:TooManyRequestsException': this.throttled - throttledBefore } : {}),
        },
        commits: { ...tracker.commits },
        ...(started.redrive ? { redrive: started.redrive } : {}),
        ...(chaos.active ? { faults } : {}),
        ...(drained ? {} : { timedOut: true }),
      };
      trace.add(storeEvent());
      trace.add({
        t: 'done',
        at: Date.now(),
        status: report.status,
        failures: report.failures,
        ...(report.status === 'SUCCEEDED' ? { result: cut(result) } : {}),
        ...(report.error ? { error: report.error } : {}),
        ...(report.timedOut ? { timedOut: true as const } : {}),
      });
      this.recordSession(report, workflow, description);
      options.onTrace?.(trace.events);
      return report;
    } finally {
      clearInterval(storeTimer);
      trace.close();
      this.tracker = undefined;
      this.busy = false;
    }
  }

  /** Nothing runs, is queued or waits for a retry, and no schedule is still to fire. */
  private async settled(): Promise<void> {
    for (;;) {
      await this.endpoint.idle();
      if (this.scheduler.pending === 0) return;
      await this.scheduler.changed();
    }
  }

  exists(functionName: string): boolean {
    return this.functions.has(functionName);
  }

  async invoke(request: InvokeRequest): Promise<InvokeResult> {
    const fn = this.functions.get(request.functionName)!;
    const tracker = this.tracker;
    const instance = instanceOf(fn, request.payload);
    let crashAt: string | undefined;
    let record: InvocationRecord | undefined;
    let traceId = -1;
    // Functions outside workflows (the failure recorder, a user's on-failure function) are no session instances.
    if (tracker !== undefined && fn.node !== undefined) {
      const ordinal = tracker.starts.get(instance) ?? 0;
      tracker.starts.set(instance, ordinal + 1);
      if (request.invocationType === 'Event') crashAt = tracker.chaos.crash(instance, ordinal, fn.maxRetryAttempts - request.attempt);
      const retried = attemptOf(request.payload) > 0;
      record = {
        functionName: fn.functionName,
        instance,
        attempt: request.attempt,
        duplicate: request.duplicate === true,
        reinvoked: retried,
        startedAt: this.clock.now(),
        crashAt,
      };
      traceId = tracker.invocations.length;
      tracker.requests.set(request.requestId, traceId);
      tracker.trace.add({
        t: 'inv',
        id: traceId,
        fn: fn.functionName,
        node: fn.node,
        instance,
        at: record.startedAt,
        attempt: request.attempt,
        memoryMb: fn.memorySize,
        ...(record.duplicate ? { duplicate: true as const } : {}),
        ...(reinvocation(request.payload) ? { reinvoked: true as const } : {}),
        ...(retried ? { retry: true as const } : {}),
        ...(crashAt !== undefined ? { crashAt } : {}),
        input: envelopeInput(request.payload),
        ...(request.enqueuedAt !== undefined ? { queuedMs: Math.max(0, Date.now() - request.enqueuedAt) } : {}),
      });
      tracker.invocations.push(record);
      tracker.running++;
      tracker.emit();
    }
    const skippedBefore = this.clock.skippedMs();
    const real = this.host?.has(request.functionName)
      ? await this.host.invoke(request, { crashAt })
      : await this.pool.invoke(request, { crashAt });
    // The sandboxes time invocations on the real clock; what they skipped moves their end on the simulated one.
    const outcome = { ...real, startedAt: real.startedAt + skippedBefore, endedAt: real.endedAt + this.clock.skippedMs() };
    if (record !== undefined && tracker !== undefined) {
      record.cold = outcome.cold;
      record.endedAt = outcome.endedAt;
      record.errorType = outcome.error?.errorType;
      tracker.trace.add({
        t: 'end',
        id: traceId,
        at: outcome.endedAt,
        cold: outcome.cold,
        ...('initMs' in outcome && outcome.initMs !== undefined ? { initMs: outcome.initMs } : {}),
        ...(outcome.error !== undefined ? { error: { type: outcome.error.errorType, message: cut(outcome.error.errorMessage, 500) } } : {}),
      });
      tracker.running--;
      tracker.emit();
      this.options.onInvocation?.({
        functionName: fn.functionName,
        node: fn.node!,
        instance,
        payload: request.payload,
        attempt: request.attempt,
        duplicate: request.duplicate === true,
        cold: outcome.cold,
        startedAt: outcome.startedAt,
        endedAt: outcome.endedAt,
        ...(outcome.error !== undefined ? { error: { errorType: outcome.error.errorType, errorMessage: outcome.error.errorMessage } } : {}),
      });
    }
    return outcome.error !== undefined ? { error: outcome.error } : { payload: outcome.payload };
  }

  async stop(): Promise<void> {
    await this.endpoint?.stop().catch(() => undefined);
    await this.pool?.stop();
    this.host?.stop();
    await this.destinations?.stop().catch(() => undefined);
    await this.scheduler?.stop().catch(() => undefined);
    await Promise.all([this.dynamodbProxy?.stop(), this.s3Proxy?.stop()].map((p) => p?.catch(() => undefined)));
    this.lambda?.destroy();
    this.dynamodb?.destroy();
    this.s3?.destroy();
    await Promise.all(this.servers.map((s) => s.stop().catch(() => undefined)));
    this.servers.length = 0;
    if (this.skipDir !== undefined) rmSync(this.skipDir, { recursive: true, force: true });
  }

  private skipEnvironment(): Record<string, string> {
    return this.clock instanceof SkipClock ? { [SKIP_TIME_ENV]: this.clock.file } : {};
  }

  /**
   * A function's log line into the session's trace, by invocation; the runtime's metrics lines (Embedded Metric
   * Format) give the user code's duration instead of a log line.
   */
  private traceLog(functionName: string, line: string, requestId?: string): void {
    const tracker = this.tracker;
    if (tracker === undefined) return;
    // In process there is no sandbox to tell whose line it is: the runtime's JSON lines and Lambda's error lines name the request.
    const named = requestId ?? /"requestId":"([^"]+)"/.exec(line)?.[1] ?? /^ERROR\t([0-9a-f-]{36})\t/.exec(line)?.[1];
    const id = named === undefined ? undefined : tracker.requests.get(named);
    if (line.startsWith('{"') && line.includes('"_aws":')) {
      let doc: any;
      try {
        doc = JSON.parse(line);
      } catch {
        doc = undefined;
      }
      if (doc?._aws !== undefined) {
        const ms = doc.UserCodeDuration;
        if (ms !== undefined && typeof doc.instance === 'string') {
          tracker.trace.add({ t: 'user', ...(id !== undefined ? { id } : {}), instance: doc.instance, ms: Array.isArray(ms) ? ms : [ms] });
        }
        return;
      }
    }
    tracker.trace.add({ t: 'log', ...(id !== undefined ? { id } : {}), fn: functionName, at: Date.now(), line: cut(line, 2000) });
  }

  /** The destinations the app's failure recorders forward to exist (as deployed); the default event bus always does. */
  private destinationExists(): (service: DestinationService, destination: string) => boolean {
    const known = new Set(this.app.functions.flatMap((fn) => (fn.environment[RECORDER_ENV.FORWARD] === undefined ? [] : recorderForwards(fn)))
      .map((to) => `${to.kind}|${to.target}`));
    return (service, destination) => known.has(`${service}|${destination}`) || (service === 'eventbridge' && /(^|\/)default$/.test(destination));
  }

  private throttle(request: { functionName: string; payload: string; call?: string; userAgent?: string }): boolean {
    const tracker = this.tracker;
    const fn = this.functions.get(request.functionName);
    if (tracker === undefined || fn === undefined || request.userAgent?.includes(ENGINE_USER_AGENT)) return false;
    const instance = instanceOf(fn, request.payload);
    if (!tracker.chaos.aimedAt(instance)) return false;
    const chosen = tracker.chaos.serviceError('lambda', `${fn.functionName} ${instance}`, request.call) !== undefined;
    if (chosen) this.throttled++;
    return chosen;
  }

  private duplicate(request: InvokeRequest): boolean {
    const tracker = this.tracker;
    const fn = this.functions.get(request.functionName);
    if (tracker === undefined || fn === undefined) return false;
    const instance = instanceOf(fn, request.payload);
    const ordinal = tracker.deliveries.get(instance) ?? 0;
    tracker.deliveries.set(instance, ordinal + 1);
    return tracker.chaos.duplicate(instance, ordinal);
  }

  private failed(failure: AsyncFailure, record: string | undefined): void {
    const tracker = this.tracker;
    if (tracker === undefined) return;
    const fn = this.functions.get(failure.request.functionName);
    tracker.onFailure.push({
      functionName: failure.request.functionName,
      node: fn?.node,
      instance: fn ? instanceOf(fn, failure.request.payload) : '?',
      requestId: failure.request.requestId,
      attempts: failure.request.attempt + 1,
      errorType: failure.error.errorType,
      errorMessage: failure.error.errorMessage,
      destination: fn?.onFailure,
      ...(record !== undefined ? { record } : {}),
    });
    const lost = tracker.onFailure[tracker.onFailure.length - 1];
    tracker.trace.add({
      t: 'lost',
      instance: lost.instance,
      ...(lost.node !== undefined ? { node: lost.node } : {}),
      attempts: lost.attempts,
      error: { type: lost.errorType, message: cut(lost.errorMessage, 500) },
      at: Date.now(),
    });
    tracker.emit();
  }

  /**
   * Lambda's on-failure destination: when it is a function of the app (the
   * workflow's failure recorder), it is invoked asynchronously with the
   * record Lambda sends, in the same shape.
   */
  private sendToDestination(failure: AsyncFailure): string | undefined {
    const fn = this.functions.get(failure.request.functionName);
    const destination = fn?.onFailureFunction;
    if (destination === undefined || !this.functions.has(destination)) return undefined;
    const expired = failure.error.errorType === EVENT_AGE_EXCEEDED;
    let requestPayload: unknown;
    try {
      requestPayload = JSON.parse(failure.request.payload);
    } catch {
      requestPayload = failure.request.payload;
    }
    const record = {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: {
        requestId: failure.request.requestId,
        functionArn: `arn:aws:lambda:${REGION}:000000000000:function:${failure.request.functionName}:$LATEST`,
        condition: expired ? 'EventAgeExceeded' : 'RetriesExhausted',
        approximateInvokeCount: expired ? failure.request.attempt : failure.request.attempt + 1,
      },
      requestPayload,
      ...(expired ? {} : {
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        responsePayload: { errorType: failure.error.errorType, errorMessage: failure.error.errorMessage },
      }),
    };
    const json = JSON.stringify(record);
    // The destination's invocation continues the failed event's trace.
    this.endpoint.enqueue(destination, json, failure.request.traceHeader);
    return json;
  }

  private async createStore(): Promise<void> {
    for (const table of this.app.tables) {
      try {
        await this.dynamodb.send(new CreateTableCommand({
          TableName: table.name,
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: table.keySchema as any,
          AttributeDefinitions: table.attributeDefinitions as any,
          ...(table.globalSecondaryIndexes?.length ? {
            GlobalSecondaryIndexes: table.globalSecondaryIndexes.map((g: any) => ({
              IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection,
            })),
          } : {}),
        }));
        if (table.ttlAttribute !== undefined) {
          await this.dynamodb.send(new UpdateTimeToLiveCommand({
            TableName: table.name, TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
          }));
        }
      } catch (e) {
        if ((e as Error).name !== 'ResourceInUseException') throw e;
      }
    }
    for (const bucket of this.app.buckets) {
      try {
        await this.s3.send(new CreateBucketCommand({ Bucket: bucket.name }));
      } catch (e) {
        if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes((e as Error).name)) throw e;
      }
    }
  }

  /** With a data directory: which workflows use which table, and the sessions run, for `unum status/result`. */
  private writeState(): void {
    if (this.options.dataDir === undefined) return;
    const state = readState(this.options.dataDir);
    for (const w of this.app.workflows) state.workflows[w.name] = { table: w.table, bucket: w.bucket, stack: w.stack };
    writeState(this.options.dataDir, state);
  }

  private recordSession(report: SessionReport, workflow: LocalWorkflow, description: SessionDescription): void {
    if (this.options.dataDir === undefined) return;
    if (description.status !== 'RUNNING' && description.status !== 'NOT_FOUND') {
      writeEndedSession(this.options.dataDir, {
        session: report.session,
        workflow: report.workflow,
        table: workflow.table,
        description,
        ...(description.status === 'SUCCEEDED' ? { result: report.result } : {}),
      });
    }
    const state = readState(this.options.dataDir);
    state.sessions = [...state.sessions.filter((s) => s.session !== report.session), {
      session: report.session, workflow: report.workflow, status: report.status, time: new Date().toISOString(),
    }].slice(-1000);
    writeState(this.options.dataDir, state);
  }
}

/** The instance an event addresses (an entry's plain input is the entry instance). */
export function instanceOf(fn: LocalFunction, payload: string): string {
  try {
    const event = JSON.parse(payload);
    if (looksLikeEnvelope(event)) {
      return instanceKey(String(event.node), Array.isArray(event.frames) ? event.frames : [], Number(event.iteration) || 0);
    }
  } catch {
    return `${fn.node ?? fn.functionName}|invalid`;
  }
  return instanceKey(fn.node ?? fn.functionName, [], 0);
}

/** The session's graph for its trace (an assembly of an older cdk-unum has none: the report then draws no graph). */
function optionalGraph(app: LocalApp, workflow: LocalWorkflow): { graph?: ReturnType<typeof readWorkflowGraph> } {
  try {
    return { graph: readWorkflowGraph(app, workflow) };
  } catch {
    return {};
  }
}

/** What an event hands its instance: the value (cut), or where the value is. */
function envelopeInput(payload: string): string {
  try {
    const event = JSON.parse(payload);
    if (!looksLikeEnvelope(event)) return cut(event);
    const input = event.input ?? {};
    if ('value' in input) return cut(input.value);
    if (input.s3 !== undefined) return `(in S3: s3://${input.s3.bucket}/${input.s3.key})`;
    if (input.fanIn !== undefined) return `(the ${input.fanIn.size} outputs of fan-in ${input.fanIn.join})`;
    return cut(input);
  } catch {
    return cut(payload);
  }
}

function reinvocation(payload: string): boolean {
  try {
    const e = JSON.parse(payload);
    return looksLikeEnvelope(e) && (Number(e.attempt) > 0 || e.waits !== undefined || e.fanouts !== undefined || e.issue !== undefined);
  } catch {
    return false;
  }
}

function prefixed(service: string, counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [`${service}:${k}`, v]));
}

function attemptOf(payload: string): number {
  try {
    return Number(JSON.parse(payload)?.attempt) || 0;
  } catch {
    return 0;
  }
}

/** The node_modules directory that holds this package's AWS SDK (NODE_PATH of the sandboxes). */
function sdkNodePath(): string {
  const pkg = require.resolve('@aws-sdk/client-dynamodb/package.json');
  return dirname(dirname(dirname(pkg)));
}

/** A port the user asked for must be free (a clear error instead of EADDRINUSE later). */
async function assertPortFree(port: number | undefined, what: string, flag: string): Promise<void> {
  if (port === undefined || port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (e: NodeJS.ErrnoException) => reject(portError(port, what, flag, e)));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

async function listenOn<T>(start: () => Promise<T>, port: number | undefined, what: string, flag: string): Promise<T> {
  try {
    return await start();
  } catch (e) {
    throw portError(port ?? 0, what, flag, e as NodeJS.ErrnoException);
  }
}

function portError(port: number, what: string, flag: string, e: NodeJS.ErrnoException): Error {
  if (e.code === 'EADDRINUSE') {
    return new UsageError(`port ${port} (${what}, ${flag}) is already in use on 127.0.0.1: choose another port, `
      + 'or leave the option out to use a free one');
  }
  if (e.code === 'EACCES') return new UsageError(`port ${port} (${what}, ${flag}) cannot be opened (permission denied): choose a port above 1023`);
  return e;
}
