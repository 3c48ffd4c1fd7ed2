"""Pure join (fan-in) math (port of src/protocol/join.ts). A join of `size` slots is split into
shards of contiguous slots; each arrival adds a compact element to its shard's string set, and the
arrival that completes a shard adds the shard id to the root's number set."""
import math

from . import js
from ._generated import ELEMENT_FORMAT, EMPTY_SOURCE, KEY_TEMPLATES, SINGLE_SHARD_LIMIT
from .keys import instance_key, render_key

__all__ = ["SINGLE_SHARD_LIMIT", "EMPTY_SOURCE", "shard_size", "shard_count", "shard_of", "shard_capacity",
           "encode_element", "decode_element", "join_shard_item_key", "join_root_item_key",
           "branch_instance_key", "dag_slot_instance_key"]

# How encodeElement writes `offset[.source[.iteration]]`, read off the TypeScript (_generated.py).
_SEPARATOR = ELEMENT_FORMAT["separator"]
_EMPTY = ELEMENT_FORMAT["emptySource"]
if ELEMENT_FORMAT["base"] != 36:
    raise ImportError("join elements are in base %d; this port writes base 36" % ELEMENT_FORMAT["base"])


def _int(n):
    """A JavaScript number that is an integer, as a Python int (JSON may carry it as 3.0)."""
    return int(n) if isinstance(n, float) and n.is_integer() else n


def shard_size(size):
    """Slots per shard."""
    return _int(size) if size <= SINGLE_SHARD_LIMIT else math.ceil(math.sqrt(size))


def shard_count(size):
    return math.ceil(size / shard_size(size))


def shard_of(slot, size):
    return math.floor(slot / shard_size(size))


def shard_capacity(shard, size):
    """Number of slots in `shard` (the last shard may be short)."""
    k = shard_size(size)
    return _int(min(k, size - shard * k))


def encode_element(element, size):
    """`offset[.source[.iteration]]` in base 36, offset relative to the shard's first slot."""
    slot, source, iteration = element["slot"], element["source"], element["iteration"]
    offset = js.to_base36(slot - shard_of(slot, size) * shard_size(size))
    source_text = _EMPTY if source == EMPTY_SOURCE else js.to_base36(source)
    if iteration != 0:
        return _SEPARATOR.join((offset, source_text, js.to_base36(iteration)))
    return offset if source == 0 else _SEPARATOR.join((offset, source_text))


def decode_element(text, shard, size):
    parts = text.split(_SEPARATOR)
    offset = parts[0]
    source = parts[1] if len(parts) > 1 else "0"
    iteration = parts[2] if len(parts) > 2 else "0"
    return {
        "slot": shard * shard_size(size) + js.parse_int36(offset),
        "source": EMPTY_SOURCE if source == _EMPTY else js.parse_int36(source),
        "iteration": js.parse_int36(iteration),
    }


def join_shard_item_key(ref, join_instance, shard):
    """One partition per shard, so a large join spreads its writes."""
    return render_key(KEY_TEMPLATES["joinShardItemKey"], workflow=ref["workflow"], session=ref["session"],
                      joinInstance=join_instance, shard=shard)


def join_root_item_key(ref, join_instance):
    return render_key(KEY_TEMPLATES["joinRootItemKey"], workflow=ref["workflow"], session=ref["session"],
                      joinInstance=join_instance)


def branch_instance_key(source, join, join_instance, slot, iteration):
    """The instance that arrived at `slot` from `source` at `iteration`: the join's scope extended by the branch frame."""
    scope = join_instance[len(join) + 1:]
    return render_key(KEY_TEMPLATES["branchInstanceKey"], source=source, scope=scope, slot=slot, iteration=iteration)


def dag_slot_instance_key(node, branches, frames, iteration):
    """The instance of a DAG join's predecessor: the join's scope extended by the Parallel branches it ran in
    (keys depend only on each frame's index and iteration; no loop runs between a DAG join and its predecessors)."""
    branch_frames = [{"fanout": "", "index": index, "size": index + 1, "iteration": iteration} for index in branches]
    return instance_key(node, list(frames) + branch_frames, iteration)
