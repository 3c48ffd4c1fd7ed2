"""JSON lines (CloudWatch-friendly) carrying the instance's identity, as the Node runtime writes them."""
from __future__ import annotations

import json
import os
import sys
from datetime import datetime, timezone
from typing import Any, Callable, Dict, Mapping, Optional

from .protocol import TRACE_ENV, sampled_trace_id

LEVELS = ('debug', 'info', 'warn', 'error')
# Lambda's application log levels, least severe first; the logger writes debug to error.
LAMBDA_LEVELS = ('trace', 'debug', 'info', 'warn', 'error', 'fatal')


def write_line(text: str) -> None:
    """One line to stdout as it is (Lambda keeps a stdout line; the logging module's it would reformat)."""
    sys.stdout.write(text + '\n')
    sys.stdout.flush()


class Logger:
    """`debug/info/warn/error(message, fields=None)`; `warning` and `exception` as Python code expects."""

    def __init__(self, emit: Callable[[str, str, Optional[Mapping[str, Any]]], None]):
        self._emit = emit

    def debug(self, message: str, fields: Optional[Mapping[str, Any]] = None, **more: Any) -> None:
        self._emit('debug', message, _merge(fields, more))

    def info(self, message: str, fields: Optional[Mapping[str, Any]] = None, **more: Any) -> None:
        self._emit('info', message, _merge(fields, more))

    def warn(self, message: str, fields: Optional[Mapping[str, Any]] = None, **more: Any) -> None:
        self._emit('warn', message, _merge(fields, more))

    warning = warn

    def error(self, message: str, fields: Optional[Mapping[str, Any]] = None, **more: Any) -> None:
        self._emit('error', message, _merge(fields, more))

    exception = error


def _merge(fields: Optional[Mapping[str, Any]], more: Mapping[str, Any]) -> Optional[Mapping[str, Any]]:
    if not more:
        return fields
    return {**(fields or {}), **more}


def min_log_level(env: Mapping[str, str] = os.environ) -> str:
    """
    The least severe level written: the function's applicationLogLevel (Lambda
    sets AWS_LAMBDA_LOG_LEVEL with the JSON log format, and drops JSON lines
    below it anyway), else UNUM_LOG_LEVEL, else info.
    """
    wanted = (env.get('AWS_LAMBDA_LOG_LEVEL') or env.get('UNUM_LOG_LEVEL') or 'info').lower()
    return wanted if wanted in LAMBDA_LEVELS else 'info'


def json_logger(base: Mapping[str, Any], min_level: Optional[str] = None,
                write: Optional[Callable[[str], None]] = None) -> Logger:
    """
    One JSON object per line, printed to stdout: Lambda keeps a JSON line of
    stdout as it is in both log formats (the logging module's lines it would
    reformat), so its fields are top-level (`filter session = "…"` in Logs
    Insights) and, with `level` and an RFC 3339 `timestamp`, Lambda filters
    and stamps it as its own. `write` receives each line without its newline.
    """
    minimum = LAMBDA_LEVELS.index(min_log_level({'UNUM_LOG_LEVEL': min_level} if min_level else os.environ))

    def emit(lvl: str, message: str, fields: Optional[Mapping[str, Any]]) -> None:
        if LAMBDA_LEVELS.index(lvl) < minimum:
            return
        # The line's own keys and identity win over same-named fields a caller passes.
        line = {'timestamp': _now(), 'level': lvl, 'message': message, **base, **(fields or {})}
        line.update({'level': lvl, 'message': message, **base})
        text = json.dumps(line, default=str)
        (write or write_line)(text)

    return Logger(emit)


def _now() -> str:
    """RFC 3339 in UTC with milliseconds, as the Node runtime's Date.toISOString()."""
    return datetime.now(timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z')


def with_fields(logger: Logger, fields: Mapping[str, Any]) -> Logger:
    """A logger whose lines carry these fields (over same-named ones of a call: a line's identity is not the caller's to change)."""
    return Logger(lambda lvl, message, more: logger._emit(lvl, message, {**(more or {}), **fields}))


def invocation_fields(request_id: Optional[str], env: Mapping[str, str] = os.environ) -> Dict[str, str]:
    """
    What every line of one invocation carries besides its place in the
    workflow: Lambda's request id, and the X-Ray trace id when the invocation
    is traced (Lambda sets the trace variable per invocation, so it is read
    when the invocation starts).
    """
    fields: Dict[str, str] = {}
    if request_id:
        fields['requestId'] = request_id
    trace_id = sampled_trace_id(env.get(TRACE_ENV))
    if trace_id:
        fields['traceId'] = trace_id
    return fields


def silent() -> Logger:
    return Logger(lambda lvl, message, fields: None)
