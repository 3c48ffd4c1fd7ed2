/**
 * The store servers of the Python runtime's pytest suite, started as jest's
 * global setup starts them: DynamoDB Local and s3rver on 127.0.0.1, each
 * behind the engine's counting proxy (both runtimes' clients go through it,
 * so their store requests are counted the same way). Prints one JSON line
 * with the endpoints; a control endpoint serves the counts (GET /stats),
 * resets them (POST /reset) and throttles the first attempt of every n-th
 * store call in AWS's wire format (POST /throttle?every=n, 0 stops), which
 * the runtimes' SDK retries must absorb. Stops when stdin closes.
 *
 *   node -r ts-node/register/transpile-only test/pyruntime/servers.ts
 */
import { createServer } from 'http';
import { AddressInfo } from 'net';
import { CountingProxy, Exchange } from '../../toolkit/src/local/counting-proxy';
import { startDynamoDbLocal, startS3rver } from '../../toolkit/src/local/servers';
import { ServiceErrorCode } from '../../toolkit/src/local/service-errors';

interface Stats {
  /** Requests by operation, DynamoDB and S3 together. */
  counts: Record<string, number>;
  /** Successful conditional checkpoint puts (commits), by partition key. */
  commits: Record<string, number>;
  /** Failed requests by `operation:errorType`. */
  errors: Record<string, number>;
  /**
   * DynamoDB requests by shape: the operation, the kind of item (session,
   * checkpoint, join...), the expressions and the attribute names written,
   * without the session-specific values. Two runtimes that make the same
   * requests for a workflow have the same shapes.
   */
  shapes: Record<string, number>;
}

function shapeOf(operation: string, request: any): string {
  const kind = (pk: unknown): string => (typeof pk === 'string' ? /^W#[^#]+#([A-Z])#/.exec(pk)?.[1] ?? '?' : '-');
  const table = (items: any): unknown => (items === undefined ? undefined : Object.values(items).map((t: any) => ({
    keys: (t.Keys ?? []).map((k: any) => `${kind(k.pk?.S)}/${k.sk?.S}`).sort(), consistent: t.ConsistentRead,
  })));
  return JSON.stringify([
    operation,
    kind(request?.Item?.pk?.S ?? request?.Key?.pk?.S),
    request?.Item?.sk?.S ?? request?.Key?.sk?.S,
    request?.ConditionExpression,
    request?.UpdateExpression,
    request?.Item === undefined ? undefined : Object.keys(request.Item).sort(),
    request?.ExpressionAttributeNames,
    request?.ExpressionAttributeValues === undefined ? undefined : Object.keys(request.ExpressionAttributeValues).sort(),
    request?.ReturnValues,
    request?.ReturnValuesOnConditionCheckFailure,
    request?.ConsistentRead,
    table(request?.RequestItems),
  ]);
}

async function main(): Promise<void> {
  const [dynamodb, s3] = await Promise.all([startDynamoDbLocal(), startS3rver()]);
  let stats: Stats = { counts: {}, commits: {}, errors: {}, shapes: {} };
  const onExchange = (x: Exchange): void => {
    stats.counts[x.operation] = (stats.counts[x.operation] ?? 0) + 1;
    if (x.errorType !== undefined) stats.errors[`${x.operation}:${x.errorType}`] = (stats.errors[`${x.operation}:${x.errorType}`] ?? 0) + 1;
    if (x.protocol === 'dynamodb') {
      const shape = shapeOf(x.operation, x.request);
      stats.shapes[shape] = (stats.shapes[shape] ?? 0) + 1;
    }
    const pk: string | undefined = x.request?.Item?.pk?.S;
    if (x.operation === 'PutItem' && x.status === 200 && x.request?.ConditionExpression && pk !== undefined && /^W#[^#]+#C#/.test(pk)) {
      stats.commits[pk] = (stats.commits[pk] ?? 0) + 1;
    }
  };
  let every = 0;
  let calls = 0;
  const throttled = new Set<string>();
  const inject = (protocol: 'dynamodb' | 's3') => (_operation: string, _key: string, call?: string): ServiceErrorCode | undefined => {
    // Only the first attempt of a call: the SDK's retry of it (same invocation id) goes through.
    if (every === 0 || call === undefined || throttled.has(call)) return undefined;
    if (++calls % every !== 0) return undefined;
    throttled.add(call);
    return protocol === 'dynamodb' ? 'ProvisionedThroughputExceededException' : 'SlowDown';
  };
  const [dynamodbProxy, s3Proxy] = await Promise.all([
    CountingProxy.start({ target: dynamodb.endpoint, protocol: 'dynamodb', onExchange, inject: inject('dynamodb'), injecting: () => every > 0 }),
    CountingProxy.start({ target: s3.endpoint, protocol: 's3', onExchange, inject: inject('s3'), injecting: () => every > 0 }),
  ]);
  const control = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://control');
    if (req.method === 'POST' && url.pathname === '/reset') stats = { counts: {}, commits: {}, errors: {}, shapes: {} };
    if (req.method === 'POST' && url.pathname === '/throttle') every = Number(url.searchParams.get('every') ?? 0);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(stats));
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', () => resolve()));
  process.stdout.write(`${JSON.stringify({
    dynamodb: dynamodbProxy.url,
    s3: s3Proxy.url,
    control: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
  })}\n`);
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    control.close();
    await Promise.all([dynamodbProxy.stop(), s3Proxy.stop()]);
    await Promise.all([dynamodb.stop(), s3.stop()]);
    process.exit(0);
  };
  process.stdin.on('end', () => void stop());
  process.stdin.on('close', () => void stop());
  process.stdin.resume();
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
