"""
The intermediary store: one DynamoDB table (values as JSON strings, no
marshalling library) and one S3 bucket for values too large for an item.
The same requests, items, attributes and expressions as the Node store layer
(src/client/store.ts), so both runtimes read each other's checkpoints and
join arrivals.
"""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, TypeVar, Union

from .protocol import (
    ATTR, EMPTY_SOURCE, ITEM_VALUE_LIMIT, branch_instance_key, checkpoint_item_key, decode_element, join_shard_item_key,
    js_dumps, js_loads, shard_capacity, shard_count,
)

Item = Dict[str, Dict[str, Any]]
T = TypeVar('T')

# BatchGetItem takes at most 100 keys.
BATCH = 100
# Batches read in parallel when resolving a large fan-in.
READ_PARALLELISM = 8


class NotJsonError(Exception):
    """A value JSON cannot encode: retrying cannot help."""
    name = 'Unum.InvalidOutput'


class NoBucketError(Exception):
    """A payload must go to S3 but the store has no bucket: retrying cannot help."""
    name = 'Unum.NoBucket'


def key_of(key: Mapping[str, str]) -> Item:
    return {ATTR['PK']: {'S': key['pk']}, ATTR['SK']: {'S': key['sk']}}


def _id(key: Mapping[str, str]) -> str:
    return f"{key['pk']}\n{key['sk']}"


def has_value(item: Item, prefix: str = '') -> bool:
    return f'{prefix}v' in item or f'{prefix}s3' in item or f'{prefix}fi' in item


def fan_in_of(item: Item, prefix: str = '') -> Optional[Dict[str, Any]]:
    fi = item.get(f'{prefix}fi', {}).get('S')
    return None if fi is None else js_loads(fi)


class Store:
    def __init__(self, dynamodb: Any, s3: Union[Any, Callable[[], Any]], table: str, bucket: Optional[str] = None,
                 ttl_seconds: Optional[int] = None):
        self.dynamodb = dynamodb
        self._s3 = s3
        self._s3_lock = threading.Lock()
        self.table = table
        self.bucket = bucket
        self.ttl_seconds = ttl_seconds if ttl_seconds is not None else 7 * 24 * 3600

    @property
    def s3(self) -> Any:
        """The S3 client, created on first use when the store was given a factory (only spills need S3)."""
        with self._s3_lock:
            if callable(self._s3):
                self._s3 = self._s3()
            return self._s3

    def _ttl(self) -> Dict[str, str]:
        return {'N': str(int(time.time()) + self.ttl_seconds)}

    def keyed(self, key: Mapping[str, str], attrs: Optional[Item] = None) -> Item:
        """Key attributes plus the TTL attribute that every item carries."""
        return {ATTR['PK']: {'S': key['pk']}, ATTR['SK']: {'S': key['sk']}, ATTR['TTL']: self._ttl(), **(attrs or {})}

    def get(self, key: Mapping[str, str]) -> Optional[Item]:
        out = self.dynamodb.get_item(TableName=self.table, Key=key_of(key), ConsistentRead=True)
        return out.get('Item')

    def put_if_absent(self, key: Mapping[str, str], attrs: Item) -> Tuple[bool, Optional[Item]]:
        """Conditional put; on a lost race returns the winner's item (one request either way)."""
        try:
            self.dynamodb.put_item(
                TableName=self.table,
                Item=self.keyed(key, attrs),
                ConditionExpression='attribute_not_exists(#pk)',
                ExpressionAttributeNames={'#pk': ATTR['PK']},
                ReturnValuesOnConditionCheckFailure='ALL_OLD',
            )
            return True, None
        except self.dynamodb.exceptions.ConditionalCheckFailedException as e:
            return False, e.response.get('Item')

    def put(self, key: Mapping[str, str], attrs: Item) -> None:
        self.dynamodb.put_item(TableName=self.table, Item=self.keyed(key, attrs))

    def update(self, key: Mapping[str, str], set: Optional[str] = None, add: Optional[str] = None,
               names: Optional[Mapping[str, str]] = None, values: Optional[Item] = None,
               condition: Optional[str] = None, return_new: bool = False, return_old: bool = False) -> Optional[Item]:
        """
        UpdateItem with SET and ADD clauses (the TTL is set too); the updated
        attributes (`return_new`: their new values, `return_old`: their values
        before), or None when the condition fails.
        """
        clause = f"SET {f'{set}, ' if set else ''}#ttl = if_not_exists(#ttl, :ttl)"
        request: Dict[str, Any] = {
            'TableName': self.table,
            'Key': key_of(key),
            'UpdateExpression': f'{clause} ADD {add}' if add else clause,
            'ExpressionAttributeNames': {**(names or {}), '#ttl': ATTR['TTL']},
            'ExpressionAttributeValues': {**(values or {}), ':ttl': self._ttl()},
            'ReturnValues': 'UPDATED_OLD' if return_old else 'UPDATED_NEW' if return_new else 'NONE',
        }
        if condition is not None:
            request['ConditionExpression'] = condition
        try:
            out = self.dynamodb.update_item(**request)
        except self.dynamodb.exceptions.ConditionalCheckFailedException:
            return None
        return out.get('Attributes') or {}

    def batch_get(self, keys: Sequence[Mapping[str, str]]) -> Dict[str, Item]:
        """Strongly consistent BatchGetItem of any number of keys, retrying unprocessed keys."""
        found: Dict[str, Item] = {}
        lock = threading.Lock()
        chunks = [keys[i:i + BATCH] for i in range(0, len(keys), BATCH)]

        def read(chunk: Sequence[Mapping[str, str]], _: int) -> None:
            pending: List[Item] = [key_of(k) for k in chunk]
            round_ = 0
            while pending:
                if round_ > 0:
                    time.sleep(min(1000, 20 * 2 ** round_) / 1000)
                out = self.dynamodb.batch_get_item(RequestItems={self.table: {'Keys': pending, 'ConsistentRead': True}})
                with lock:
                    for item in out.get('Responses', {}).get(self.table, []):
                        found[f"{item[ATTR['PK']]['S']}\n{item[ATTR['SK']]['S']}"] = item
                pending = out.get('UnprocessedKeys', {}).get(self.table, {}).get('Keys', [])
                round_ += 1

        map_limit(chunks, READ_PARALLELISM, read)
        return found

    def encode_value(self, value: Any, prefix: str, spill_key: str, limit: int = ITEM_VALUE_LIMIT) -> Item:
        """Attributes that hold `value` under `prefix`: inline JSON, or an S3 object at `spill_key` when larger than `limit` bytes."""
        try:
            # JSON.stringify's exact text, so both runtimes decide spills on the same byte size.
            text = js_dumps(value)
        except (TypeError, ValueError, RecursionError) as e:
            raise NotJsonError(f'the value cannot be encoded as JSON: {e}') from e
        if len(text.encode('utf-8')) <= min(limit, ITEM_VALUE_LIMIT):
            return {f'{prefix}v': {'S': text}}
        self.put_object(spill_key, text)
        return {f'{prefix}s3': {'S': spill_key}}

    def decode_value(self, session: Mapping[str, Any], item: Item, prefix: str = '') -> Any:
        """Resolves the value under `prefix`: inline, S3, or a fan-in list."""
        inline = item.get(f'{prefix}v', {}).get('S')
        if inline is not None:
            return js_loads(inline)
        key = item.get(f'{prefix}s3', {}).get('S')
        if key is not None:
            return js_loads(self.get_object(self._require_bucket(), key))
        ref = fan_in_of(item, prefix)
        if ref is not None:
            return self.read_fan_in(session, ref)
        raise ValueError(f"store item {item.get(ATTR['PK'], {}).get('S')} holds no value under '{prefix}'")

    def put_object(self, key: str, body: str) -> None:
        self.s3.put_object(Bucket=self._require_bucket(), Key=key, Body=body.encode('utf-8'), ContentType='application/json')

    def get_object(self, bucket: str, key: str) -> str:
        out = self.s3.get_object(Bucket=bucket, Key=key)
        return out['Body'].read().decode('utf-8')

    def read_fan_in(self, session: Mapping[str, Any], ref: Mapping[str, Any]) -> List[Any]:
        """
        The branch outputs of a completed join, in slot order: the shard items
        say which source arrived at each slot and at which iteration, which
        gives each slot's checkpoint key. All reads are strongly consistent.
        """
        if ref.get('instances') is not None:
            return self._read_instances(session, ref['instances'])
        size = ref['size']
        shards = [join_shard_item_key(session, ref['instance'], s) for s in range(shard_count(size))]
        shard_items = self.batch_get(shards)
        values: List[Any] = [None] * size
        wanted: List[Tuple[int, Mapping[str, str]]] = []
        sources = ref.get('sources')
        for shard, key in enumerate(shards):
            elements = shard_items.get(_id(key), {}).get('e', {}).get('SS', [])
            if len(elements) < shard_capacity(shard, size):
                raise ValueError(f"join {ref['instance']} of session {session['session']} is not complete (shard {shard})")
            for text in elements:
                e = decode_element(text, shard, size)
                if e['source'] == EMPTY_SOURCE:
                    values[e['slot']] = []
                    continue
                source = sources[e['source']] if sources is not None and e['source'] < len(sources) else ref['join']
                instance = branch_instance_key(source, ref['join'], ref['instance'], e['slot'], e['iteration'])
                wanted.append((e['slot'], checkpoint_item_key(session, instance)))
        wanted.sort(key=lambda w: w[0])
        items = self.batch_get([k for _, k in wanted])

        def decode(w: Tuple[int, Mapping[str, str]], _: int) -> None:
            slot, key = w
            item = items.get(_id(key))
            if item is None:
                raise ValueError(f"fan-in {ref['instance']}: no checkpoint for slot {slot} ({key['pk']})")
            values[slot] = self.decode_value(session, item)

        map_limit(wanted, READ_PARALLELISM * 4, decode, inline_when=lambda w: 's3' not in items.get(_id(w[1]), {}))
        return values

    def _read_instances(self, session: Mapping[str, Any], instances: Sequence[Optional[str]]) -> List[Any]:
        """Outputs of the given instances in order (a window join names them itself); null stays null."""
        keys = [None if i is None else checkpoint_item_key(session, i) for i in instances]
        items = self.batch_get([k for k in keys if k is not None])
        values: List[Any] = []
        for key in keys:
            if key is None:
                values.append(None)
                continue
            item = items.get(_id(key))
            if item is None:
                raise ValueError(f"window join: no checkpoint for {key['pk']}")
            values.append(self.decode_value(session, item))
        return values

    def _require_bucket(self) -> str:
        if self.bucket is None:
            raise NoBucketError('this payload is stored in S3 but no bucket is configured (UNUM_BUCKET)')
        return self.bucket


def map_limit(items: Sequence[T], limit: int, fn: Callable[[T, int], None],
              inline_when: Optional[Callable[[T], bool]] = None) -> None:
    """
    Runs `fn` over `items` with at most `limit` in flight (threads: the SDK
    calls block); raises the first error once the running ones settle.
    `inline_when`: items cheap enough to run in the calling thread.
    """
    if inline_when is not None:
        rest = []
        for i, item in enumerate(items):
            if inline_when(item):
                fn(item, i)
            else:
                rest.append((item, i))
        if not rest:
            return
        items_with_index: Sequence[Tuple[T, int]] = rest
    else:
        items_with_index = [(item, i) for i, item in enumerate(items)]
    if len(items_with_index) == 1 or limit <= 1:
        for item, i in items_with_index:
            fn(item, i)
        return
    lock = threading.Lock()
    state = {'next': 0, 'failure': None}

    def worker() -> None:
        while True:
            with lock:
                if state['failure'] is not None or state['next'] >= len(items_with_index):
                    return
                item, i = items_with_index[state['next']]
                state['next'] += 1
            try:
                fn(item, i)
            except BaseException as e:  # noqa: BLE001 - re-raised below
                with lock:
                    if state['failure'] is None:
                        state['failure'] = e

    workers = min(limit, len(items_with_index))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for f in [pool.submit(worker) for _ in range(workers)]:
            f.result()
    if state['failure'] is not None:
        raise state['failure']


def gather(calls: Iterable[Callable[[], None]]) -> None:
    """Runs every call concurrently (Promise.all); raises the first error once all settle."""
    calls = list(calls)
    map_limit(calls, len(calls), lambda call, _: call())
