/**
 * What a simulated session asks of the store: requests, DynamoDB capacity
 * units and S3 requests, and writes per partition key. Item sizes are the
 * payload plus a fixed overhead for keys and attributes; DynamoDB bills a
 * write unit per 1 KB of the item (an update: the larger of before and
 * after) and a strongly consistent read unit per 4 KB, at least one.
 */
export const ITEM_OVERHEAD_BYTES = 100;
/** A join element (`offset[.source]` in base 36) with its set's share of overhead. */
export const JOIN_ELEMENT_BYTES = 4;

export const writeUnits = (bytes: number): number => Math.max(1, Math.ceil(bytes / 1024));
export const readUnits = (bytes: number): number => Math.max(1, Math.ceil(bytes / 4096));

/** Writes of one partition key in the current second of simulated time (its writes come in time order). */
export class KeyWrites {
  public second = -1;
  public count = 0;
  public constructor(public readonly describe: () => string) {}
}

export class StoreUsage {
  public dynamodbRequests = 0;
  public readUnits = 0;
  public writeUnits = 0;
  public s3Puts = 0;
  public s3Gets = 0;
  private hottest = { key: '', writesPerSecond: 0 };

  public get(bytes = 0): void {
    this.dynamodbRequests++;
    this.readUnits += readUnits(bytes);
  }

  /** A BatchGetItem of these items (split into requests of 100 keys). */
  public batchGet(items: number, units: number): void {
    this.dynamodbRequests += Math.max(1, Math.ceil(items / 100));
    this.readUnits += units;
  }

  /** A put or update at simulated time `at`; `key` tracks a key written more than once (a join's or the session's). */
  public write(bytes: number, at: number, key?: KeyWrites): void {
    this.dynamodbRequests++;
    this.writeUnits += writeUnits(bytes);
    if (key === undefined) return;
    const second = Math.floor(at);
    if (second !== key.second) {
      key.second = second;
      key.count = 0;
    }
    if (++key.count > this.hottest.writesPerSecond) this.hottest = { key: key.describe(), writesPerSecond: key.count };
  }

  /** BatchWriteItem deletes of these items (requests of 25 keys), a write unit each (the items are small). */
  public batchDelete(items: number): void {
    this.dynamodbRequests += Math.ceil(items / 25);
    this.writeUnits += items;
  }

  public s3Put(): void {
    this.s3Puts++;
  }

  public s3Get(): void {
    this.s3Gets++;
  }

  /** The key written most often within one second of simulated time (counts every single-write key as 1). */
  public get hottestKey(): { key: string; writesPerSecond: number } {
    return this.hottest.writesPerSecond > 0 ? this.hottest : { key: 'checkpoint items (one write each)', writesPerSecond: this.writeUnits > 0 ? 1 : 0 };
  }
}
