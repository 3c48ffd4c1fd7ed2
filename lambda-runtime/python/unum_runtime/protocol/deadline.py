"""The workflow timeout (port of src/protocol/deadline.ts): the session's deadline, whether it has passed, the States.Timeout cause."""
from datetime import datetime, timezone

from . import js

__all__ = ["workflow_deadline", "is_past_deadline", "timeout_cause"]


def workflow_deadline(start_ms, timeout_seconds):
    """The session's deadline in epoch ms: its start plus the workflow's timeout."""
    return start_ms + timeout_seconds * 1000


def is_past_deadline(deadline, now):
    """Whether `now` is at or past the deadline; a session without one (None) never is."""
    return js.is_number(deadline) and now >= deadline


def iso_time(epoch_ms):
    """`new Date(ms).toISOString()`."""
    ms = int(epoch_ms)
    t = datetime.fromtimestamp(ms // 1000, timezone.utc)
    return t.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (ms % 1000)


def timeout_cause(deadline):
    """The cause recorded with States.Timeout when a session is TIMED_OUT."""
    return "the session ran past its deadline %s (the workflow's timeout)" % iso_time(deadline)
