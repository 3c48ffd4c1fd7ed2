import { AsyncLocalStorage } from 'async_hooks';
import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { now } from './stats';
import { createRuntime, loadUserHandler, RuntimeHandler, readConfig } from '../../lambda-runtime';
import type { UnumHandler } from '../../lambda-runtime';
import { Egress } from '../../lambda-runtime/egress';
import { itemKind } from '../../src/protocol/keys';
import { UnumClient } from '../../toolkit/src/client';
import { LocalApp, LocalFunction, LocalWorkflow, selectWorkflow } from '../../toolkit/src/local/assembly';
import { READ_OPS, S3_PUT_CLASS, WRITE_OPS, itemSize } from '../../toolkit/src/local/capacity';
import { CountingProxy, Exchange } from '../../toolkit/src/local/counting-proxy';
import { InvokeRequest, InvokeResult, Invoker, LambdaEndpoint } from '../../toolkit/src/local/lambda-endpoint';
import { LocalServer, startDynamoDbLocal, startS3rver } from '../../toolkit/src/local/servers';

/**
 * The benchmarks' in-process world: the real runtime (createRuntime, the
 * same code as the layer) for every function of a synthesized app, with the
 * configuration read from the function's synthesized environment, real AWS
 * SDK v3 clients, AWS's DynamoDB Local and s3rver behind counting proxies
 * (toolkit/src/local/counting-proxy.ts), and the Lambda Invoke endpoint with async
 * semantics. Only the sandbox processes of the local engine are missing:
 * every function runs in this process.
 *
 * What is counted, and where:
 * - the proxies log every request the servers receive (operation, request,
 *   response): request totals, capacity units, writes per partition key;
 * - an SDK middleware on the runtime's clients asks DynamoDB for
 *   `ReturnConsumedCapacity: 'TOTAL'` (the runtime does not) and attributes
 *   each request to the function whose invocation sent it.
 */

export const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** The function whose invocation is running (per-function attribution). */
const current = new AsyncLocalStorage<string>();

/** Structural actions the runtime's egress evaluated (for Step Functions' state-transition count). */
export const egressSteps: Record<string, number> = {};
let egressPatched = false;
function patchEgress(): void {
  if (egressPatched) return;
  egressPatched = true;
  const proto = Egress.prototype as any;
  const step = proto.step;
  proto.step = function (this: unknown, action: { kind: string }, ...rest: unknown[]) {
    egressSteps[action.kind] = (egressSteps[action.kind] ?? 0) + 1;
    return step.call(this, action, ...rest);
  };
}

export { attributeValueSize, itemSize } from '../../toolkit/src/local/capacity';

/** One measurement window of store traffic, as the servers saw it. */
export interface LedgerSnapshot {
  readonly dynamodb: Record<string, number>;
  readonly s3: Record<string, number>;
  readonly dynamodbRequests: number;
  readonly s3Requests: number;
  /** Read / write capacity units: what DynamoDB Local reported (ReturnConsumedCapacity), failed requests estimated. */
  readonly rcu: number;
  readonly wcu: number;
  /** Failed requests by `operation:error` (conditional-check failures are charged like writes). */
  readonly errors: Record<string, number>;
  /** Write requests on the busiest partition key, and that key. */
  readonly maxWritesPerKey: number;
  readonly hottestKey?: string;
  readonly writeKeys: number;
  /** Requests whose capacity had to be estimated (no ConsumedCapacity in an error response). */
  readonly estimatedCapacity: number;
  /** Largest item written (bytes, DynamoDB's rules), from the requests and ALL_NEW responses. */
  readonly largestItemBytes: number;
  readonly s3PutClass: number;
  readonly s3GetClass: number;
  /** Sizes (bytes) of the checkpoint items written (pk `C#…`), for the original-unum cost model. */
  readonly checkpointBytes: number[];
  /** Arrivals per join instance (set ADDs on its shard items): the join's width. */
  readonly joinArrivals: Record<string, number>;
}

export class StoreLedger {
  private dynamodb: Record<string, number> = {};
  private s3: Record<string, number> = {};
  private errors: Record<string, number> = {};
  private writesByKey = new Map<string, number>();
  private rcu = 0;
  private wcu = 0;
  private estimated = 0;
  private largest = 0;
  private checkpoints: number[] = [];
  private joins: Record<string, number> = {};

  reset(): void {
    this.checkpoints = [];
    this.joins = {};
    this.dynamodb = {};
    this.s3 = {};
    this.errors = {};
    this.writesByKey = new Map();
    this.rcu = 0;
    this.wcu = 0;
    this.estimated = 0;
    this.largest = 0;
  }

  observe(e: Exchange): void {
    if (e.protocol === 's3') {
      this.s3[e.operation] = (this.s3[e.operation] ?? 0) + 1;
      if (e.errorType) this.errors[`${e.operation}:${e.errorType}`] = (this.errors[`${e.operation}:${e.errorType}`] ?? 0) + 1;
      return;
    }
    const op = e.operation;
    this.dynamodb[op] = (this.dynamodb[op] ?? 0) + 1;
    if (e.errorType) this.errors[`${op}:${e.errorType}`] = (this.errors[`${op}:${e.errorType}`] ?? 0) + 1;
    const req = e.request ?? {};
    if (WRITE_OPS.has(op)) {
      const keys: string[] = [];
      if (op === 'BatchWriteItem') {
        for (const reqs of Object.values<any>(req.RequestItems ?? {})) {
          for (const r of reqs) keys.push(r.PutRequest?.Item?.pk?.S ?? r.DeleteRequest?.Key?.pk?.S);
        }
      } else {
        keys.push(req.Item?.pk?.S ?? req.Key?.pk?.S);
      }
      for (const k of keys) if (k !== undefined) this.writesByKey.set(k, (this.writesByKey.get(k) ?? 0) + 1);
      this.largest = Math.max(this.largest, itemSize(req.Item), itemSize(e.response?.Attributes));
      const pk: string | undefined = req.Item?.pk?.S ?? req.Key?.pk?.S;
      if (op === 'PutItem' && itemKind(pk ?? '')?.kind === 'C' && !e.errorType) this.checkpoints.push(itemSize(req.Item));
      if (op === 'UpdateItem' && pk !== undefined && itemKind(pk)?.kind === 'J' && req.Key?.sk?.S === 'J') {
        const join = pk.slice(0, pk.lastIndexOf('#'));
        this.joins[join] = (this.joins[join] ?? 0) + 1;
      }
    }
    const consumed = e.response?.ConsumedCapacity;
    const units = Array.isArray(consumed) ? consumed.reduce((n: number, c: any) => n + (c.CapacityUnits ?? 0), 0) : consumed?.CapacityUnits;
    let capacity: number;
    if (typeof units === 'number') {
      capacity = units;
    } else {
      // An error response carries no ConsumedCapacity. A failed conditional write is still charged: 1 WCU per KB of the item.
      this.estimated++;
      capacity = WRITE_OPS.has(op) ? Math.max(1, Math.ceil(itemSize(req.Item) / 1024)) : READ_OPS.has(op) ? 1 : 0;
    }
    if (WRITE_OPS.has(op)) this.wcu += capacity;
    else if (READ_OPS.has(op)) this.rcu += capacity;
  }

  snapshot(): LedgerSnapshot {
    let hottestKey: string | undefined;
    let maxWrites = 0;
    for (const [k, n] of this.writesByKey) {
      if (n > maxWrites) {
        maxWrites = n;
        hottestKey = k;
      }
    }
    const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
    const s3PutClass = Object.entries(this.s3).filter(([op]) => S3_PUT_CLASS.has(op)).reduce((n, [, c]) => n + c, 0);
    return {
      dynamodb: { ...this.dynamodb },
      s3: { ...this.s3 },
      dynamodbRequests: sum(this.dynamodb),
      s3Requests: sum(this.s3),
      rcu: this.rcu,
      wcu: this.wcu,
      errors: { ...this.errors },
      maxWritesPerKey: maxWrites,
      hottestKey,
      writeKeys: this.writesByKey.size,
      estimatedCapacity: this.estimated,
      largestItemBytes: this.largest,
      s3PutClass,
      s3GetClass: sum(this.s3) - s3PutClass,
      checkpointBytes: [...this.checkpoints],
      joinArrivals: { ...this.joins },
    };
  }
}

/** DynamoDB Local and s3rver, each behind a counting proxy feeding one ledger. */
export class BenchServers {
  static async start(): Promise<BenchServers> {
    const [dynamodb, s3] = await Promise.all([startDynamoDbLocal(), startS3rver()]);
    const ledger = new StoreLedger();
    const observe = (e: Exchange): void => ledger.observe(e);
    const dynamodbProxy = await CountingProxy.start({ target: dynamodb.endpoint, protocol: 'dynamodb', onExchange: observe });
    const s3Proxy = await CountingProxy.start({ target: s3.endpoint, protocol: 's3', onExchange: observe });
    return new BenchServers([dynamodb, s3], dynamodbProxy, s3Proxy, ledger);
  }

  private constructor(
    private readonly servers: LocalServer[],
    readonly dynamodbProxy: CountingProxy,
    readonly s3Proxy: CountingProxy,
    readonly ledger: StoreLedger,
  ) {}

  /** The servers themselves (uncounted). */
  get direct(): { dynamodb: string; s3: string } {
    return { dynamodb: this.servers[0].endpoint, s3: this.servers[1].endpoint };
  }

  async stop(): Promise<void> {
    await this.dynamodbProxy.stop();
    await this.s3Proxy.stop();
    await Promise.all(this.servers.map((s) => s.stop()));
  }
}

/** Store requests the runtime's SDK clients sent, by function, then command (DynamoDB and S3). */
export class FunctionCounter {
  byFunction: Record<string, Record<string, number>> = {};
  reset(): void {
    this.byFunction = {};
  }
  attach(client: DynamoDBClient | S3Client | LambdaClient, askCapacity: boolean): void {
    (client.middlewareStack as any).add((next: any, context: any) => async (args: any) => {
      const fn = (this.byFunction[current.getStore() ?? 'client'] ??= {});
      fn[context.commandName] = (fn[context.commandName] ?? 0) + 1;
      if (askCapacity && args.input && args.input.ReturnConsumedCapacity === undefined) {
        args.input.ReturnConsumedCapacity = 'TOTAL';
      }
      return next(args);
    }, { step: 'initialize', name: 'unumBenchCounter' });
  }
  /** Store requests (everything but Lambda) sent by one function. */
  storeRequests(functionName: string): number {
    return Object.entries(this.byFunction[functionName] ?? {})
      .filter(([command]) => command !== 'InvokeCommand')
      .reduce((n, [, c]) => n + c, 0);
  }
  invokes(functionName: string): number {
    return this.byFunction[functionName]?.InvokeCommand ?? 0;
  }
}

export interface WorldOptions {
  /** In-process user handlers by node (default: the function's own code asset, as Lambda would load it). */
  readonly handlers?: Record<string, UnumHandler>;
  /** Async invocations running at once (default 64). */
  readonly concurrency?: number;
  /** Notified as the Lambda endpoint accepts each async event. */
  readonly onAccepted?: (request: InvokeRequest) => void;
  /** Each function's timeout as its Lambda context reports it (default: the synthesized timeout is ignored, no limit). */
  readonly timeoutMs?: number;
  /** Deliver this async event a second time (duplicate injection). */
  readonly duplicate?: (request: InvokeRequest) => boolean;
}

export interface RunResult {
  readonly session: string;
  readonly status: string;
  readonly result: unknown;
  readonly ms: number;
  readonly store: LedgerSnapshot;
  /** Lambda invocations executed (the entry's included) and async Invoke requests accepted. */
  readonly lambdaInvocations: number;
  /** User-code runs, by node. */
  readonly userRuns: Record<string, number>;
  /** Egress actions evaluated, by kind. */
  readonly egress: Record<string, number>;
  /** Store requests by function (SDK-side attribution), function name → command → count. */
  readonly byFunction: Record<string, Record<string, number>>;
  /** Invocations and the longest invocation (ms), by function name. */
  readonly invocations: Record<string, { count: number; maxMs: number }>;
}

/** One workflow of a synthesized app, deployed in process. */
export class BenchWorld implements Invoker {
  static async create(servers: BenchServers, app: LocalApp, workflow: string, options: WorldOptions = {}): Promise<BenchWorld> {
    patchEgress();
    const world = new BenchWorld(servers, selectWorkflow(app, workflow), app, options);
    await world.init();
    return world;
  }

  readonly counter = new FunctionCounter();
  readonly functions = new Map<string, RuntimeHandler>();
  readonly nodes = new Map<string, LocalFunction>();
  endpoint!: LambdaEndpoint;
  private readonly dynamodb: DynamoDBClient;
  private readonly s3: S3Client;
  private lambda!: LambdaClient;
  private client!: UnumClient;
  private directDynamodb: DynamoDBClient;
  private directS3: S3Client;
  private userRuns: Record<string, number> = {};
  private invocations: Record<string, { count: number; maxMs: number }> = {};

  private constructor(readonly servers: BenchServers, readonly workflow: LocalWorkflow, readonly app: LocalApp, readonly options: WorldOptions) {
    this.dynamodb = new DynamoDBClient({ region: REGION, credentials: CREDENTIALS, endpoint: servers.dynamodbProxy.url });
    this.s3 = new S3Client({
      region: REGION, credentials: CREDENTIALS, endpoint: servers.s3Proxy.url, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    this.counter.attach(this.dynamodb, true);
    this.counter.attach(this.s3, false);
    this.directDynamodb = new DynamoDBClient({ region: REGION, credentials: CREDENTIALS, endpoint: servers.direct.dynamodb });
    this.directS3 = new S3Client({
      region: REGION, credentials: CREDENTIALS, endpoint: servers.direct.s3, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED',
    });
  }

  private async init(): Promise<void> {
    for (const table of this.app.tables.filter((t) => t.name === this.workflow.table)) {
      try {
        await this.directDynamodb.send(new CreateTableCommand({
          TableName: table.name, BillingMode: 'PAY_PER_REQUEST', KeySchema: table.keySchema as any, AttributeDefinitions: table.attributeDefinitions as any,
        }));
        if (table.ttlAttribute) {
          await this.directDynamodb.send(new UpdateTimeToLiveCommand({
            TableName: table.name, TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
          }));
        }
      } catch (e) {
        if ((e as Error).name !== 'ResourceInUseException') throw e;
      }
    }
    if (this.workflow.bucket) {
      try {
        await this.directS3.send(new CreateBucketCommand({ Bucket: this.workflow.bucket }));
      } catch (e) {
        if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes((e as Error).name)) throw e;
      }
    }
    this.endpoint = await LambdaEndpoint.start({
      invoker: this,
      concurrency: this.options.concurrency ?? 64,
      retryDelayMs: 1,
      observer: { accepted: (r) => this.options.onAccepted?.(r) },
      duplicate: this.options.duplicate,
    });
    this.lambda = new LambdaClient({ region: REGION, credentials: CREDENTIALS, endpoint: this.endpoint.url, maxAttempts: 3 });
    this.counter.attach(this.lambda, false);
    this.client = new UnumClient({
      workflow: this.workflow.name,
      table: this.workflow.table,
      bucket: this.workflow.bucket,
      dynamodb: this.directDynamodb,
      s3: this.directS3,
      lambda: this.lambda,
    });
    for (const fn of this.workflow.functions) {
      const env: Record<string, string> = { ...fn.environment, LAMBDA_TASK_ROOT: fn.codeDir };
      const config = readConfig(env);
      const node = config.node;
      this.nodes.set(node, fn);
      const own = this.options.handlers?.[node];
      const count = (h: UnumHandler): UnumHandler => (input, ctx) => {
        this.userRuns[node] = (this.userRuns[node] ?? 0) + 1;
        return h(input, ctx);
      };
      this.functions.set(fn.functionName, createRuntime({
        config,
        userHandler: own ? count(own) : { load: async () => count(await loadUserHandler(env.UNUM_USER_HANDLER, env)) },
        clients: { dynamodb: this.dynamodb, s3: this.s3, lambda: this.lambda },
        table: env.UNUM_TABLE,
        bucket: env.UNUM_BUCKET || undefined,
        ttlSeconds: env.UNUM_TTL_SECONDS ? Number(env.UNUM_TTL_SECONDS) : undefined,
        payloadThreshold: env.UNUM_PAYLOAD_THRESHOLD ? Number(env.UNUM_PAYLOAD_THRESHOLD) : undefined,
        eagerGc: env.UNUM_EAGER_GC === '1' || env.UNUM_EAGER_GC === 'true',
        functionName: fn.functionName,
        logger: silent,
      }));
    }
  }

  exists(functionName: string): boolean {
    return this.functions.has(functionName);
  }

  async invoke(request: InvokeRequest): Promise<InvokeResult> {
    const fn = this.functions.get(request.functionName)!;
    const started = now();
    const deadline = Date.now() + (this.options.timeoutMs ?? Infinity);
    try {
      const out = await current.run(request.functionName, () => fn(JSON.parse(request.payload), {
        awsRequestId: request.requestId, functionName: request.functionName, getRemainingTimeInMillis: () => deadline - Date.now(),
      } as any));
      return { payload: JSON.stringify(out ?? null) };
    } catch (e) {
      return { error: { errorType: (e as Error).name, errorMessage: (e as Error).message } };
    } finally {
      const stat = (this.invocations[request.functionName] ??= { count: 0, maxMs: 0 });
      stat.count++;
      stat.maxMs = Math.max(stat.maxMs, now() - started);
    }
  }

  /** One session, start to drain; the counts cover exactly this session's runtime traffic. */
  async run(input: unknown): Promise<RunResult> {
    await this.endpoint.idle();
    this.servers.ledger.reset();
    this.counter.reset();
    this.userRuns = {};
    this.invocations = {};
    for (const k of Object.keys(egressSteps)) delete egressSteps[k];
    const executed = this.endpoint.stats.executed;
    const t0 = now();
    const { session } = await this.client.startExecution({
      entryNode: this.workflow.entry.node!, functionName: this.workflow.entry.functionName, input,
    });
    await this.endpoint.idle();
    const ms = now() - t0;
    const store = this.servers.ledger.snapshot();
    const description = await this.client.describeSession(session);
    const result = description.status === 'SUCCEEDED' ? await this.client.getResult(session) : description.error;
    const byFunction = JSON.parse(JSON.stringify(this.counter.byFunction));
    delete byFunction.client;
    return {
      session,
      status: description.status,
      result,
      ms,
      store,
      lambdaInvocations: this.endpoint.stats.executed - executed,
      userRuns: { ...this.userRuns },
      egress: { ...egressSteps },
      byFunction,
      invocations: JSON.parse(JSON.stringify(this.invocations)),
    };
  }

  functionOf(node: string): string {
    return this.nodes.get(node)!.functionName;
  }

  async close(): Promise<void> {
    await this.endpoint.idle();
    await this.endpoint.stop();
    for (const c of [this.lambda, this.dynamodb, this.s3, this.directDynamodb, this.directS3]) c.destroy();
  }
}
