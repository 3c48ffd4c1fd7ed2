import type { Exchange } from './counting-proxy';
import { PRICES } from './prices';

/**
 * What a session's store requests cost, from the requests the counting
 * proxies saw: DynamoDB's capacity units estimated by its sizing rules from
 * the items in the requests and responses (the runtime does not ask for
 * ConsumedCapacity, and the proxy does not rewrite signed requests), S3 by
 * request class, and Lambda by request and GB-second of the local
 * durations. The benchmarks use the same sizing rules.
 */

export const READ_OPS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
export const WRITE_OPS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
/** S3 request classes as priced: PUT, COPY, POST, LIST are one tier; GET and everything else the other. */
export const S3_PUT_CLASS = new Set(['PutObject', 'CopyObject', 'CreateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload',
  'ListObjects', 'ListObjectsV2', 'ListBuckets']);

/** DynamoDB's item size rules: attribute name bytes + value bytes (numbers ~ digits/2 + 1; lists/maps 3 + 1 per element). */
export function attributeValueSize(v: any): number {
  if (v === undefined || v === null) return 0;
  if (v.S !== undefined) return Buffer.byteLength(v.S);
  if (v.N !== undefined) return Math.ceil(String(v.N).replace(/^-|\.|e.*$/gi, '').replace(/^0+/, '').length / 2) + 1;
  if (v.B !== undefined) return typeof v.B === 'string' ? Buffer.from(v.B, 'base64').length : v.B.length;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS !== undefined) return v.SS.reduce((n: number, s: string) => n + Buffer.byteLength(s), 0);
  if (v.NS !== undefined) return v.NS.reduce((n: number, s: string) => n + attributeValueSize({ N: s }), 0);
  if (v.BS !== undefined) return v.BS.reduce((n: number, b: any) => n + attributeValueSize({ B: b }), 0);
  if (v.L !== undefined) return 3 + v.L.reduce((n: number, e: any) => n + 1 + attributeValueSize(e), 0);
  if (v.M !== undefined) return 3 + Object.entries(v.M).reduce((n, [k, e]) => n + 1 + Buffer.byteLength(k) + attributeValueSize(e), 0);
  return 0;
}

export function itemSize(item: Record<string, any> | undefined): number {
  if (item === undefined) return 0;
  return Object.entries(item).reduce((n, [k, v]) => n + Buffer.byteLength(k) + attributeValueSize(v), 0);
}

export interface CapacityUnits {
  readonly rcu: number;
  readonly wcu: number;
}

const writeUnits = (item: Record<string, any> | undefined): number => Math.max(1, Math.ceil(itemSize(item) / 1024));
const readUnits = (bytes: number, consistent: boolean): number => Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);

/**
 * The capacity units DynamoDB on demand charges for one request (a failed
 * conditional write is charged as a write; an UpdateItem without ALL_NEW is
 * counted as the 1 KB minimum, which it usually is for the runtime's items).
 */
export function estimateUnits(e: Exchange): CapacityUnits {
  if (e.protocol !== 'dynamodb') return { rcu: 0, wcu: 0 };
  const req = e.request ?? {};
  const res = e.response ?? {};
  const consistent = req.ConsistentRead === true;
  switch (e.operation) {
    case 'PutItem': return { rcu: 0, wcu: writeUnits(req.Item) };
    case 'UpdateItem': return { rcu: 0, wcu: writeUnits(res.Attributes) };
    case 'DeleteItem': return { rcu: 0, wcu: 1 };
    case 'GetItem': return { rcu: readUnits(itemSize(res.Item), consistent), wcu: 0 };
    case 'Query':
    case 'Scan': return { rcu: readUnits((res.Items ?? []).reduce((n: number, i: any) => n + itemSize(i), 0), consistent), wcu: 0 };
    case 'BatchGetItem': {
      let rcu = 0;
      for (const [table, items] of Object.entries<any[]>(res.Responses ?? {})) {
        const c = req.RequestItems?.[table]?.ConsistentRead === true;
        for (const item of items) rcu += readUnits(itemSize(item), c);
      }
      return { rcu, wcu: 0 };
    }
    case 'BatchWriteItem': {
      let wcu = 0;
      for (const reqs of Object.values<any[]>(req.RequestItems ?? {})) for (const r of reqs) wcu += writeUnits(r.PutRequest?.Item);
      return { rcu: 0, wcu };
    }
    // Transactions cost two units per item.
    case 'TransactWriteItems': return { rcu: 0, wcu: (req.TransactItems ?? []).reduce((n: number, t: any) => n + 2 * writeUnits(t.Put?.Item), 0) };
    case 'TransactGetItems': return { rcu: (res.Responses ?? []).reduce((n: number, r: any) => n + 2 * readUnits(itemSize(r.Item), true), 0), wcu: 0 };
    default: return { rcu: 0, wcu: 0 };
  }
}

export interface SessionCost {
  readonly rcu: number;
  readonly wcu: number;
  readonly s3Put: number;
  readonly s3Get: number;
  readonly lambdaRequests: number;
  /** GB-seconds of the local invocations (memory size × local duration: what AWS would bill if it ran as fast). */
  readonly lambdaGbSeconds: number;
  /** US dollars, by what is billed. */
  readonly usd: {
    readonly dynamodb: number;
    readonly s3: number;
    readonly lambdaRequests: number;
    readonly lambdaDuration: number;
    readonly total: number;
  };
  readonly prices: { readonly date: string; readonly region: string };
}

export function sessionCost(units: CapacityUnits, s3Counts: Record<string, number>, lambda: { requests: number; gbSeconds: number }): SessionCost {
  const s3Put = Object.entries(s3Counts).filter(([op]) => S3_PUT_CLASS.has(op)).reduce((n, [, c]) => n + c, 0);
  const s3Get = Object.values(s3Counts).reduce((a, b) => a + b, 0) - s3Put;
  const dynamodb = units.wcu * PRICES.dynamodb.perWriteUnit + units.rcu * PRICES.dynamodb.perReadUnit;
  const s3 = s3Put * PRICES.s3.perPutRequest + s3Get * PRICES.s3.perGetRequest;
  const lambdaRequests = lambda.requests * PRICES.lambda.perRequest;
  const lambdaDuration = lambda.gbSeconds * PRICES.lambda.perGbSecond;
  return {
    rcu: units.rcu,
    wcu: units.wcu,
    s3Put,
    s3Get,
    lambdaRequests: lambda.requests,
    lambdaGbSeconds: lambda.gbSeconds,
    usd: { dynamodb, s3, lambdaRequests, lambdaDuration, total: dynamodb + s3 + lambdaRequests + lambdaDuration },
    prices: { date: PRICES.date, region: PRICES.region },
  };
}
