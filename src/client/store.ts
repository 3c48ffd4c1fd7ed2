// The store layer runs in the runtime layer, where Lambda's Node.js runtime provides the AWS SDK v3,
// and in cdk-unum-toolkit, which depends on it: a CDK app that only synthesizes never loads it.
/* eslint-disable import/no-extraneous-dependencies */
import {
  AttributeValue, BatchGetItemCommand, ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
/* eslint-enable import/no-extraneous-dependencies */
import { S3ClientSource, s3Module } from './s3';
import { ATTR, FanInRef, ITEM_VALUE_LIMIT, ItemKey, SessionRef } from '../protocol';
import {
  EMPTY_SOURCE, branchInstanceKey, decodeElement, joinShardItemKey, shardCapacity, shardCount,
} from '../protocol/join';
import { checkpointItemKey } from '../protocol/keys';

/**
 * The intermediary store: one DynamoDB table (values as JSON strings, no
 * marshalling library) and one S3 bucket for values too large for an item.
 * Shared by the runtime and the client API.
 */

export type Item = Record<string, AttributeValue>;

// Defined with the protocol (both runtimes write them); re-exported for the store's users.
export { ITEM_VALUE_LIMIT, SESSION_ATTR } from '../protocol';
/** BatchGetItem takes at most 100 keys. */
const BATCH = 100;
/** Batches read in parallel when resolving a large fan-in. */
const READ_PARALLELISM = 8;

export interface StoreOptions {
  readonly dynamodb: DynamoDBClient;
  readonly s3: S3ClientSource;
  readonly table: string;
  readonly bucket?: string;
  /** Time to live of the items written, in seconds. */
  readonly ttlSeconds?: number;
}

export class Store {
  /** True when the item holds a value under `prefix`. */
  static hasValue(item: Item, prefix = ''): boolean {
    return item[`${prefix}v`] !== undefined || item[`${prefix}s3`] !== undefined || item[`${prefix}fi`] !== undefined;
  }

  /** The fan-in reference stored under `prefix`, if that is what the item holds. */
  static fanInOf(item: Item, prefix = ''): FanInRef | undefined {
    const fi = item[`${prefix}fi`]?.S;
    return fi === undefined ? undefined : JSON.parse(fi);
  }

  readonly dynamodb: DynamoDBClient;
  readonly table: string;
  readonly bucket: string | undefined;
  readonly ttlSeconds: number;
  private s3Source: S3ClientSource;

  constructor(options: StoreOptions) {
    this.dynamodb = options.dynamodb;
    this.s3Source = options.s3;
    this.table = options.table;
    this.bucket = options.bucket;
    this.ttlSeconds = options.ttlSeconds ?? 7 * 24 * 3600;
  }

  /** Key attributes plus the TTL attribute that every item carries. */
  keyed(key: ItemKey, attrs: Item = {}): Item {
    return {
      [ATTR.PK]: { S: key.pk },
      [ATTR.SK]: { S: key.sk },
      [ATTR.TTL]: { N: String(Math.floor(Date.now() / 1000) + this.ttlSeconds) },
      ...attrs,
    };
  }

  async get(key: ItemKey): Promise<Item | undefined> {
    const out = await this.dynamodb.send(new GetItemCommand({
      TableName: this.table, Key: keyOf(key), ConsistentRead: true,
    }));
    return out.Item;
  }

  /** Conditional put; on a lost race returns the winner's item (one request either way). */
  async putIfAbsent(key: ItemKey, attrs: Item): Promise<{ created: boolean; existing?: Item }> {
    try {
      await this.dynamodb.send(new PutItemCommand({
        TableName: this.table,
        Item: this.keyed(key, attrs),
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': ATTR.PK },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }));
      return { created: true };
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException || (e as Error).name === 'ConditionalCheckFailedException') {
        return { created: false, existing: (e as ConditionalCheckFailedException).Item };
      }
      throw e;
    }
  }

  async put(key: ItemKey, attrs: Item): Promise<void> {
    await this.dynamodb.send(new PutItemCommand({ TableName: this.table, Item: this.keyed(key, attrs) }));
  }

  /**
   * UpdateItem with SET, ADD and REMOVE clauses (the TTL is set too); returns the
   * updated attributes (`true`: their new values, 'UPDATED_OLD': their
   * values before), or undefined when the condition does not hold.
   */
  async update(key: ItemKey, clauses: { set?: string; add?: string; remove?: string }, names: Record<string, string>, values: Item,
    condition?: string, returnValues: boolean | 'UPDATED_OLD' = false): Promise<Item | undefined> {
    const set = `SET ${clauses.set ? `${clauses.set}, ` : ''}#ttl = if_not_exists(#ttl, :ttl)`;
    try {
      const out = await this.dynamodb.send(new UpdateItemCommand({
        TableName: this.table,
        Key: keyOf(key),
        UpdateExpression: `${set}${clauses.add ? ` ADD ${clauses.add}` : ''}${clauses.remove ? ` REMOVE ${clauses.remove}` : ''}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: { ...names, '#ttl': ATTR.TTL },
        ExpressionAttributeValues: { ...values, ':ttl': { N: String(Math.floor(Date.now() / 1000) + this.ttlSeconds) } },
        ReturnValues: returnValues === 'UPDATED_OLD' ? returnValues : returnValues ? 'UPDATED_NEW' : 'NONE',
      }));
      return out.Attributes ?? {};
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return undefined;
      throw e;
    }
  }

  /** Strongly consistent BatchGetItem of any number of keys, retrying unprocessed keys. */
  async batchGet(keys: readonly ItemKey[]): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    const chunks: ItemKey[][] = [];
    for (let i = 0; i < keys.length; i += BATCH) chunks.push(keys.slice(i, i + BATCH));
    await mapLimit(chunks, READ_PARALLELISM, async (chunk) => {
      let pending: Record<string, AttributeValue>[] = chunk.map(keyOf);
      for (let round = 0; pending.length > 0; round++) {
        if (round > 0) await sleep(Math.min(1000, 20 * 2 ** round));
        const out = await this.dynamodb.send(new BatchGetItemCommand({
          RequestItems: { [this.table]: { Keys: pending, ConsistentRead: true } },
        }));
        for (const item of out.Responses?.[this.table] ?? []) found.set(`${item[ATTR.PK].S}\n${item[ATTR.SK].S}`, item);
        pending = (out.UnprocessedKeys?.[this.table]?.Keys ?? []) as Record<string, AttributeValue>[];
      }
    });
    return found;
  }

  /**
   * Attributes that hold `value` under `prefix`: inline JSON, or an S3
   * object at `spillKey` when larger than `limit` bytes.
   */
  async encodeValue(value: unknown, prefix: string, spillKey: string, limit = ITEM_VALUE_LIMIT): Promise<Item> {
    let json: string;
    try {
      json = JSON.stringify(value === undefined ? null : value);
    } catch (e) {
      throw new NotJsonError(`the value cannot be encoded as JSON: ${(e as Error).message}`);
    }
    if (Buffer.byteLength(json) <= Math.min(limit, ITEM_VALUE_LIMIT)) return { [`${prefix}v`]: { S: json } };
    await this.putObject(spillKey, json);
    return { [`${prefix}s3`]: { S: spillKey } };
  }

  /** Resolves the value under `prefix`: inline, S3, or a fan-in list. */
  async decodeValue(session: SessionRef, item: Item, prefix = ''): Promise<unknown> {
    const inline = item[`${prefix}v`]?.S;
    if (inline !== undefined) return JSON.parse(inline);
    const key = item[`${prefix}s3`]?.S;
    if (key !== undefined) return JSON.parse(await this.getObject(this.requireBucket(), key));
    const ref = Store.fanInOf(item, prefix);
    if (ref !== undefined) return this.readFanIn(session, ref);
    throw new Error(`store item ${item[ATTR.PK]?.S} holds no value under '${prefix}'`);
  }

  /** The S3 client, created on first use when the store was given a factory. */
  get s3(): S3Client {
    if (typeof this.s3Source === 'function') this.s3Source = this.s3Source();
    return this.s3Source;
  }

  async putObject(key: string, body: string): Promise<void> {
    await this.s3.send(new (s3Module().PutObjectCommand)({
      Bucket: this.requireBucket(), Key: key, Body: body, ContentType: 'application/json',
    }));
  }

  async getObject(bucket: string, key: string): Promise<string> {
    const out = await this.s3.send(new (s3Module().GetObjectCommand)({ Bucket: bucket, Key: key }));
    return out.Body!.transformToString();
  }

  /**
   * The branch outputs of a completed join, in slot order: the shard items
   * say which source arrived at each slot and at which iteration, which
   * gives each slot's checkpoint key. All reads are strongly consistent.
   */
  async readFanIn(session: SessionRef, ref: FanInRef): Promise<unknown[]> {
    if (ref.instances !== undefined) return this.readInstances(session, ref.instances);
    const shards = Array.from({ length: shardCount(ref.size) }, (_, s) => joinShardItemKey(session, ref.instance, s));
    const shardItems = await this.batchGet(shards);
    const values: unknown[] = new Array(ref.size);
    const wanted: Array<{ slot: number; key: ItemKey }> = [];
    shards.forEach((key, shard) => {
      const elements = shardItems.get(`${key.pk}\n${key.sk}`)?.e?.SS ?? [];
      if (elements.length < shardCapacity(shard, ref.size)) {
        throw new Error(`join ${ref.instance} of session ${session.session} is not complete (shard ${shard})`);
      }
      for (const text of elements) {
        const e = decodeElement(text, shard, ref.size);
        if (e.source === EMPTY_SOURCE) {
          values[e.slot] = [];
          continue;
        }
        const source = ref.sources?.[e.source] ?? ref.join;
        const instance = branchInstanceKey(source, ref.join, ref.instance, e.slot, e.iteration);
        wanted.push({ slot: e.slot, key: checkpointItemKey(session, instance) });
      }
    });
    wanted.sort((a, b) => a.slot - b.slot);
    const items = await this.batchGet(wanted.map((w) => w.key));
    await mapLimit(wanted, READ_PARALLELISM * 4, async ({ slot, key }) => {
      const item = items.get(`${key.pk}\n${key.sk}`);
      if (item === undefined) throw new Error(`fan-in ${ref.instance}: no checkpoint for slot ${slot} (${key.pk})`);
      values[slot] = await this.decodeValue(session, item);
    });
    return values;
  }

  /** Outputs of the given instances in order (a window join names them itself); null stays null. */
  private async readInstances(session: SessionRef, instances: ReadonlyArray<string | null>): Promise<unknown[]> {
    const keys = instances.map((i) => (i === null ? undefined : checkpointItemKey(session, i)));
    const items = await this.batchGet(keys.filter((k): k is ItemKey => k !== undefined));
    return Promise.all(keys.map(async (key) => {
      if (key === undefined) return null;
      const item = items.get(`${key.pk}\n${key.sk}`);
      if (item === undefined) throw new Error(`window join: no checkpoint for ${key.pk}`);
      return this.decodeValue(session, item);
    }));
  }

  private requireBucket(): string {
    if (this.bucket === undefined) throw new NoBucketError('this payload is stored in S3 but no bucket is configured (UNUM_BUCKET)');
    return this.bucket;
  }
}

/** A value JSON cannot encode (a BigInt, a cycle): retrying cannot help. */
export class NotJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Unum.InvalidOutput';
  }
}

/** A payload must go to S3 but the store has no bucket: retrying cannot help. */
export class NoBucketError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Unum.NoBucket';
  }
}

export function keyOf(key: ItemKey): Record<string, AttributeValue> {
  return { [ATTR.PK]: { S: key.pk }, [ATTR.SK]: { S: key.sk } };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `fn` over `items` with at most `limit` in flight; rejects on the first error after the in-flight ones settle. */
export async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const i = next++;
      try {
        await fn(items[i], i);
      } catch (e) {
        failure ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure;
}
