"""
Issuing the items of a Map so that any size finishes and each item is issued
once per fan-out, not once per retry. Items go out in batches; after each
batch of a map larger than one batch the number issued is recorded (one
conditional write). When the invocation's remaining time runs short the map
stops at a batch boundary (or inside a batch that started with time to
spare, at the prefix of items it issued) and the egress re-invokes its own function with
where to resume (envelope `fanouts`). A retry, a duplicate or a continuation
resumes at the recorded progress. Progress is recorded only once every invoke
of the batch was accepted, so no item is ever skipped.
"""
from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Callable, Dict

from .protocol import fanout_progress_item_key
from .store import map_limit

if TYPE_CHECKING:
    from .runtime import Invocation, Runtime

# Time kept back, besides twice the slowest batch, for the progress record and the continuation.
FANOUT_MARGIN_MS = 1000
# Time kept back inside a batch: the margin, and the invokes still in flight when it stops starting new ones.
IN_BATCH_MARGIN_MS = 2 * FANOUT_MARGIN_MS


class Fanouts:
    def __init__(self, rt: 'Runtime', inv: 'Invocation', replay: bool):
        self.rt = rt
        self.inv = inv
        # The checkpoint existed before this invocation: earlier invocations may have issued items already.
        self.replay = replay
        # Map instances that stopped short in this invocation, with the first item not issued.
        self.stopped: Dict[str, int] = {}

    @property
    def stopping(self) -> bool:
        return len(self.stopped) > 0

    def issue(self, instance: str, size: int, limit: int, issue: Callable[[int], None]) -> None:
        """Issues items [resume point, size) of the Map instance `instance`, at most `limit` in flight."""
        batch = self.rt.fanout_batch
        key = fanout_progress_item_key(self.inv.envelope, instance)
        recorded = size > batch
        next_ = 0
        if self.replay and recorded:
            item = self.rt.store.get(key)
            resume = (self.inv.envelope.get('fanouts') or {}).get(instance, 0)
            next_ = max(resume, int((item or {}).get('n', {}).get('N', 0)))
        first = next_
        slowest = 0.0
        while next_ < size:
            # At least one batch per invocation, so every continuation makes progress.
            if next_ > first and (self.stopping or self.rt.remaining(self.inv) < FANOUT_MARGIN_MS + 2 * slowest):
                self.stopped[instance] = next_
                return
            end = min(size, next_ + batch)
            started = time.monotonic()
            cut = self._issue_batch(next_, end, first, limit, recorded, issue)
            slowest = max(slowest, (time.monotonic() - started) * 1000)
            # A fan-out nested in these items stopped short: they are not all issued yet.
            if self.stopping:
                self.stopped[instance] = next_
                return
            if cut < end:
                self._record(key, cut)
                self.stopped[instance] = cut
                return
            next_ = end
            if recorded:
                self._record(key, next_)

    def _issue_batch(self, start: int, end: int, first: int, limit: int, recorded: bool, issue: Callable[[int], None]) -> int:
        """
        Issues items [start, end) and returns the first one not issued (`end` when all were). A recorded batch that
        started with time to spare also stops starting items when time runs short (a loaded machine can make one batch
        outlast the budget); one that started short still goes out whole, so an invocation always makes a batch of
        progress. Items start in index order, and the cut is the lowest index that found time short, so the ones
        issued are a prefix.
        """
        cuttable = recorded and self.rt.remaining(self.inv) >= IN_BATCH_MARGIN_MS
        lock = threading.Lock()
        cut = [end]

        def one(index: int, _: int) -> None:
            with lock:
                if index >= cut[0]:
                    return
                if cuttable and index > first and self.rt.remaining(self.inv) < IN_BATCH_MARGIN_MS:
                    cut[0] = index
                    return
            issue(index)

        map_limit(list(range(start, end)), limit, one)
        return cut[0]

    def _record(self, key: Dict[str, str], issued: int) -> None:
        """Monotonic: a stale duplicate's record never moves progress back."""
        self.rt.store.update(key, set='#n = :n', names={'#n': 'n'}, values={':n': {'N': str(issued)}},
                             condition='attribute_not_exists(#n) OR #n < :n')
