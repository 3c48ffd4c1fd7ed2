"""
Bookkeeping of Wait states across one egress run. A Wait that does not fit in
the invocation's remaining time becomes pending; the run then re-invokes its
own function with the deadlines (envelope `waits`). That invocation
"resumes": it walks the same action tree but performs no invoke/succeed/fail
except on the paths past a resumed Wait, so successors already invoked are
not invoked again.
"""
from __future__ import annotations

import time
from typing import Any, Dict, Mapping, Optional

# Time kept after a Wait for the invocations that follow it.
WAIT_MARGIN_MS = 2000


class FlowState:
    @staticmethod
    def of(waits: Optional[Mapping[str, float]]) -> 'FlowState':
        return FlowState(waits, waits is not None)

    def __init__(self, resume: Optional[Mapping[str, float]], resuming: bool, pending: Optional[Dict[str, float]] = None):
        self.resume = resume
        self.resuming = resuming
        # Deadlines to write into the re-invocation, by Wait instance key.
        self.pending: Dict[str, float] = pending if pending is not None else {}

    def continuing(self) -> 'FlowState':
        """The state for the path past a resumed Wait: everything runs again, pending waits are shared."""
        return FlowState(self.resume, False, self.pending)

    def skips(self, action: Mapping[str, Any]) -> bool:
        return self.resuming and action['kind'] in ('invoke', 'succeed', 'fail')


def now_ms() -> int:
    """Date.now(): whole epoch milliseconds (deadlines in envelopes are integers)."""
    return int(time.time() * 1000)


def sleep_ms(ms: float) -> None:
    if ms > 0:
        time.sleep(ms / 1000)


def reaches_join(action: Optional[Mapping[str, Any]]) -> bool:
    """Whether `action` can arrive at a join before any function runs (then a Pass checkpoints its value)."""
    if action is None:
        return False
    kind = action['kind']
    if kind in ('join', 'dagJoin'):
        return True
    if kind in ('skip', 'wait'):
        return reaches_join(action['next'])
    if kind == 'choice':
        return any(reaches_join(r['then']) for r in action['rules']) or reaches_join(action.get('otherwise'))
    return False
