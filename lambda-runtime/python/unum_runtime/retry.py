"""Step Functions' retry and catch matching, and the error names rules match."""
from __future__ import annotations

import random as _random
from typing import Any, Callable, Mapping, Optional, Sequence, Tuple

from .protocol import ERROR_ALL, ERROR_TASK_FAILED, ERROR_TIMEOUT, RETRY_SLEEP_MARGIN_MS


def matches(errors: Sequence[str], name: str) -> bool:
    """By name; States.ALL matches any, States.TaskFailed any but States.Timeout."""
    return any(e == name or e == ERROR_ALL or (e == ERROR_TASK_FAILED and name != ERROR_TIMEOUT) for e in errors)


def retry_delay_ms(rules: Sequence[Mapping[str, Any]], name: str, attempt: int,
                   random: Callable[[], float] = _random.random) -> Optional[int]:
    """
    The delay before retry number `attempt + 1`, or None when the first
    matching rule is exhausted (or none matches). One attempt counter per
    instance, as in the Node runtime.
    """
    rule = next((r for r in rules if matches(r['errors'], name)), None)
    if rule is None or attempt >= rule['maxAttempts']:
        return None
    seconds = rule['intervalSeconds'] * rule['backoffRate'] ** attempt
    if rule.get('maxDelaySeconds') is not None:
        seconds = min(seconds, rule['maxDelaySeconds'])
    if rule.get('jitter') == 'FULL':
        seconds *= random()
    return _js_round(seconds * 1000)


def _js_round(x: float) -> int:
    # Math.round: halves go up (Python's round() goes to even).
    return int(x + 0.5) if x >= 0 else -int(-x + 0.5)


def retry_wait(deadline: float, now: float, remaining_ms: float) -> Tuple[float, bool]:
    """
    How an invocation with `remaining_ms` left honours a retry's deadline:
    sleep the first value, then make the attempt here (second value True), or
    re-invoke the function with the deadline (False: the wait and the margin
    for the attempt's bookkeeping do not fit), having slept what this
    invocation can spare so the fresh one keeps more of its time.
    """
    left = max(0.0, deadline - now)
    if left == 0 or left + RETRY_SLEEP_MARGIN_MS < remaining_ms:
        return left, True
    return max(0.0, min(left, remaining_ms - RETRY_SLEEP_MARGIN_MS)), False


def find_catch(rules: Sequence[Mapping[str, Any]], name: str) -> int:
    return next((i for i, r in enumerate(rules) if matches(r['errors'], name)), -1)


def error_name(e: BaseException) -> str:
    """
    What retry and catch rules match: an AWS error's code (as the Node SDK
    names its errors), an explicit `name` attribute (the runtime's own
    errors), else the exception's class name (as Lambda's Python runtime
    reports errorType).
    """
    response = getattr(e, 'response', None)
    if isinstance(response, dict) and isinstance(response.get('Error'), dict) and response['Error'].get('Code'):
        return str(response['Error']['Code'])
    name = getattr(e, 'name', None)
    if isinstance(name, str) and name:
        return name
    return type(e).__name__


def error_cause(e: BaseException) -> str:
    response = getattr(e, 'response', None)
    if isinstance(response, dict) and isinstance(response.get('Error'), dict) and 'Message' in response['Error']:
        return str(response['Error']['Message'])
    if len(e.args) == 1 and isinstance(e.args[0], str):
        return e.args[0]
    return str(e)
