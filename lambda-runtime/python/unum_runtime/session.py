"""Session record writes. Each is one conditional request, so duplicates are harmless."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timezone
import json
from typing import Any, Dict, Mapping, Optional

from .metrics import SessionEnded
from .protocol import ERROR_TIMEOUT, ITEM_VALUE_LIMIT, REDRIVE_ATTR, SESSION_ATTR, SESSION_STATUS, failure_item_key, session_item_key, timeout_cause
from .store import Item, Store

# Names the session's start among the attributes a terminal write sets (to
# itself), so the write's UPDATED_OLD answer carries the start time for the
# session-duration metric without a read.
_KEEP_START = '#start = if_not_exists(#start, :end)'


def iso_now(at_ms: Optional[float] = None) -> str:
    """`new Date(at_ms ?? Date.now()).toISOString()`: UTC, milliseconds, Z."""
    now = datetime.now(timezone.utc) if at_ms is None else datetime.fromtimestamp(at_ms / 1000, timezone.utc)
    return now.strftime('%Y-%m-%dT%H:%M:%S.') + f'{now.microsecond // 1000:03d}Z'


def create_session(store: Store, session: Mapping[str, Any], input_attrs: Item, deadline: Optional[int] = None) -> bool:
    """
    Creates the session (RUNNING, with its deadline when the workflow has a
    timeout) unless it exists; whether this call created it.
    """
    created, _ = store.put_if_absent(session_item_key(session), {
        SESSION_ATTR['STATUS']: {'S': SESSION_STATUS['RUNNING']},
        SESSION_ATTR['WORKFLOW']: {'S': session['workflow']},
        SESSION_ATTR['START']: {'S': iso_now()},
        **({} if deadline is None else {SESSION_ATTR['DEADLINE']: {'N': str(deadline)}}),
        **input_attrs,
    })
    return created


def session_deadline(store: Store, session: Mapping[str, Any]) -> Optional[int]:
    """The deadline recorded on the session, if it exists and has one (a retried start keeps the first one)."""
    item = store.get(session_item_key(session))
    deadline = None if item is None else item.get(SESSION_ATTR['DEADLINE'], {}).get('N')
    return None if deadline is None else int(deadline)


class SessionTimedOut(Exception):
    """
    The session's deadline passed (envelope `deadline`): Step Functions'
    execution timeout, which no retry or catch handles. Whoever meets it
    records the session TIMED_OUT and invokes nothing more.
    """
    name = ERROR_TIMEOUT

    def __init__(self) -> None:
        super().__init__('the session ran past its deadline')


def time_out_session(store: Store, session: Mapping[str, Any], node: str, instance: str, deadline: int,
                     redrive: Optional['RedrivePoint'] = None) -> Optional[SessionEnded]:
    """
    RUNNING → TIMED_OUT (error States.Timeout), naming the instance that
    found the deadline passed. A session that has ended already is left
    alone, and so is one that does not exist. Returns when the session
    started and ended if this write ended it, else None. Every instance the
    deadline stopped keeps a failure record with its redrive point.
    """
    f = FailureRecord(node=node, instance=instance, error=ERROR_TIMEOUT, cause=timeout_cause(deadline), redrive=redrive)
    time = iso_now()
    ended = _end_with_error(store, session, SESSION_STATUS['TIMED_OUT'], f, time)
    if redrive is not None and (ended is not None or _stopped(((store.get(session_item_key(session)) or {}).get(SESSION_ATTR['STATUS']) or {}).get('S'))):
        _put_failure(store, session, f, time)
    return ended


def _stopped(status: Optional[str]) -> bool:
    """Whether a session with this status keeps failure records: it ended FAILED or TIMED_OUT, and a redrive may resume it."""
    return status in (SESSION_STATUS['FAILED'], SESSION_STATUS['TIMED_OUT'])


@dataclass(frozen=True)
class RedrivePoint:
    """Where a redrive resumes an instance: the envelope it was invoked with and the function name that invokes it."""
    envelope: Mapping[str, Any]
    function_name: str


def redrive_attrs(point: Optional[RedrivePoint]) -> Item:
    """The attributes of a redrive point (REDRIVE_ATTR); an envelope too large for an item is not kept."""
    if point is None:
        return {}
    envelope = json.dumps(point.envelope, separators=(',', ':'), ensure_ascii=False)
    if len(envelope.encode('utf-8')) > ITEM_VALUE_LIMIT:
        return {REDRIVE_ATTR['FUNCTION']: {'S': point.function_name}}
    return {REDRIVE_ATTR['ENVELOPE']: {'S': envelope}, REDRIVE_ATTR['FUNCTION']: {'S': point.function_name}}


def _put_failure(store: Store, session: Mapping[str, Any], f: 'FailureRecord', time: str) -> None:
    store.put(failure_item_key(session, f.instance), {
        'node': {'S': f.node}, 'instance': {'S': f.instance}, 'error': {'S': f.error}, 'cause': {'S': f.cause or ''}, 'time': {'S': time},
        **redrive_attrs(f.redrive),
    })


def succeed_session(store: Store, session: Mapping[str, Any], result: Item) -> Optional[SessionEnded]:
    """
    RUNNING → SUCCEEDED with the result; a later or duplicate terminal write
    changes nothing. Returns when the session started and ended if this call
    ended it, else None.
    """
    ended_at = iso_now()
    names: Dict[str, str] = {'#st': SESSION_ATTR['STATUS'], '#end': SESSION_ATTR['END'], '#start': SESSION_ATTR['START']}
    values: Item = {':ok': {'S': SESSION_STATUS['SUCCEEDED']}, ':run': {'S': SESSION_STATUS['RUNNING']}, ':end': {'S': ended_at}}
    sets = ['#st = :ok', '#end = :end', _KEEP_START]
    for i, (name, value) in enumerate(result.items()):
        names[f'#r{i}'] = name
        values[f':r{i}'] = value
        sets.append(f'#r{i} = :r{i}')
    before = store.update(session_item_key(session), set=', '.join(sets), names=names, values=values,
                          condition='#st = :run', return_old=True)
    return None if before is None else SessionEnded(ended_at=ended_at, started_at=before.get(SESSION_ATTR['START'], {}).get('S'))


@dataclass(frozen=True)
class FailureRecord:
    node: str
    instance: str
    error: str
    cause: Optional[str] = None
    # Where a redrive resumes this instance (None: recorded, but it cannot be redriven).
    redrive: Optional[RedrivePoint] = None


@dataclass(frozen=True)
class FailOutcome:
    """
    `recorded`: the failure record was written (the session is FAILED).
    `ended`: this call moved the session to FAILED (not one that had failed
    before). `created`: it also created the session (a start that never got
    to create it), which then started and failed at once.
    """
    recorded: bool
    ended: Optional[SessionEnded] = None
    created: bool = False


def fail_session(store: Store, session: Mapping[str, Any], f: FailureRecord, create: bool = False) -> FailOutcome:
    """
    Moves a RUNNING session to FAILED with this failure as its error, and
    keeps the failure record under the session (a FAILED or TIMED_OUT
    session keeps every later failure too: a redrive resumes each). A session that SUCCEEDED, or that does not exist, is
    left alone: a late or forged failure must not change what has ended nor
    create sessions. `create` makes the session (FAILED) when it does not
    exist yet: a start that never got to create it.
    """
    time = iso_now()
    cause = (f.cause or '')[:32 * 1024]
    ended = _end_with_error(store, session, SESSION_STATUS['FAILED'], FailureRecord(node=f.node, instance=f.instance, error=f.error, cause=cause), time)
    outcome = FailOutcome(recorded=True, ended=ended)
    if ended is None:
        current = store.get(session_item_key(session))
        status = None if current is None else current.get(SESSION_ATTR['STATUS'], {}).get('S')
        if current is None and create:
            created, _ = store.put_if_absent(session_item_key(session), {
                SESSION_ATTR['STATUS']: {'S': SESSION_STATUS['FAILED']},
                SESSION_ATTR['WORKFLOW']: {'S': session['workflow']},
                SESSION_ATTR['START']: {'S': time},
                SESSION_ATTR['END']: {'S': time},
                SESSION_ATTR['ERROR']: {'S': f.error},
                SESSION_ATTR['CAUSE']: {'S': cause},
                SESSION_ATTR['NODE']: {'S': f.node},
                SESSION_ATTR['INSTANCE']: {'S': f.instance},
            })
            # Lost a race with the session's creation: decide again on what exists now.
            if not created:
                return fail_session(store, session, f)
            outcome = FailOutcome(recorded=True, ended=SessionEnded(ended_at=time, started_at=time), created=True)
        elif not _stopped(status):
            return FailOutcome(recorded=False)
    _put_failure(store, session, dataclasses.replace(f, cause=cause), time)
    return outcome


def _end_with_error(store: Store, session: Mapping[str, Any], status: str, f: FailureRecord, ended_at: str) -> Optional[SessionEnded]:
    """
    RUNNING → `status` with the error that ended the session, in one
    conditional write; its UPDATED_OLD answer gives the start. None: the
    session had ended already, or does not exist.
    """
    before = store.update(session_item_key(session), set=f'#st = :status, #end = :end, #err = :err, #cause = :cause, #node = :node, #inst = :inst, {_KEEP_START}', names={
        '#st': SESSION_ATTR['STATUS'],
        '#end': SESSION_ATTR['END'],
        '#err': SESSION_ATTR['ERROR'],
        '#cause': SESSION_ATTR['CAUSE'],
        '#node': SESSION_ATTR['NODE'],
        '#inst': SESSION_ATTR['INSTANCE'],
        '#start': SESSION_ATTR['START'],
    }, values={
        ':status': {'S': status},
        ':run': {'S': SESSION_STATUS['RUNNING']},
        ':end': {'S': ended_at},
        ':err': {'S': f.error},
        ':cause': {'S': f.cause or ''},
        ':node': {'S': f.node},
        ':inst': {'S': f.instance},
    }, condition='#st = :run', return_old=True)
    return None if before is None else SessionEnded(ended_at=ended_at, started_at=before.get(SESSION_ATTR['START'], {}).get('S'))
