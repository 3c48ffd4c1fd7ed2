import { randomUUID } from 'crypto';
import { IncomingMessage, Server, ServerResponse, createServer } from 'http';
import { AddressInfo } from 'net';
import { sendLambdaThrottle } from './service-errors';
import { TracingMode, invocationTraceHeader } from './tracing';

/**
 * An HTTP endpoint that speaks the Lambda Invoke API
 * (`POST /2015-03-31/functions/{name}/invocations`), so unmodified
 * `@aws-sdk/client-lambda` calls reach local functions through
 * AWS_ENDPOINT_URL_LAMBDA. Event invocations are queued (202) and run with
 * Lambda's async semantics: bounded concurrency, up to two retries of a
 * failed event with the same request id, an on-failure record. Each
 * invocation gets its X-Ray trace header as Lambda hands it on (tracing.ts).
 * How a
 * function runs is up to the pluggable Invoker (in process for the runtime
 * tests, an isolated sandbox process in the local engine).
 */

export type InvocationType = 'Event' | 'RequestResponse';

export interface InvokeRequest {
  /** The function name (an ARN or a qualified name is reduced to it). */
  readonly functionName: string;
  /** The raw JSON payload. */
  readonly payload: string;
  readonly invocationType: InvocationType;
  /** Kept across the retries of one async event, like Lambda's awsRequestId. */
  readonly requestId: string;
  /** 0 for the first delivery, then 1, 2 for Lambda's async retries. */
  readonly attempt: number;
  /** When the async event was first queued (ms since the epoch), for the maximum event age. */
  readonly enqueuedAt?: number;
  /** True for the extra copy of an event delivered twice. */
  readonly duplicate?: boolean;
  /**
   * The invocation's `_X_AMZN_TRACE_ID` (undefined: not traced), fixed when
   * the call was accepted: an async event's retries stay in its trace.
   */
  readonly traceHeader?: string;
}

export interface InvokeResult {
  /** The handler's JSON result. */
  readonly payload?: string;
  /** Set when the function failed (unhandled error, timeout, crash). */
  readonly error?: { readonly errorType: string; readonly errorMessage: string };
}

export interface Invoker {
  /** False when no such function exists (the endpoint answers 404 ResourceNotFoundException). */
  exists(functionName: string): boolean;
  invoke(request: InvokeRequest): Promise<InvokeResult>;
}

export interface AsyncFailure {
  readonly request: InvokeRequest;
  readonly error: { readonly errorType: string; readonly errorMessage: string };
}

/** A function's asynchronous invocation settings (Lambda's EventInvokeConfig). */
export interface AsyncPolicy {
  /** Retries of a failed event (0-2). */
  readonly maxRetries?: number;
  /** Events older than this are dropped to the on-failure record instead of being run. */
  readonly maxEventAgeMs?: number;
}

/** Notified as async events move through the queue (progress displays, reports). */
export interface EndpointObserver {
  accepted?(request: InvokeRequest): void;
  retrying?(request: InvokeRequest, error: { errorType: string; errorMessage: string }, delayMs: number): void;
  failed?(failure: AsyncFailure): void;
}

export interface LambdaEndpointOptions {
  readonly invoker: Invoker;
  /** Default 0: an ephemeral port. */
  readonly port?: number;
  /** Retries of a failed async event (Lambda's default and maximum: 2). */
  readonly maxRetries?: number;
  /** Delay before an async retry (Lambda waits about 1 and 2 minutes; locally a few ms). */
  readonly retryDelayMs?: number;
  /** Async events running at once. */
  readonly concurrency?: number;
  /** At-least-once delivery: return true to deliver this event twice. */
  readonly duplicate?: (request: InvokeRequest) => boolean;
  /** Per-function retries and maximum event age (overrides maxRetries for that function). */
  readonly asyncPolicy?: (functionName: string) => AsyncPolicy | undefined;
  /** Delay before retry number `attempt` (1, 2); overrides retryDelayMs. */
  readonly retryDelay?: (attempt: number) => number;
  readonly observer?: EndpointObserver;
  /** Fault injection: true to answer this Invoke call with 429 TooManyRequestsException (`call`: the SDK's invocation id). */
  readonly throttle?: (request: { functionName: string; payload: string; call?: string; userAgent?: string }) => boolean;
  /** Payload limits in bytes (Lambda: 1 MiB for Event, 6 MB for RequestResponse); default: none. */
  readonly maxPayloadBytes?: { readonly event?: number; readonly requestResponse?: number };
  /** A function's X-Ray tracing mode (default: PassThrough, a trace header is passed on and none started). */
  readonly tracing?: (functionName: string) => TracingMode | undefined;
}

const PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;

/** `arn:aws:lambda:r:a:function:name[:qualifier]`, `name:qualifier` or `name` → name. */
export function functionNameOf(nameOrArn: string): string {
  const decoded = decodeURIComponent(nameOrArn);
  const parts = decoded.split(':');
  if (decoded.startsWith('arn:')) return parts[6] ?? decoded;
  if (parts.length >= 3 && parts[1] === 'function') return parts[2]; // 123456789012:function:name
  return parts[0];
}

export class LambdaEndpoint {
  static async start(options: LambdaEndpointOptions): Promise<LambdaEndpoint> {
    const endpoint = new LambdaEndpoint(options);
    await new Promise<void>((resolve, reject) => {
      endpoint.server.once('error', reject);
      endpoint.server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    return endpoint;
  }

  readonly server: Server;
  /** Events that failed after all retries (Lambda's on-failure destination). */
  readonly failures: AsyncFailure[] = [];
  readonly stats = { accepted: 0, executed: 0, retried: 0, duplicated: 0, failed: 0, expired: 0, sync: 0, throttled: 0 };
  private readonly queue: InvokeRequest[] = [];
  private running = 0;
  private timers = 0;
  private waiters: Array<() => void> = [];

  private constructor(private readonly options: LambdaEndpointOptions) {
    this.server = createServer((req, res) => {
      this.route(req, res).catch((e) => send(res, 500, { message: String(e) }, { 'x-amzn-ErrorType': 'ServiceException' }));
    });
    this.server.keepAliveTimeout = 60_000;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Resolves when no async event is queued, running or waiting for a retry. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Queues an async event as if it came through the API (with this trace header, as an SDK call inside a traced invocation sends). */
  enqueue(functionName: string, payload: string, traceHeader?: string): void {
    const name = functionNameOf(functionName);
    this.accept({
      functionName: name, payload, invocationType: 'Event', requestId: randomUUID(), attempt: 0, traceHeader: this.traceHeaderFor(name, traceHeader),
    });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = PATH.exec((req.url ?? '').split('?')[0]);
    const body = await readBody(req);
    if (req.method !== 'POST' || match === null) {
      return send(res, 404, { message: `unsupported ${req.method} ${req.url}` }, { 'x-amzn-ErrorType': 'UnknownOperationException' });
    }
    const functionName = functionNameOf(match[1]);
    if (!this.options.invoker.exists(functionName)) {
      return send(res, 404, { Type: 'User', message: `Function not found: ${functionName}` }, { 'x-amzn-ErrorType': 'ResourceNotFoundException' });
    }
    const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    const requestId = randomUUID();
    const limit = type === 'Event' ? this.options.maxPayloadBytes?.event : this.options.maxPayloadBytes?.requestResponse;
    const size = Buffer.byteLength(body);
    if (limit !== undefined && size > limit) {
      return send(res, 413, {
        Type: 'User', message: `Request must be smaller than ${limit} bytes for the ${type} invocation type (got ${size})`,
      }, { 'x-amzn-ErrorType': 'RequestEntityTooLargeException', 'x-amzn-RequestId': requestId });
    }
    const call = req.headers['amz-sdk-invocation-id'];
    const userAgent = req.headers['x-amz-user-agent'] ?? req.headers['user-agent'];
    if (this.options.throttle?.({
      functionName, payload: body, call: typeof call === 'string' ? call : undefined, userAgent: typeof userAgent === 'string' ? userAgent : undefined,
    })) {
      this.stats.throttled++;
      return sendLambdaThrottle(res);
    }
    if (type === 'DryRun') return send(res, 204, undefined, { 'x-amzn-RequestId': requestId });
    const incomingTrace = req.headers['x-amzn-trace-id'];
    const traceHeader = this.traceHeaderFor(functionName, typeof incomingTrace === 'string' ? incomingTrace : undefined);
    if (type === 'Event') {
      this.accept({ functionName, payload: body, invocationType: 'Event', requestId, attempt: 0, traceHeader });
      return send(res, 202, undefined, { 'x-amzn-RequestId': requestId });
    }
    this.stats.sync++;
    const result = await this.options.invoker.invoke({ functionName, payload: body, invocationType: 'RequestResponse', requestId, attempt: 0, traceHeader });
    const headers: Record<string, string> = { 'x-amzn-RequestId': requestId, 'X-Amz-Executed-Version': '$LATEST' };
    if (result.error) {
      headers['X-Amz-Function-Error'] = 'Unhandled';
      return send(res, 200, result.error, headers);
    }
    res.writeHead(200, { ...headers, 'Content-Type': 'application/json' });
    res.end(result.payload ?? 'null');
  }

  private traceHeaderFor(functionName: string, incoming: string | undefined): string | undefined {
    return invocationTraceHeader(incoming, this.options.tracing?.(functionName) ?? 'PassThrough');
  }

  private accept(received: InvokeRequest): void {
    const request = { ...received, enqueuedAt: received.enqueuedAt ?? Date.now() };
    this.stats.accepted++;
    this.queue.push(request);
    this.options.observer?.accepted?.(request);
    if (this.options.duplicate?.(request)) {
      this.stats.duplicated++;
      const copy = { ...request, duplicate: true };
      this.queue.push(copy);
      this.options.observer?.accepted?.(copy);
    }
    this.pump();
  }

  private pump(): void {
    const limit = this.options.concurrency ?? 64;
    while (this.running < limit && this.queue.length > 0) {
      const request = this.queue.shift()!;
      this.running++;
      void this.execute(request).finally(() => {
        this.running--;
        this.pump();
        this.settle();
      });
    }
  }

  private async execute(request: InvokeRequest): Promise<void> {
    const policy = this.options.asyncPolicy?.(request.functionName);
    const maxAge = policy?.maxEventAgeMs;
    if (maxAge !== undefined && request.enqueuedAt !== undefined && Date.now() - request.enqueuedAt > maxAge) {
      this.stats.expired++;
      this.fail(request, { errorType: 'EventAgeExceeded', errorMessage: `event older than the maximum event age (${maxAge} ms)` });
      return;
    }
    this.stats.executed++;
    let result: InvokeResult;
    try {
      result = await this.options.invoker.invoke(request);
    } catch (e) {
      result = { error: { errorType: (e as Error).name ?? 'Error', errorMessage: (e as Error).message ?? String(e) } };
    }
    if (result.error === undefined) return;
    if (request.attempt < (policy?.maxRetries ?? this.options.maxRetries ?? 2)) {
      const delay = this.options.retryDelay?.(request.attempt + 1) ?? this.options.retryDelayMs ?? 5;
      this.stats.retried++;
      this.timers++;
      this.options.observer?.retrying?.(request, result.error, delay);
      setTimeout(() => {
        this.timers--;
        this.queue.push({ ...request, attempt: request.attempt + 1 });
        this.pump();
        this.settle();
      }, delay);
      return;
    }
    this.fail(request, result.error);
  }

  private fail(request: InvokeRequest, error: { errorType: string; errorMessage: string }): void {
    this.stats.failed++;
    const failure = { request, error };
    this.failures.push(failure);
    this.options.observer?.failed?.(failure);
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && this.running === 0 && this.timers === 0;
  }

  private settle(): void {
    if (!this.isIdle()) return;
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());
  }
}

/** A request's whole body as text (the local endpoints' requests are small JSON). */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
