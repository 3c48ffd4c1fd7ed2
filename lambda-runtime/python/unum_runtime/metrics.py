"""
Metrics in CloudWatch Embedded Metric Format, as the Node runtime writes
them (lambda-runtime/metrics.ts): what one invocation did is collected here
and written as one JSON line on the function's log stream when the
invocation ends. Workflow metrics carry the dimension Workflow, node metrics
Workflow and Node; a session id is a plain property, never a dimension.
"""
from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Dict, List, Mapping, Optional

from .log import LAMBDA_LEVELS, write_line
from .protocol import METRIC_DIMENSION, METRIC_NAMESPACE, NODE_METRICS, WORKFLOW_METRICS

_ENDS = {
    'SUCCEEDED': WORKFLOW_METRICS['SESSIONS_SUCCEEDED'],
    'FAILED': WORKFLOW_METRICS['SESSIONS_FAILED'],
    'TIMED_OUT': WORKFLOW_METRICS['SESSIONS_TIMED_OUT'],
}

# EMF takes up to 100 values per metric.
_MAX_VALUES = 100


@dataclass(frozen=True)
class SessionEnded:
    """A terminal session write that took effect: when the session started and when it ended (ISO times)."""
    ended_at: str
    started_at: Optional[str] = None


def _parse_ms(iso: Optional[str]) -> Optional[float]:
    if not iso:
        return None
    try:
        return datetime.fromisoformat(iso.replace('Z', '+00:00')).timestamp() * 1000
    except ValueError:
        return None


class Metrics:
    """One invocation's metrics. Thread-safe: an egress runs branches in threads."""

    def __init__(self, workflow: str, node: Optional[str] = None, properties: Optional[Mapping[str, str]] = None,
                 write: Callable[[str], None] = write_line):
        # `node` None: only workflow metrics (the failure recorder is no node).
        self._workflow = workflow
        self._node = node
        self._properties = dict(properties or {})
        self._write = write
        self._lock = threading.Lock()
        self._workflow_values: Dict[str, List[float]] = {}
        self._node_values: Dict[str, List[float]] = {}
        self._units: Dict[str, str] = {}

    def count(self, metric: str, n: int = 1) -> None:
        """`metric`: a key of NODE_METRICS ('INVOCATIONS', 'USER_ERRORS', ...)."""
        self._add(self._node_values, NODE_METRICS[metric], n, True)

    def user_code_duration(self, ms: float) -> None:
        self._add(self._node_values, NODE_METRICS['USER_CODE_DURATION'], ms, False)

    def session_started(self) -> None:
        self._add(self._workflow_values, WORKFLOW_METRICS['SESSIONS_STARTED'], 1, True)

    def session_succeeded(self, ended: SessionEnded) -> None:
        self._session_ended('SUCCEEDED', ended)

    def session_failed(self, ended: SessionEnded) -> None:
        self._session_ended('FAILED', ended)

    def session_timed_out(self, ended: SessionEnded) -> None:
        """
        A session recorded TIMED_OUT (the workflow's timeout): counted, with its
        duration. Call it only when this write ended the session (its RUNNING
        condition held), with the start from its return_old answer, as
        succeed_session does; outside a node, `Metrics(workflow, None, {'session': ...})`.
        """
        self._session_ended('TIMED_OUT', ended)

    def _session_ended(self, end: str, ended: SessionEnded) -> None:
        self._add(self._workflow_values, _ENDS[end], 1, True)
        start, stop = _parse_ms(ended.started_at), _parse_ms(ended.ended_at)
        # A session record without a readable start (written by an older runtime) still counts, without a duration.
        if start is not None and stop is not None:
            self._add(self._workflow_values, WORKFLOW_METRICS['SESSION_DURATION'], max(0, round(stop - start)), False)

    def _add(self, values: Dict[str, List[float]], metric: Mapping[str, str], n: float, total: bool) -> None:
        name = metric['name']
        with self._lock:
            self._units[name] = metric['unit']
            current = values.get(name)
            if current is None:
                values[name] = [n]
            elif total:
                current[0] += n
            elif len(current) < _MAX_VALUES:
                current.append(n)

    def document(self, timestamp: Optional[int] = None, env: Mapping[str, str] = os.environ) -> Optional[Dict[str, Any]]:
        """The EMF document of what was recorded, or None when nothing was."""
        with self._lock:
            directives: List[Dict[str, Any]] = []
            doc: Dict[str, Any] = {**self._properties, METRIC_DIMENSION['WORKFLOW']: self._workflow}

            def emit(values: Dict[str, List[float]], dimensions: List[str]) -> None:
                if not values:
                    return
                directives.append({'Namespace': METRIC_NAMESPACE, 'Dimensions': [dimensions],
                                   'Metrics': [{'Name': name, 'Unit': self._units[name]} for name in values]})
                for name, v in values.items():
                    doc[name] = v[0] if len(v) == 1 else list(v)

            emit(self._workflow_values, [METRIC_DIMENSION['WORKFLOW']])
            if self._node is not None:
                doc[METRIC_DIMENSION['NODE']] = self._node
                emit(self._node_values, [METRIC_DIMENSION['WORKFLOW'], METRIC_DIMENSION['NODE']])
            if not directives:
                return None
            level = _lambda_log_level(env)
            head: Dict[str, Any] = {} if level is None else {'level': level}
            stamp = timestamp if timestamp is not None else int(time.time() * 1000)
            return {**head, '_aws': {'Timestamp': stamp, 'CloudWatchMetrics': directives}, **doc}

    def flush(self) -> None:
        """Writes the line (at most once per invocation: the values are cleared)."""
        doc = self.document()
        with self._lock:
            self._workflow_values.clear()
            self._node_values.clear()
        if doc is not None:
            self._write(json.dumps(doc, separators=(',', ':')))


def _lambda_log_level(env: Mapping[str, str]) -> Optional[str]:
    """
    With Lambda's log-level filtering (JSON log format, AWS_LAMBDA_LOG_LEVEL),
    a line without a level counts as INFO, so the metrics line carries the
    configured level itself and no setting drops metrics. UNUM_LOG_LEVEL never applies: the line bypasses the logger.
    """
    level = (env.get('AWS_LAMBDA_LOG_LEVEL') or '').upper()
    if (env.get('AWS_LAMBDA_LOG_FORMAT') or '').upper() != 'JSON' or level.lower() not in LAMBDA_LEVELS:
        return None
    return level
