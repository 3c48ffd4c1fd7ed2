"""
The runtime's side of callbacks (lambda-runtime/callback.ts, src/protocol/callback.ts): park an attempt of a
callback node, and resume it once its token was claimed by a client's sendTaskSuccess or sendTaskFailure.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, Optional, Union

from .flow import now_ms
from .protocol import (
    CALLBACK_ATTR, CALLBACK_DEFAULT_ERROR, CALLBACK_STATE, ERROR_HEARTBEAT_TIMEOUT, ERROR_TIMEOUT, TASK_TOKEN_SECRET_BYTES,
    callback_item_key, callback_object_key, encode_task_token, schedule_name,
)
from .protocol.deadline import iso_time
from .schedule import schedule_resume

if TYPE_CHECKING:
    from .runtime import Invocation, Runtime


class _Parked:
    """The attempt is parked (or its delivery had nothing to do): nothing is committed, nothing is invoked."""

    def __repr__(self) -> str:
        return 'PARKED'


PARKED = _Parked()


class CallbackFailure(Exception):
    """The outcome a sendTaskFailure gave, raised where the user code's error would be: Retry and Catch apply."""

    def __init__(self, name: str, cause: str):
        super().__init__(cause)
        self.name = name


@dataclass(frozen=True)
class Parked:
    token: str
    resume: Dict[str, Any]
    # Epoch ms: the attempt's start and its last heartbeat.
    started: int
    heartbeat: int


def _resume_envelope(inv: 'Invocation', attempt: int) -> Dict[str, Any]:
    rest = {k: v for k, v in inv.envelope.items() if k != 'notBefore'}
    return {**rest, 'attempt': attempt, 'callback': True}


def park_callback(rt: 'Runtime', inv: 'Invocation', attempt: int) -> Union[Parked, _Parked]:
    """
    The token of `attempt`, from its callback item, created WAITING with a fresh secret unless a delivery of this
    attempt created it already (a duplicate or a Lambda retry gets the same token, so the user code hands out one
    token per attempt however often it runs). PARKED when the attempt is no longer waiting (answered or cancelled):
    the answer's own resume continues it.
    """
    ref = inv.envelope
    key = callback_item_key(ref, inv.instance, attempt)
    resume = _resume_envelope(inv, attempt)
    binding = {'workflow': ref['workflow'], 'session': ref['session'], 'instance': inv.instance, 'attempt': attempt}
    now = now_ms()
    attrs = {
        CALLBACK_ATTR['STARTED']: {'N': str(now)},
        CALLBACK_ATTR['HEARTBEAT']: {'N': str(now)},
        CALLBACK_ATTR['STATE']: {'S': CALLBACK_STATE['WAITING']},
        CALLBACK_ATTR['SECRET']: {'S': secrets.token_urlsafe(TASK_TOKEN_SECRET_BYTES)},
        CALLBACK_ATTR['FUNCTION']: {'S': rt.own_name(inv, 'wait for a callback')},
        CALLBACK_ATTR['CREATED']: {'S': iso_time(now)},
        **rt.store.encode_value(resume, CALLBACK_ATTR['ENVELOPE_PREFIX'], callback_object_key(binding, 'envelope')),
    }
    created, existing = rt.store.put_if_absent(key, attrs)
    item = attrs if created else existing if existing is not None else rt.store.get(key)
    state = (item or {}).get(CALLBACK_ATTR['STATE'], {}).get('S')
    if state != CALLBACK_STATE['WAITING']:
        inv.logger.info('the callback of this attempt was answered or cancelled already: nothing to do', attempt=attempt, state=state)
        return PARKED
    return Parked(token=encode_task_token(binding, item[CALLBACK_ATTR['SECRET']]['S']), resume=resume,
                  started=int(item[CALLBACK_ATTR['STARTED']]['N']), heartbeat=int(item[CALLBACK_ATTR['HEARTBEAT']]['N']))


def _limit_at(rt: 'Runtime', started: int, heartbeat: int) -> Optional[Dict[str, Any]]:
    """When the attempt fails unless answered or heartbeated: the earlier of start + taskTimeout and last heartbeat + heartbeat."""
    settings = rt.config.get('callback') or {}
    timeout_s, heartbeat_s = settings.get('timeoutSeconds'), settings.get('heartbeatSeconds')
    timeout = None if timeout_s is None else {
        'at': started + timeout_s * 1000, 'error': ERROR_TIMEOUT,
        'cause': f'the task token was not answered within its taskTimeout of {timeout_s} s'}
    beat = None if heartbeat_s is None else {
        'at': heartbeat + heartbeat_s * 1000, 'error': ERROR_HEARTBEAT_TIMEOUT,
        'cause': f'no heartbeat (sendTaskHeartbeat) or answer within {heartbeat_s} s'}
    if timeout is None or beat is None:
        return timeout or beat
    return timeout if timeout['at'] <= beat['at'] else beat


def arm_callback(rt: 'Runtime', inv: 'Invocation', resume: Dict[str, Any], started: int, heartbeat: int) -> None:
    """
    Enforces the heartbeat and taskTimeout with the long Waits' mechanism: a one-time schedule re-invokes the
    function with the resume envelope at the limit, where resume_callback fails the task unless it was answered (or a
    heartbeat moved the limit: then it schedules the next check). The name is the attempt's and the limit's, so every
    delivery meets the same schedule.
    """
    limit = _limit_at(rt, started, heartbeat)
    if limit is None:
        return
    target = rt.options.schedule
    if target is None:
        raise RuntimeError(f"node '{inv.envelope['node']}': cannot enforce the callback's heartbeat or taskTimeout: "
                           'the function has no schedule group (deploy it with its workflow)')
    at = limit['at']
    name = schedule_name(inv.envelope, inv.instance, [f"callback~{resume.get('attempt') or 0}~{_js_number(at)}"])
    schedule_resume(rt, inv, target, resume, at, None, name)


def _js_number(value: float) -> str:
    """String(n) of a whole number of milliseconds, as the Node runtime names the schedule."""
    return str(int(value)) if float(value).is_integer() else repr(value)


def cancel_callback(rt: 'Runtime', inv: 'Invocation', attempt: int) -> bool:
    """
    The user code that was handed the token of `attempt` failed: the attempt ends (its token is refused from now on)
    and the error goes to Retry and Catch. False when the token was answered first: that answer continues the task.
    """
    cancelled = rt.store.update(callback_item_key(inv.envelope, inv.instance, attempt), set='#st = :cancelled',
                                names={'#st': CALLBACK_ATTR['STATE']},
                                values={':cancelled': {'S': CALLBACK_STATE['CANCELLED']}, ':waiting': {'S': CALLBACK_STATE['WAITING']}},
                                condition='#st = :waiting')
    return cancelled is not None


def resume_callback(rt: 'Runtime', inv: 'Invocation', attempt: int) -> Union[Dict[str, Any], _Parked]:
    """
    The claimed outcome of `attempt`: {'output': ...}, or a raised CallbackFailure with the error and cause it was
    failed with. PARKED when it is not claimed (a forged resume envelope, or one of a cancelled attempt).
    """
    key = callback_item_key(inv.envelope, inv.instance, attempt)
    item = rt.store.get(key)
    state = (item or {}).get(CALLBACK_ATTR['STATE'], {}).get('S')
    if item is not None and state == CALLBACK_STATE['SUCCEEDED']:
        inv.logger.info('callback answered: the task succeeded', attempt=attempt)
        return {'output': rt.store.decode_value(inv.envelope, item, CALLBACK_ATTR['OUTPUT_PREFIX'])}
    if item is not None and state == CALLBACK_STATE['FAILED']:
        error = item.get(CALLBACK_ATTR['ERROR'], {}).get('S') or CALLBACK_DEFAULT_ERROR
        inv.logger.warn('callback answered: the task failed', attempt=attempt, error=error)
        raise CallbackFailure(error, item.get(CALLBACK_ATTR['CAUSE'], {}).get('S', ''))
    if item is not None and state == CALLBACK_STATE['WAITING']:
        started = int(item[CALLBACK_ATTR['STARTED']]['N'])
        heartbeat = int(item[CALLBACK_ATTR['HEARTBEAT']]['N'])
        limit = _limit_at(rt, started, heartbeat)
        if limit is not None and now_ms() >= limit['at']:
            claimed = rt.store.update(
                key, set='#st = :failed, #err = :err, #cause = :cause, #at = :at',
                names={'#st': CALLBACK_ATTR['STATE'], '#err': CALLBACK_ATTR['ERROR'], '#cause': CALLBACK_ATTR['CAUSE'],
                       '#at': CALLBACK_ATTR['CLAIMED'], '#hb': CALLBACK_ATTR['HEARTBEAT']},
                values={':failed': {'S': CALLBACK_STATE['FAILED']}, ':err': {'S': limit['error']}, ':cause': {'S': limit['cause']},
                        ':at': {'S': iso_time(now_ms())}, ':waiting': {'S': CALLBACK_STATE['WAITING']}, ':hb': {'N': str(heartbeat)}},
                condition='#st = :waiting AND #hb = :hb')
            # Answered or heartbeated since the read: that answer's resume continues, or the next check runs.
            if claimed is None:
                return resume_callback(rt, inv, attempt)
            inv.logger.warn('the callback timed out: the task fails', attempt=attempt, error=limit['error'])
            raise CallbackFailure(limit['error'], limit['cause'])
        if limit is not None:
            arm_callback(rt, inv, _resume_envelope(inv, attempt), started, heartbeat)
            return PARKED
    inv.logger.warn('a callback resume for an attempt that was not answered: nothing changed', attempt=attempt, state=state or 'none')
    return PARKED
