"""What a Fail or a Wait does with its input (port of src/protocol/states.ts): ErrorPath/CausePath,
SecondsPath, Timestamp and TimestampPath, decided exactly as the Node runtime decides them."""
import calendar
import re

from . import js
from ._generated import MAX_WAIT_SECONDS
from .dataflow import DataFlowError
from .jsonpath import read_path

__all__ = ["MAX_WAIT_SECONDS", "fail_details", "wait_until", "parse_timestamp"]

_TIMESTAMP = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]+)?(?:Z|([+-])([0-9]{2}):([0-9]{2}))")


def _string_at(document, path, field):
    found = read_path(document, path)
    if not found["found"] or not isinstance(found["value"], str):
        got = "a %s" % js.json_type(found["value"]) if found["found"] else "nothing"
        raise DataFlowError("States.Runtime", "%s %s must select a string in the Fail state's input (it selects %s)" % (field, path, got))
    return found["value"]


def fail_details(fail, document):
    """The error and cause a Fail records: fixed, or read from its input (a string, else States.Runtime)."""
    error = _string_at(document, fail["errorPath"], "ErrorPath") if "errorPath" in fail else fail.get("error", "States.Fail")
    cause = _string_at(document, fail["causePath"], "CausePath") if "causePath" in fail else fail.get("cause")
    return {"error": error} if cause is None else {"error": error, "cause": cause}


def wait_until(wait, document, now_ms):
    """When a Wait that starts at `now_ms` ends, in epoch ms (States.Runtime for a bad value)."""
    if "secondsPath" in wait:
        path = wait["secondsPath"]
        found = read_path(document, path)
        seconds = found.get("value")
        if not found["found"] or not js.is_integer(seconds) or seconds < 0:
            got = js.stringify(seconds) if found["found"] else "nothing"
            raise DataFlowError("States.Runtime", "SecondsPath %s must select a non-negative integer number of seconds (it selects %s)" % (path, got))
        if seconds > MAX_WAIT_SECONDS:
            raise DataFlowError("States.Runtime", "SecondsPath %s selects %s seconds, more than the longest wait (%d s)"
                                % (path, js.number_to_string(seconds), MAX_WAIT_SECONDS))
        return now_ms + int(seconds) * 1000
    text = wait.get("timestamp", js.UNDEFINED)
    field = "Timestamp"
    if "timestampPath" in wait:
        found = read_path(document, wait["timestampPath"])
        if not found["found"]:
            raise DataFlowError("States.Runtime", "TimestampPath %s selects nothing in the Wait state's input" % wait["timestampPath"])
        text = found["value"]
        field = "TimestampPath %s" % wait["timestampPath"]
    if text is js.UNDEFINED:
        return now_ms + int(wait.get("seconds", 0)) * 1000
    at = parse_timestamp(text)
    if at is None:
        raise DataFlowError("States.Runtime", "%s %s is not an RFC 3339 timestamp such as 2024-08-18T17:33:00Z" % (field, js.stringify(text)))
    if at - now_ms > MAX_WAIT_SECONDS * 1000:
        raise DataFlowError("States.Runtime", "%s %s is more than the longest wait (%d s) ahead" % (field, text, MAX_WAIT_SECONDS))
    return max(at, now_ms)


def parse_timestamp(text):
    """An RFC 3339 timestamp in epoch ms, whole seconds; None when it is not one or names no real instant."""
    if not isinstance(text, str):
        return None
    m = _TIMESTAMP.fullmatch(text)
    if m is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    month_days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    if year < 1 or month < 1 or month > 12 or day < 1 or day > month_days[month - 1] or hour > 23 or minute > 59 or second > 59:
        return None
    offset_minutes = 0
    if m.group(7) is not None:
        oh, om = int(m.group(8)), int(m.group(9))
        if oh > 23 or om > 59:
            return None
        offset_minutes = (-1 if m.group(7) == "-" else 1) * (oh * 60 + om)
    return calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0)) * 1000 - offset_minutes * 60_000
