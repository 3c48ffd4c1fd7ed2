import { AsyncLocalStorage } from 'async_hooks';
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { createRuntime, FaultHook, RuntimeHandler, RuntimeOptions, UnumHandler } from '../../lambda-runtime';
import {
  Action, DataFlow, Envelope, FunctionConfig, RetryRule, CatchRule, StartAction, checkpointKeyPrefix, itemKind, joinKeyBase, sessionItemKey,
} from '../../src/protocol';
import { UnumClient } from '../../toolkit/src/client';
import { Invoker, InvokeRequest, InvokeResult, LambdaEndpoint, LambdaEndpointOptions } from '../../toolkit/src/local/lambda-endpoint';

/**
 * A test world: a fresh table and bucket in the shared DynamoDB Local and
 * s3rver, a Lambda Invoke endpoint, and workflow functions run in process by
 * createRuntime with real SDK clients (counted per command).
 */

export const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** The function whose invocation is running (for per-function counts). */
const current = new AsyncLocalStorage<string>();

export class Counter {
  counts: Record<string, number> = {};
  /** Requests by function name, then command. */
  byFunction: Record<string, Record<string, number>> = {};
  /** Successful conditional checkpoint puts, by partition key. */
  commits: Record<string, number> = {};
  reset(): void {
    this.counts = {};
    this.commits = {};
    this.byFunction = {};
  }
  total(commands: string[] = ['GetItemCommand', 'PutItemCommand', 'UpdateItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'BatchWriteItemCommand']): number {
    return commands.reduce((n, c) => n + (this.counts[c] ?? 0), 0);
  }
  attach(client: DynamoDBClient | S3Client | LambdaClient): void {
    (client.middlewareStack as any).add((next: any, context: any) => async (args: any) => {
      this.counts[context.commandName] = (this.counts[context.commandName] ?? 0) + 1;
      const fn = (this.byFunction[current.getStore() ?? 'client'] ??= {});
      fn[context.commandName] = (fn[context.commandName] ?? 0) + 1;
      const out = await next(args);
      const input = args.input;
      if (context.commandName === 'PutItemCommand' && input.ConditionExpression && itemKind(input.Item?.pk?.S ?? '')?.kind === 'C') {
        this.commits[input.Item.pk.S] = (this.commits[input.Item.pk.S] ?? 0) + 1;
      }
      return out;
    }, { step: 'initialize', name: 'unumTestCounter' });
  }
}

let seq = 0;

export interface WorldOptions {
  readonly payloadThreshold?: number;
  readonly eagerGc?: boolean;
  readonly endpoint?: Partial<LambdaEndpointOptions>;
  /** Remaining time each invocation reports (default: unknown → no timeout). */
  readonly remainingMs?: number;
  /** The workflow the client starts and reads (default 'wf'). */
  readonly workflow?: string;
  /** Use this world's table and bucket instead of new ones (two workflows sharing one store). */
  readonly shareStoreOf?: World;
}

export interface FnSpec {
  readonly node: string;
  readonly next: Action;
  readonly handler: UnumHandler;
  readonly entry?: boolean;
  readonly retry?: RetryRule[];
  readonly catch?: CatchRule[];
  /** InputPath/Parameters/ResultSelector/ResultPath/OutputPath around the handler. */
  readonly dataFlow?: DataFlow;
  /** The qualified name predecessors invoke (`fn-<node>:alias`), as the compiler emits it for a function with an alias. */
  readonly invokeName?: string;
  /** The workflow's timeout (FunctionConfig.timeoutSeconds, on the entry). */
  readonly timeoutSeconds?: number;
  /** The states the workflow starts with (FunctionConfig.start, on the entry). */
  readonly start?: StartAction;
}

export class World implements Invoker {
  static async create(name: string, options: WorldOptions = {}): Promise<World> {
    const world = new World(`${name}-${process.pid}-${seq++}`.toLowerCase().replace(/[^a-z0-9-]/g, '-'), options);
    await world.init();
    return world;
  }

  readonly counter = new Counter();
  readonly dynamodb: DynamoDBClient;
  readonly s3: S3Client;
  lambda!: LambdaClient;
  endpoint!: LambdaEndpoint;
  client!: UnumClient;
  faults?: FaultHook;
  /** User-code runs per instance key. */
  readonly runs: Record<string, number> = {};
  /** Invocations executed per function name. */
  readonly invocations: Record<string, number> = {};
  private readonly functions = new Map<string, RuntimeHandler>();
  private entry?: string;

  private constructor(readonly name: string, readonly options: WorldOptions) {
    const common = { region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } };
    this.dynamodb = new DynamoDBClient({ ...common, endpoint: process.env.UNUM_TEST_DYNAMODB_ENDPOINT });
    this.s3 = new S3Client({
      ...common, endpoint: process.env.UNUM_TEST_S3_ENDPOINT, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    this.counter.attach(this.dynamodb);
    this.counter.attach(this.s3);
  }

  get table(): string {
    return this.options.shareStoreOf?.table ?? `t-${this.name}`;
  }

  get bucket(): string {
    return this.options.shareStoreOf?.bucket ?? `b-${this.name}`.slice(0, 63);
  }

  get workflow(): string {
    return this.options.workflow ?? 'wf';
  }

  private async init(): Promise<void> {
    if (this.options.shareStoreOf === undefined) await this.createStore();
    this.endpoint = await LambdaEndpoint.start({ invoker: this, retryDelayMs: 1, ...this.options.endpoint });
    this.initClients();
  }

  private async createStore(): Promise<void> {
    await this.dynamodb.send(new CreateTableCommand({
      TableName: this.table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    }));
    await this.s3.send(new CreateBucketCommand({ Bucket: this.bucket }));
  }

  private initClients(): void {
    this.lambda = new LambdaClient({
      region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, endpoint: this.endpoint.url, maxAttempts: 3,
    });
    this.counter.attach(this.lambda);
    this.client = new UnumClient({
      workflow: this.workflow,
      table: this.table,
      bucket: this.bucket,
      dynamodb: this.dynamodb,
      s3: this.s3,
      lambda: this.lambda,
      payloadThreshold: this.options.payloadThreshold,
    });
  }

  /** Deploys workflow functions (function name = `fn-<node>`); the first spec is the entry unless one says so. */
  deploy(workflow: string, specs: FnSpec[], overrides: Partial<RuntimeOptions> = {}): void {
    specs.forEach((spec, i) => {
      const config: FunctionConfig = {
        v: 1,
        workflow,
        node: spec.node,
        entry: spec.entry ?? i === 0,
        next: spec.next,
        retry: spec.retry ?? [],
        catch: spec.catch ?? [],
        ...(spec.dataFlow ? { dataFlow: spec.dataFlow } : {}),
        ...(spec.invokeName ? { invokeName: spec.invokeName } : {}),
        ...(spec.timeoutSeconds !== undefined ? { timeoutSeconds: spec.timeoutSeconds } : {}),
        ...(spec.start ? { start: spec.start } : {}),
      };
      if (config.entry) this.entry = spec.node;
      const handler: UnumHandler = (input, ctx) => {
        this.runs[ctx.instance] = (this.runs[ctx.instance] ?? 0) + 1;
        return spec.handler(input, ctx);
      };
      this.functions.set(fnName(spec.node), createRuntime({
        config,
        userHandler: handler,
        clients: { dynamodb: this.dynamodb, s3: this.s3, lambda: this.lambda },
        table: this.table,
        bucket: this.bucket,
        payloadThreshold: this.options.payloadThreshold,
        eagerGc: this.options.eagerGc,
        faults: (step, info) => this.faults?.(step, info),
        logger: silent,
        ...overrides,
      }));
    });
  }

  exists(functionName: string): boolean {
    return this.functions.has(functionName);
  }

  async invoke(request: InvokeRequest): Promise<InvokeResult> {
    const fn = this.functions.get(request.functionName)!;
    this.invocations[request.functionName] = (this.invocations[request.functionName] ?? 0) + 1;
    const deadline = Date.now() + (this.options.remainingMs ?? Infinity);
    try {
      const out = await current.run(request.functionName, () => fn(JSON.parse(request.payload), {
        awsRequestId: request.requestId,
        functionName: request.functionName,
        invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${request.functionName}`,
        getRemainingTimeInMillis: () => (this.options.remainingMs === undefined ? Infinity : deadline - Date.now()),
      }));
      return { payload: JSON.stringify(out ?? null) };
    } catch (e) {
      return { error: { errorType: (e as Error).name, errorMessage: (e as Error).message } };
    }
  }

  /** Starts a session through the client API and waits until all async work is drained. */
  async run(input: unknown, session?: string): Promise<string> {
    const started = await this.client.startExecution({
      entryNode: this.entry!, functionName: fnName(this.entry!), input, session,
    });
    await this.endpoint.idle();
    return started.session;
  }

  /** Sends any event to a node's function and drains. */
  async send(node: string, event: unknown): Promise<void> {
    this.endpoint.enqueue(fnName(node), JSON.stringify(event));
    await this.endpoint.idle();
  }

  async result(session: string): Promise<unknown> {
    return this.client.getResult(session);
  }

  /** Partition key prefixes of this world's workflow (from the protocol's key functions). */
  keys(session: string): { checkpoint: string; join: string; session: string } {
    const ref = { workflow: this.workflow, session };
    return { checkpoint: checkpointKeyPrefix(ref), join: `${joinKeyBase(ref, '')}`, session: sessionItemKey(ref).pk };
  }

  async items(prefix = ''): Promise<Array<Record<string, any>>> {
    const out: Array<Record<string, any>> = [];
    let start: any;
    do {
      const page = await this.dynamodb.send(new ScanCommand({ TableName: this.table, ExclusiveStartKey: start }));
      out.push(...(page.Items ?? []).filter((i) => i.pk.S!.startsWith(prefix)));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /**
   * Counts the fan-out failure reports this world's functions send to the origin, by attempt (on the SDK client):
   * the returned record fills as they are sent; `clear` empties it between tests.
   */
  countFanoutFailureReports(): { readonly byAttempt: Record<number, number>; clear(): void } {
    const byAttempt: Record<number, number> = {};
    (this.lambda.middlewareStack as any).add((next: any, context: any) => async (args: any) => {
      if (context.commandName === 'InvokeCommand') {
        const sent = JSON.parse(Buffer.from(args.input.Payload).toString('utf8')) as Envelope;
        if (sent.fanoutFailure !== undefined) byAttempt[sent.fanoutFailure.attempt] = (byAttempt[sent.fanoutFailure.attempt] ?? 0) + 1;
      }
      return next(args);
    }, { step: 'initialize', name: 'fanoutFailureReportCounter' });
    return { byAttempt, clear: () => Object.keys(byAttempt).forEach((k) => delete byAttempt[Number(k)]) };
  }

  async close(): Promise<void> {
    await this.endpoint.idle();
    await this.endpoint.stop();
    this.lambda.destroy();
    this.dynamodb.destroy();
    this.s3.destroy();
  }
}

/**
 * A JSONata Map 'M' over `$states.input.orders` whose items run W and join at J, then `then` (also for an empty list);
 * `fields` adds or replaces the Map's own (ItemSelector, Retry, Catch, ...).
 */
export function ordersMap(then: Action, fields: Partial<Extract<Action, { kind: 'map' }>> = {}): Action {
  return { kind: 'map', fanout: 'M', join: 'J', recordInput: true, items: '{% $states.input.orders %}', item: to('W'), onEmpty: then, ...fields } as Action;
}

export function fnName(node: string): string {
  return `fn-${node}`;
}

/** Action builders, as the graph compiler emits them. */
export const to = (node: string, loop = false): Action => ({ kind: 'invoke', node, functionName: fnName(node), ...(loop ? { loop } : {}) });
export const succeed: Action = { kind: 'succeed' };
export const join = (name: string, sources: string[], then: Action): Action => ({ kind: 'join', join: name, sources, then });
