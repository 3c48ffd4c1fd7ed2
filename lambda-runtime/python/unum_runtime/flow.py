"""
Bookkeeping of Wait states across one egress run. A Wait that does not fit in
the invocation's remaining time becomes pending; the run then re-invokes its
own function with the deadlines (envelope `waits`). That invocation
"resumes": it walks the same action tree but performs no invoke/succeed/fail
except on the paths past a resumed Wait, so successors already invoked are
not invoked again.
"""
from __future__ import annotations

import math
import os
import time
from typing import Any, Dict, Mapping, Optional

from .protocol import SKIP_TIME_ENV, WAIT_LOG_FIELDS, WAIT_LOG_KINDS

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


def skipped_ms() -> float:
    """Simulated milliseconds ahead of the real clock: the SKIP_TIME_ENV file's offset (src/protocol/clock.ts), else 0."""
    global _seen
    path = os.environ.get(SKIP_TIME_ENV)
    if not path:
        return 0
    try:
        with open(path, encoding='utf-8') as f:
            value = float(f.read() or 0)
    except (OSError, ValueError):
        value = 0
    # A write lost to a concurrent writer never moves this process's own time back.
    _seen = max(_seen, value)
    return _seen


_seen = 0.0


def now_ms() -> int:
    """Date.now() on the runtime's clock: whole epoch milliseconds (deadlines in envelopes are integers)."""
    return int(time.time() * 1000 + skipped_ms())


def log_sleep(logger: Any, kind: str, state: str, ms: float, message: str) -> None:
    """Says, before a sleep inside this invocation, what it waits for (the session report draws it from this line)."""
    rounded = round(ms)
    if rounded <= 0:
        return
    logger.info(f"{message}: sleeping {rounded} ms",
                {WAIT_LOG_FIELDS['STATE']: state, WAIT_LOG_FIELDS['MS']: rounded, WAIT_LOG_FIELDS['KIND']: WAIT_LOG_KINDS[kind]})


def sleep_ms(ms: float) -> None:
    path = os.environ.get(SKIP_TIME_ENV)
    if not path:
        if ms > 0:
            time.sleep(ms / 1000)
        return
    global _seen
    # Skipping time: move the shared offset to this sleep's end (the furthest end wins, as in clock.ts).
    offset = math.ceil(now_ms() + max(0.0, ms) - time.time() * 1000)
    if offset > skipped_ms():
        _seen = offset
        tmp = f'{path}.{os.getpid()}.tmp'
        with open(tmp, 'w', encoding='utf-8') as f:
            f.write(str(offset))
        os.replace(tmp, path)


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
