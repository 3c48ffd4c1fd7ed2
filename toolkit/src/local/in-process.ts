import { readFileSync } from 'fs';
import { dirname, join } from 'path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { S3Client } from '@aws-sdk/client-s3';
import { SCHEDULE_ENV, SKIP_TIME_ENV } from 'cdk-unum/lib/protocol';
import { eagerGcEnabled, LocalFunction } from './assembly';
import { InvokeRequest } from './lambda-endpoint';
import { SandboxOutcome } from './sandboxes';

/**
 * Node.js workflow functions run in the engine's own process (the test
 * runner's fast mode): the runtime is the function's own layer file (the
 * bundle Lambda would load, unmodified), given clients on the engine's
 * counted endpoints, so every store request and every successor Invoke still
 * goes over HTTP to DynamoDB Local, s3rver and the Lambda endpoint (its async
 * queue, retries, payload limits). What is skipped is only the sandbox
 * process: one runtime and one user-module instance per function, kept for
 * the engine's life like a warm sandbox.
 *
 * What a process cannot give: the function's environment variables are not
 * set in process.env (the runtime gets its configuration explicitly; user
 * code that reads its own variables should run faithful), X-Ray headers are
 * not propagated, and a timed-out invocation is reported as Lambda reports
 * it but its code is not killed.
 */

/** The part of the layer bundle's exports used here (lambda-runtime/index.ts). */
interface RuntimeBundle {
  createRuntime(options: Record<string, unknown>): (event: unknown, context: unknown) => Promise<unknown>;
  readConfig(env: Record<string, string | undefined>): unknown;
  loadUserHandler(spec: string | undefined, env: Record<string, string | undefined>): Promise<UserHandler>;
  crashAt(steps: string[]): unknown;
  clockFromEnv(env: Record<string, string | undefined>): unknown;
}

/** The layer's clock (src/protocol/clock.ts), as the bundle builds it. */
interface HostedClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  skippedMs(): number;
}

/** A node's user code: the event and the unum context, as UnumHandler. */
export type UserHandler = (event: unknown, context: unknown) => unknown;

export interface InProcessOptions {
  readonly endpoints: { readonly dynamodb: string; readonly s3: string; readonly lambda: string; readonly scheduler?: string };
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly region: string;
  /** Replaces a node's user code (by node name). */
  readonly overrides?: ReadonlyMap<string, UserHandler>;
  /** Every line a function writes (logs and metrics), as a sandbox's output. */
  readonly onLog?: (functionName: string, line: string) => void;
  /** Multiplies each function's timeout (default 1). */
  readonly timeoutScale?: number;
  /** Where the AWS SDK is (Lambda provides it to Node.js functions; a user module resolves it here as in a sandbox). */
  readonly sdkNodePath: string;
  /** Added to each function's environment, as the sandboxes' base environment (e.g. SKIP_TIME_ENV). */
  readonly environment?: Readonly<Record<string, string>>;
}

// The real module loader (not a test framework's registry): the bundle and user modules load as Lambda loads them.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const NodeModule = require('module') as {
  new (id: string, parent?: unknown): { filename: string; paths: string[]; exports: any; loaded: boolean; _compile(src: string, file: string): void };
  createRequire(file: string): (id: string) => any;
  _nodeModulePaths(dir: string): string[];
};

/** Whether the in-process host can run this function (Node.js workflow nodes); the others keep their sandboxes. */
export function runsInProcess(fn: LocalFunction): boolean {
  return fn.node !== undefined && fn.python === undefined && !fn.runtime.startsWith('python') && /\.c?js$/.test(fn.handlerFile);
}

type Runtime = (event: unknown, context: unknown) => Promise<unknown>;

class Hosted {
  /** Runtime per crash setting ('' none): the runtime reads its fault hook when it is created, as the sandbox's per-setting variants. */
  private readonly variants = new Map<string, Runtime>();
  private user?: Promise<UserHandler>;
  warm = false;

  constructor(readonly fn: LocalFunction, private readonly bundle: RuntimeBundle, private readonly host: InProcessHost) {}

  runtime(crashAt: string | undefined): Runtime {
    const key = crashAt ?? '';
    let rt = this.variants.get(key);
    if (rt === undefined) {
      rt = this.create(crashAt);
      this.variants.set(key, rt);
    }
    return rt;
  }

  private create(crashAt: string | undefined): Runtime {
    const env: Record<string, string> = { ...this.host.options.environment, ...this.fn.environment, LAMBDA_TASK_ROOT: this.fn.codeDir };
    const write = (line: string): void => this.host.options.onLog?.(this.fn.functionName, line);
    // Debug lines only when the function asks for them (its log level), as its own logger would decide.
    const wanted = (env.AWS_LAMBDA_LOG_LEVEL || env.UNUM_LOG_LEVEL || 'info').toLowerCase();
    const debug = wanted === 'debug' || wanted === 'trace';
    const log = (level: string) => (message: string, fields?: Record<string, unknown>): void => {
      if (level === 'debug' && !debug) return;
      write(JSON.stringify({ timestamp: new Date().toISOString(), level, message, ...fields }));
    };
    const config = this.bundle.readConfig(env) as { workflow: string; node: string };
    const base = { workflow: config.workflow, node: config.node };
    const logger = {
      debug: (m: string, f?: Record<string, unknown>) => log('debug')(m, { ...f, ...base }),
      info: (m: string, f?: Record<string, unknown>) => log('info')(m, { ...f, ...base }),
      warn: (m: string, f?: Record<string, unknown>) => log('warn')(m, { ...f, ...base }),
      error: (m: string, f?: Record<string, unknown>) => log('error')(m, { ...f, ...base }),
    };
    return this.bundle.createRuntime({
      config,
      userHandler: { load: () => this.userHandler(env) },
      clients: this.host.clients,
      table: env.UNUM_TABLE,
      bucket: env.UNUM_BUCKET || undefined,
      ttlSeconds: env.UNUM_TTL_SECONDS ? Number(env.UNUM_TTL_SECONDS) : undefined,
      payloadThreshold: env.UNUM_PAYLOAD_THRESHOLD ? Number(env.UNUM_PAYLOAD_THRESHOLD) : undefined,
      eagerGc: eagerGcEnabled({ environment: env }),
      functionName: this.fn.functionName,
      ...(env[SCHEDULE_ENV.GROUP] && env[SCHEDULE_ENV.ROLE_ARN]
        ? { schedule: { group: env[SCHEDULE_ENV.GROUP], roleArn: env[SCHEDULE_ENV.ROLE_ARN] } } : {}),
      faults: crashAt === undefined ? undefined : this.bundle.crashAt(crashAt.split(',').map((s) => s.trim())),
      logger,
      metricsWriter: write,
      clock: this.host.quietOnStop(this.bundle.clockFromEnv(env) as HostedClock, Boolean(env[SKIP_TIME_ENV])),
    }) as Runtime;
  }

  /** The node's user code, loaded once for all variants (one module instance per function, as one warm sandbox holds). */
  private userHandler(env: Record<string, string>): Promise<UserHandler> {
    const override = this.host.options.overrides?.get(this.fn.node!);
    if (override !== undefined) return Promise.resolve(override);
    this.user ??= this.host.loadUser(env, this.bundle).catch((e) => {
      this.user = undefined;
      throw e;
    });
    return this.user;
  }
}

export class InProcessHost {
  readonly clients: { dynamodb: DynamoDBClient; s3: S3Client; lambda: LambdaClient; scheduler?: { destroy(): void } };
  private readonly hosted = new Map<string, Hosted>();
  /** One bundle instance per layer file (functions of one layer share its code, as they share the layer). */
  private readonly bundles = new Map<string, RuntimeBundle>();
  private stopped = false;
  private readonly sleeps = new Set<NodeJS.Timeout>();

  constructor(readonly options: InProcessOptions, functions: readonly LocalFunction[]) {
    const { region, credentials, endpoints } = options;
    // The SDK copy the bundle itself loads (outside any test framework's module registry): clients and commands agree.
    const sdk = NodeModule.createRequire(join(options.sdkNodePath, 'index.js'));
    const { DynamoDBClient } = sdk('@aws-sdk/client-dynamodb');
    const { S3Client } = sdk('@aws-sdk/client-s3');
    const { LambdaClient } = sdk('@aws-sdk/client-lambda');
    this.clients = {
      dynamodb: new DynamoDBClient({ region, credentials, endpoint: endpoints.dynamodb, maxAttempts: 5 }),
      s3: new S3Client({ region, credentials, endpoint: endpoints.s3, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' }),
      lambda: new LambdaClient({ region, credentials, endpoint: endpoints.lambda, maxAttempts: 3 }),
      ...(endpoints.scheduler !== undefined ? { scheduler: new (sdk('@aws-sdk/client-scheduler').SchedulerClient)({ region, credentials, endpoint: endpoints.scheduler, maxAttempts: 3 }) } : {}),
    };
    for (const fn of functions) if (runsInProcess(fn)) this.hosted.set(fn.functionName, new Hosted(fn, this.bundle(fn.handlerFile), this));
  }

  has(functionName: string): boolean {
    return this.hosted.has(functionName);
  }

  async invoke(request: InvokeRequest, options: { crashAt?: string } = {}): Promise<SandboxOutcome> {
    const hosted = this.hosted.get(request.functionName)!;
    const fn = hosted.fn;
    const startedAt = Date.now();
    const cold = !hosted.warm;
    hosted.warm = true;
    const timeoutMs = fn.timeoutSeconds * 1000 * (this.options.timeoutScale ?? 1);
    const deadline = startedAt + timeoutMs;
    const context = {
      awsRequestId: request.requestId,
      functionName: fn.functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${this.options.region}:000000000000:function:${fn.functionName}`,
      memoryLimitInMB: String(fn.memorySize),
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const event = JSON.parse(request.payload);
      const result = await Promise.race([hosted.runtime(options.crashAt)(event, context), timedOut]);
      if (result === 'timeout') {
        // Lambda's own words for a function that ran out of time; the sandbox's are the same (sandboxes.ts).
        return {
          cold,
          startedAt,
          endedAt: Date.now(),
          timedOut: true,
          error: { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds` },
        };
      }
      return { cold, startedAt, endedAt: Date.now(), timedOut: false, payload: JSON.stringify(result === undefined ? null : result) };
    } catch (e) {
      const error = e as Error;
      this.options.onLog?.(fn.functionName, `ERROR\t${request.requestId}\t${error?.name}: ${error?.message}`);
      return {
        cold,
        startedAt,
        endedAt: Date.now(),
        timedOut: false,
        error: { errorType: error?.name || 'Error', errorMessage: error?.message ?? String(e) },
      };
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The clock as the runtimes get it: once the host stops, a sleep never ends (a real timer is dropped), so an
   * invocation still waiting (a Wait, a retry interval) goes quiet instead of calling endpoints that are gone.
   */
  quietOnStop(clock: HostedClock, skipping: boolean): HostedClock {
    const never = new Promise<void>(() => undefined);
    return {
      now: () => clock.now(),
      skippedMs: () => clock.skippedMs(),
      sleep: (ms) => {
        if (this.stopped) return never;
        // Simulated time passes at once (the clock's own sleep); a real sleep is a timer the host can drop.
        if (skipping) return clock.sleep(ms).then(() => (this.stopped ? never : undefined));
        return new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            this.sleeps.delete(timer);
            resolve();
          }, Math.max(0, ms));
          this.sleeps.add(timer);
        });
      },
    };
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.sleeps) clearTimeout(timer);
    this.sleeps.clear();
    this.clients.dynamodb.destroy();
    this.clients.s3.destroy();
    this.clients.lambda.destroy();
    this.clients.scheduler?.destroy();
  }

  /**
   * A user module, loaded afresh for each function (its own module instance, as in its own sandbox) with the
   * AWS SDK resolvable as Lambda provides it. ES modules go through the runtime's own loader.
   */
  async loadUser(env: Record<string, string>, bundle: RuntimeBundle): Promise<UserHandler> {
    const spec = env.UNUM_USER_HANDLER;
    const dot = spec?.lastIndexOf('.') ?? -1;
    const file = spec === undefined || dot <= 0 ? undefined : ['.js', '.cjs', ''].map((ext) => join(env.LAMBDA_TASK_ROOT, spec.slice(0, dot)) + ext)
      .find((f) => { try { return readFileSync(f) !== undefined; } catch { return false; } });
    if (file === undefined) return bundle.loadUserHandler(spec, env);
    const mod = this.compile(file);
    const name = spec!.slice(dot + 1);
    const fn = mod[name] ?? mod.default?.[name];
    if (typeof fn !== 'function') throw new Error(`${file} does not export a function '${name}'`);
    return fn;
  }

  private bundle(file: string): RuntimeBundle {
    let bundle = this.bundles.get(file);
    if (bundle === undefined) {
      bundle = this.compile(file) as RuntimeBundle;
      this.bundles.set(file, bundle);
    }
    return bundle;
  }

  private compile(file: string): any {
    const mod = new NodeModule(file);
    mod.filename = file;
    mod.paths = [...NodeModule._nodeModulePaths(dirname(file)), this.options.sdkNodePath];
    mod._compile(readFileSync(file, 'utf8'), file);
    mod.loaded = true;
    return mod.exports;
  }
}
