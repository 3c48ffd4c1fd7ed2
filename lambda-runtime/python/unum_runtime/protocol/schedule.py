"""Port of src/protocol/schedule.ts: long Waits' schedule names and at() expressions."""
import hashlib
import math
import re
from datetime import datetime, timezone

from . import js
from ._generated import SCHEDULE_NAME_PREFIX
from .keys import session_object_prefix

_AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")


def schedule_name(ref, instance, waits):
    digest = hashlib.sha256(js.dumps([ref["workflow"], ref["session"], instance, sorted(waits)]).encode("utf-8")).hexdigest()
    return SCHEDULE_NAME_PREFIX + digest[:48]


def at_expression(epoch_ms):
    seconds = math.ceil(epoch_ms / 1000)
    return "at(%s)" % datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def parse_at_expression(expression):
    m = _AT.match(expression)
    if m is None:
        return None
    return int(datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp() * 1000)


def scheduled_envelope_object_key(ref, name):
    return "%sschedules/%s.json" % (session_object_prefix(ref), name)
