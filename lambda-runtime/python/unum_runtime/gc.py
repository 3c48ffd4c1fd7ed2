"""
Eager garbage collection. Checkpoints live in their own partitions (no query
finds them), so in eager mode every intermediate item or object is also named
by a marker under the session (spread over a few partitions); the session's
end deletes what the markers name. One extra write per instance, only in
eager mode. Markers are written and read the same way by the Node runtime.
"""
from __future__ import annotations

import hashlib
import time
from typing import Any, Dict, List, Mapping

from .protocol import GC_PARTITIONS, checkpoint_item_key, garbage_key, join_root_item_key, join_shard_item_key, shard_count
from .store import Store, key_of, map_limit


def _partition(session: Mapping[str, Any], marker: str) -> Dict[str, str]:
    h = int.from_bytes(hashlib.sha256(marker.encode('utf-8')).digest()[:4], 'big')
    return {'pk': garbage_key(session, h % GC_PARTITIONS), 'sk': marker}


def track_garbage(store: Store, session: Mapping[str, Any], marker: str) -> None:
    """`C|<instance>` a checkpoint, `J|<size>|<join instance>` a join's items, `O|<key>` an S3 object."""
    store.put(_partition(session, marker), {})


def collect_garbage(store: Store, session: Mapping[str, Any]) -> None:
    items: List[Mapping[str, str]] = []
    objects: List[str] = []
    for p in range(GC_PARTITIONS):
        pk = garbage_key(session, p)
        start = None
        while True:
            request: Dict[str, Any] = {
                'TableName': store.table,
                'KeyConditionExpression': 'pk = :pk',
                'ExpressionAttributeValues': {':pk': {'S': pk}},
                'ConsistentRead': True,
            }
            if start is not None:
                request['ExclusiveStartKey'] = start
            out = store.dynamodb.query(**request)
            for item in out.get('Items', []):
                marker = item['sk']['S']
                items.append({'pk': pk, 'sk': marker})
                kind, rest = marker[:1], marker[2:]
                if kind == 'C':
                    items.append(checkpoint_item_key(session, rest))
                elif kind == 'O':
                    objects.append(rest)
                elif kind == 'J':
                    size_text, instance = rest.split('|', 1)
                    size = int(size_text)
                    items.extend(join_shard_item_key(session, instance, s) for s in range(shard_count(size)))
                    items.extend([join_root_item_key(session, instance), checkpoint_item_key(session, instance)])
            start = out.get('LastEvaluatedKey')
            if start is None:
                break
    batches = [[{'DeleteRequest': {'Key': key_of(k)}} for k in items[i:i + 25]] for i in range(0, len(items), 25)]

    def delete_batch(batch: List[Dict[str, Any]], _: int) -> None:
        pending = batch
        round_ = 0
        while pending:
            if round_ > 0:
                time.sleep(min(1000, 20 * 2 ** round_) / 1000)
            out = store.dynamodb.batch_write_item(RequestItems={store.table: pending})
            pending = out.get('UnprocessedItems', {}).get(store.table, [])
            round_ += 1

    map_limit(batches, 8, delete_batch)
    map_limit(objects, 16, lambda key, _: store.s3.delete_object(Bucket=store.bucket, Key=key))
