"""What a Fail or a Wait does with its input (port of src/protocol/states.ts): ErrorPath/CausePath,
SecondsPath, Timestamp and TimestampPath, decided exactly as the Node runtime decides them."""
import calendar
import re

from . import js
from ._generated import ERROR_QUERY_EVALUATION, MAX_WAIT_SECONDS
from .dataflow import DataFlowError
from .jsonata import evaluate_jsonata_template, is_jsonata_expression
from .jsonpath import read_path

__all__ = ["MAX_WAIT_SECONDS", "fail_details", "wait_until", "parse_timestamp", "has_jsonata_fields", "jsonata_fail_details", "jsonata_wait_until"]

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
        return now_ms + int(wait.get("seconds", 0)) * 1000  # a JSONata Seconds goes through jsonata_wait_until
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


def has_jsonata_fields(spec):
    """Whether a Fail or a Wait has a JSONata expression (then jsonata_fail_details or jsonata_wait_until decides)."""
    return any(is_jsonata_expression(spec.get(f)) for f in ("error", "cause", "seconds", "timestamp"))


def _jsonata_string(template, scope, field):
    if not is_jsonata_expression(template):
        return template
    value = evaluate_jsonata_template(template, {"input": scope["input"], "context": scope.get("context")}, scope.get("variables"), field)
    if not isinstance(value, str):
        raise DataFlowError(ERROR_QUERY_EVALUATION, "%s: the JSONata expression '%s' must evaluate to a string, got %s" % (field, template, js.stringify(value)))
    return value


def jsonata_fail_details(fail, scope):
    """A Fail's error and cause when either is a JSONata expression: each must evaluate to a string."""
    error = _jsonata_string(fail.get("error", "States.Fail"), scope, "Error")
    cause = _jsonata_string(fail["cause"], scope, "Cause") if "cause" in fail else None
    return {"error": error} if cause is None else {"error": error, "cause": cause}


def jsonata_wait_until(wait, scope, now_ms):
    """When a Wait whose Seconds or Timestamp is a JSONata expression ends (States.QueryEvaluationError for a bad value)."""
    field = "Seconds" if is_jsonata_expression(wait.get("seconds")) else "Timestamp"
    template = wait["seconds"] if field == "Seconds" else wait["timestamp"]
    value = evaluate_jsonata_template(template, {"input": scope["input"], "context": scope.get("context")}, scope.get("variables"), field)
    if field == "Seconds":
        bad = not js.is_integer(value) or value < 0 or value > MAX_WAIT_SECONDS
        want = "an integer number of seconds from 0 to %d" % MAX_WAIT_SECONDS
    else:
        bad = parse_timestamp(value) is None
        want = "an RFC 3339 timestamp such as 2024-08-18T17:33:00Z"
    if bad:
        raise DataFlowError(ERROR_QUERY_EVALUATION, "%s: the JSONata expression '%s' must evaluate to %s, got %s" % (field, template, want, js.stringify(value)))
    try:
        return wait_until({"seconds": value} if field == "Seconds" else {"timestamp": value}, None, now_ms)
    except DataFlowError as e:
        raise DataFlowError(ERROR_QUERY_EVALUATION, "%s: the JSONata expression '%s': %s" % (field, template, str(e))) from e
