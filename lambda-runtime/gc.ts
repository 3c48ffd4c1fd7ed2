import { createHash } from 'crypto';
import { BatchWriteItemCommand, QueryCommand, WriteRequest } from '@aws-sdk/client-dynamodb';
import { s3Module } from '../src/client/s3';
import { Store, keyOf, mapLimit, sleep } from '../src/client/store';
import { GC_PARTITIONS, ItemKey, SessionRef, checkpointItemKey, garbageKey } from '../src/protocol';
import { joinRootItemKey, joinShardItemKey, shardCount } from '../src/protocol/join';

/**
 * Eager garbage collection. Checkpoints live in their own partitions (no
 * query finds them), so in eager mode every intermediate item or object is
 * also named by a marker under the session (spread over a few partitions);
 * the session's end deletes what the markers name. Costs one extra write
 * per instance, only in eager mode.
 */

function partition(session: SessionRef, marker: string): ItemKey {
  const h = createHash('sha256').update(marker).digest().readUInt32BE(0);
  return { pk: garbageKey(session, h % GC_PARTITIONS), sk: marker };
}

/** `C|<instance>` a checkpoint, `J|<size>|<join instance>` a join's items, `O|<key>` an S3 object. */
export async function trackGarbage(store: Store, session: SessionRef, marker: string): Promise<void> {
  await store.put(partition(session, marker), {});
}

export async function collectGarbage(store: Store, session: SessionRef): Promise<void> {
  const items: ItemKey[] = [];
  const objects: string[] = [];
  for (let p = 0; p < GC_PARTITIONS; p++) {
    const pk = garbageKey(session, p);
    let start: Record<string, any> | undefined;
    do {
      const out = await store.dynamodb.send(new QueryCommand({
        TableName: store.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: pk } },
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }));
      for (const item of out.Items ?? []) {
        const marker = item.sk.S!;
        items.push({ pk, sk: marker });
        const [kind, rest] = [marker.slice(0, 1), marker.slice(2)];
        if (kind === 'C') items.push(checkpointItemKey(session, rest));
        if (kind === 'O') objects.push(rest);
        if (kind === 'J') {
          const size = Number(rest.slice(0, rest.indexOf('|')));
          const instance = rest.slice(rest.indexOf('|') + 1);
          for (let s = 0; s < shardCount(size); s++) items.push(joinShardItemKey(session, instance, s));
          items.push(joinRootItemKey(session, instance), checkpointItemKey(session, instance));
        }
      }
      start = out.LastEvaluatedKey;
    } while (start !== undefined);
  }
  const batches: WriteRequest[][] = [];
  for (let i = 0; i < items.length; i += 25) {
    batches.push(items.slice(i, i + 25).map((k) => ({ DeleteRequest: { Key: keyOf(k) } })));
  }
  await mapLimit(batches, 8, async (batch) => {
    let pending = batch;
    for (let round = 0; pending.length > 0; round++) {
      if (round > 0) await sleep(Math.min(1000, 20 * 2 ** round));
      const out = await store.dynamodb.send(new BatchWriteItemCommand({ RequestItems: { [store.table]: pending } }));
      pending = out.UnprocessedItems?.[store.table] ?? [];
    }
  });
  await mapLimit(objects, 16, async (key) => {
    // Only eager cleanup deletes objects, so the command is here (granted only with eager cleanup).
    await store.s3.send(new (s3Module().DeleteObjectCommand)({ Bucket: store.bucket, Key: key }));
  });
}
