"""JSON lines (CloudWatch-friendly) carrying the instance's identity, as the Node runtime writes them."""
from __future__ import annotations

import json
import os
import sys
from typing import Any, Callable, Mapping, Optional

LEVELS = ('debug', 'info', 'warn', 'error')


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


def json_logger(base: Mapping[str, Any], min_level: Optional[str] = None) -> Logger:
    level = min_level or os.environ.get('UNUM_LOG_LEVEL', 'info')
    minimum = LEVELS.index(level) if level in LEVELS else 0

    def emit(lvl: str, message: str, fields: Optional[Mapping[str, Any]]) -> None:
        if LEVELS.index(lvl) < minimum:
            return
        line = json.dumps({'level': lvl, 'message': message, **base, **(fields or {})}, default=str)
        stream = sys.stderr if lvl in ('error', 'warn') else sys.stdout
        print(line, file=stream, flush=True)

    return Logger(emit)


def with_fields(logger: Logger, fields: Mapping[str, Any]) -> Logger:
    return Logger(lambda lvl, message, more: logger._emit(lvl, message, {**fields, **(more or {})}))


def silent() -> Logger:
    return Logger(lambda lvl, message, fields: None)
