import { IncomingMessage, Server, ServerResponse, createServer, request as httpRequest } from 'http';
import { AddressInfo } from 'net';
import { ServiceErrorCode, sendDynamoDbThrottle, sendS3Error } from './service-errors';

/**
 * A transparent HTTP proxy in front of a local store server that counts the
 * requests by operation: DynamoDB by its `X-Amz-Target` (GetItem, PutItem,
 * UpdateItem, ...), S3 by method and kind (GetObject, PutObject,
 * ListObjectsV2, ...). Headers pass through untouched, so signatures still
 * verify. The local engine reports the counts as "store requests used"; the
 * benchmarks read them too.
 */

export type StoreProtocol = 'dynamodb' | 's3';

/** One request/response pair, as seen by the proxy. */
export interface Exchange {
  readonly protocol: StoreProtocol;
  /** `GetItem`, `PutObject`, ... */
  readonly operation: string;
  readonly status: number;
  /** DynamoDB's `__type` suffix (`ConditionalCheckFailedException`) or S3's error code, when the request failed. */
  readonly errorType?: string;
  /** The parsed DynamoDB request (JSON); undefined for S3. */
  readonly request?: any;
  /** The parsed DynamoDB response (JSON) of a successful request; undefined for S3. */
  readonly response?: any;
  /** When the proxy received the request (epoch ms); the exchange is reported when the answer has been sent. */
  readonly sentAt: number;
}

export interface CountingProxyOptions {
  /** The real server, e.g. `http://127.0.0.1:8000`. */
  readonly target: string;
  readonly protocol: StoreProtocol;
  /** Default 0: an ephemeral port. */
  readonly port?: number;
  /** Called after each exchange completes. */
  readonly onExchange?: (exchange: Exchange) => void;
  /**
   * Fault injection: the AWS error to answer a request with, given its
   * operation, its content key (DynamoDB table and item key, S3 method and
   * path) and the SDK's invocation id (the same across retries of one call).
   */
  readonly inject?: (operation: string, key: string, call?: string) => ServiceErrorCode | undefined;
  /**
   * Whether `inject` may choose anything now; when it cannot, requests are
   * streamed through without being buffered.
   * @default - always consult `inject`
   */
  readonly injecting?: () => boolean;
}

export class CountingProxy {
  static async start(options: CountingProxyOptions): Promise<CountingProxy> {
    const proxy = new CountingProxy(options);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(options.port ?? 0, '127.0.0.1', () => {
        proxy.server.off('error', reject);
        resolve();
      });
    });
    return proxy;
  }

  readonly server: Server;
  /** Requests by operation. */
  counts: Record<string, number> = {};
  /** Failed requests by `operation:errorType`. */
  errors: Record<string, number> = {};
  /** Injected errors by `operation:errorType` (also counted in counts and errors). */
  injected: Record<string, number> = {};
  private readonly target: URL;

  private constructor(private readonly options: CountingProxyOptions) {
    this.target = new URL(options.target);
    this.server = createServer((req, res) => this.forward(req, res));
    this.server.keepAliveTimeout = 60_000;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Total requests counted. */
  get total(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }

  reset(): void {
    this.counts = {};
    this.errors = {};
    this.injected = {};
  }

  /** Counts and errors since the last reset, as a copy. */
  snapshot(): { counts: Record<string, number>; errors: Record<string, number>; injected: Record<string, number> } {
    return { counts: { ...this.counts }, errors: { ...this.errors }, injected: { ...this.injected } };
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const sentAt = Date.now();
    if (this.options.inject === undefined || this.options.injecting?.() === false) return this.pass(req, res, sentAt);
    // The decision needs the request's content: buffer it, then answer or pass it on.
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const dynamodb = this.options.protocol === 'dynamodb';
      const operation = dynamodb ? dynamoDbOperation(req) : s3Operation(req);
      const call = req.headers['amz-sdk-invocation-id'];
      const code = this.options.inject!(operation, dynamodb ? dynamoDbKey(parseJson(body)) : `${req.method} ${req.url}`,
        typeof call === 'string' ? call : undefined);
      if (code === undefined) return this.pass(req, res, sentAt, body);
      const key = `${operation}:${code}`;
      this.injected[key] = (this.injected[key] ?? 0) + 1;
      if (code === 'InternalError') {
        // S3 may fail a request after it took effect: pass it on, answer 500 instead of the response.
        return this.pass(req, res, sentAt, body, () => sendS3Error(res, code, req.method));
      }
      if (code === 'ProvisionedThroughputExceededException') sendDynamoDbThrottle(res);
      else sendS3Error(res, code as 'SlowDown', req.method);
      this.record(operation, sentAt, dynamodb ? 400 : 503, dynamodb ? body : undefined, Buffer.from(dynamodb
        ? '{"__type":"#ProvisionedThroughputExceededException"}' : `<Code>${code}</Code>`));
    });
  }

  /** Passes the request on (its body already read, or streamed); `replace` answers instead of the server's response. */
  private pass(req: IncomingMessage, res: ServerResponse, sentAt: number, buffered?: Buffer, replace?: () => void): void {
    const dynamodb = this.options.protocol === 'dynamodb';
    const operation = dynamodb ? dynamoDbOperation(req) : s3Operation(req);
    const requestChunks: Buffer[] = buffered === undefined ? [] : [buffered];
    const upstream = httpRequest({
      host: this.target.hostname,
      port: this.target.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
    }, (up) => {
      if (replace !== undefined) {
        up.resume();
        up.on('end', () => {
          replace();
          this.record(operation, sentAt, 500, dynamodb ? Buffer.concat(requestChunks) : undefined, Buffer.from('<Code>InternalError</Code>'));
        });
        return;
      }
      res.writeHead(up.statusCode ?? 502, up.headers);
      const status = up.statusCode ?? 502;
      const keep = dynamodb || status >= 300;
      const responseChunks: Buffer[] = [];
      up.on('data', (c: Buffer) => {
        if (keep) responseChunks.push(c);
        res.write(c);
      });
      up.on('end', () => {
        res.end();
        this.record(operation, sentAt, status, dynamodb ? Buffer.concat(requestChunks) : undefined, keep ? Buffer.concat(responseChunks) : undefined);
      });
      up.on('error', () => res.destroy());
    });
    upstream.on('error', (e) => {
      if (!res.headersSent) {
        res.writeHead(502, { 'Content-Type': 'text/plain' });
        res.end(`counting proxy: ${this.options.protocol} server unreachable: ${e.message}`);
      } else {
        res.destroy();
      }
    });
    if (buffered !== undefined) {
      upstream.end(buffered);
      return;
    }
    req.on('data', (c: Buffer) => {
      if (dynamodb) requestChunks.push(c);
      upstream.write(c);
    });
    req.on('end', () => upstream.end());
    req.on('error', () => upstream.destroy());
  }

  private record(operation: string, sentAt: number, status: number, requestBody?: Buffer, responseBody?: Buffer): void {
    this.counts[operation] = (this.counts[operation] ?? 0) + 1;
    let errorType: string | undefined;
    let request: any;
    let response: any;
    if (this.options.protocol === 'dynamodb') {
      request = parseJson(requestBody);
      const body = parseJson(responseBody);
      if (status >= 300) errorType = String(body?.__type ?? `HTTP${status}`).split('#').pop();
      else response = body;
    } else if (status >= 300) {
      errorType = /<Code>([^<]+)<\/Code>/.exec(responseBody?.toString('utf8') ?? '')?.[1] ?? `HTTP${status}`;
    }
    if (errorType !== undefined) {
      const key = `${operation}:${errorType}`;
      this.errors[key] = (this.errors[key] ?? 0) + 1;
    }
    this.options.onExchange?.({ protocol: this.options.protocol, operation, status, errorType, request, response, sentAt });
  }
}

function parseJson(body: Buffer | undefined): any {
  if (body === undefined || body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** What a DynamoDB request is about: its table and item key (or batch keys), not its timestamps. */
export function dynamoDbKey(request: any): string {
  const item = request?.Item;
  const key = request?.Key ?? (item === undefined ? undefined : { pk: item.pk, sk: item.sk });
  return JSON.stringify([request?.TableName, key ?? request?.RequestItems ?? request?.KeyConditionExpression ?? null]);
}

/** `DynamoDB_20120810.GetItem` → `GetItem`. */
export function dynamoDbOperation(req: IncomingMessage): string {
  const target = req.headers['x-amz-target'];
  const value = Array.isArray(target) ? target[0] : target;
  return value?.split('.').pop() || `${req.method}`;
}

/** S3 REST (path style) → the API operation name. */
export function s3Operation(req: IncomingMessage): string {
  const url = new URL(req.url ?? '/', 'http://local');
  const parts = url.pathname.split('/').filter((p) => p !== '');
  const q = url.searchParams;
  const method = req.method ?? 'GET';
  if (parts.length === 0) return method === 'GET' ? 'ListBuckets' : `${method}Service`;
  if (parts.length === 1) {
    if (q.has('delete') && method === 'POST') return 'DeleteObjects';
    if (q.has('location')) return 'GetBucketLocation';
    switch (method) {
      case 'GET': return q.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
      case 'PUT': return 'CreateBucket';
      case 'DELETE': return 'DeleteBucket';
      case 'HEAD': return 'HeadBucket';
      default: return `${method}Bucket`;
    }
  }
  if (q.has('uploads') && method === 'POST') return 'CreateMultipartUpload';
  if (q.has('uploadId')) {
    if (method === 'PUT') return 'UploadPart';
    if (method === 'POST') return 'CompleteMultipartUpload';
    if (method === 'DELETE') return 'AbortMultipartUpload';
    return 'ListParts';
  }
  switch (method) {
    case 'GET': return 'GetObject';
    case 'PUT': return req.headers['x-amz-copy-source'] ? 'CopyObject' : 'PutObject';
    case 'DELETE': return 'DeleteObject';
    case 'HEAD': return 'HeadObject';
    default: return `${method}Object`;
  }
}
