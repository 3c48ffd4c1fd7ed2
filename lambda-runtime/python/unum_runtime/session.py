"""Session record writes. Each is one conditional request, so duplicates are harmless."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Dict, Mapping, Optional

from .protocol import ERROR_TIMEOUT, SESSION_ATTR, SESSION_STATUS, failure_item_key, session_item_key, timeout_cause
from .store import Item, Store


def iso_now() -> str:
    """`new Date().toISOString()`: UTC, milliseconds, Z."""
    now = datetime.now(timezone.utc)
    return now.strftime('%Y-%m-%dT%H:%M:%S.') + f'{now.microsecond // 1000:03d}Z'


def create_session(store: Store, session: Mapping[str, Any], input_attrs: Item, deadline: Optional[int] = None) -> None:
    """Creates the session (RUNNING, with its deadline when the workflow has a timeout) unless it exists."""
    store.put_if_absent(session_item_key(session), {
        SESSION_ATTR['STATUS']: {'S': 'RUNNING'},
        SESSION_ATTR['WORKFLOW']: {'S': session['workflow']},
        SESSION_ATTR['START']: {'S': iso_now()},
        **({} if deadline is None else {SESSION_ATTR['DEADLINE']: {'N': str(int(deadline))}}),
        **input_attrs,
    })


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


def time_out_session(store: Store, session: Mapping[str, Any], node: str, instance: str, deadline: int) -> bool:
    """
    RUNNING → TIMED_OUT (error States.Timeout), naming the instance that
    found the deadline passed. A session that has ended already is left
    alone, and so is one that does not exist. Returns whether this write
    ended the session.
    """
    return store.update(session_item_key(session), set='#st = :out, #end = :end, #err = :err, #cause = :cause, #node = :node, #inst = :inst', names={
        '#st': SESSION_ATTR['STATUS'],
        '#end': SESSION_ATTR['END'],
        '#err': SESSION_ATTR['ERROR'],
        '#cause': SESSION_ATTR['CAUSE'],
        '#node': SESSION_ATTR['NODE'],
        '#inst': SESSION_ATTR['INSTANCE'],
    }, values={
        ':out': {'S': SESSION_STATUS['TIMED_OUT']},
        ':run': {'S': SESSION_STATUS['RUNNING']},
        ':end': {'S': iso_now()},
        ':err': {'S': ERROR_TIMEOUT},
        ':cause': {'S': timeout_cause(deadline)},
        ':node': {'S': node},
        ':inst': {'S': instance},
    }, condition='#st = :run') is not None


def succeed_session(store: Store, session: Mapping[str, Any], result: Item) -> bool:
    """RUNNING → SUCCEEDED with the result; a later or duplicate terminal write changes nothing."""
    names: Dict[str, str] = {'#st': SESSION_ATTR['STATUS'], '#end': SESSION_ATTR['END']}
    values: Item = {':ok': {'S': 'SUCCEEDED'}, ':run': {'S': 'RUNNING'}, ':end': {'S': iso_now()}}
    sets = ['#st = :ok', '#end = :end']
    for i, (name, value) in enumerate(result.items()):
        names[f'#r{i}'] = name
        values[f':r{i}'] = value
        sets.append(f'#r{i} = :r{i}')
    return store.update(session_item_key(session), set=', '.join(sets), names=names, values=values,
                        condition='#st = :run') is not None


@dataclass(frozen=True)
class FailureRecord:
    node: str
    instance: str
    error: str
    cause: Optional[str] = None


def fail_session(store: Store, session: Mapping[str, Any], f: FailureRecord, create: bool = False) -> bool:
    """
    Moves a RUNNING session to FAILED with this failure as its error, and
    keeps the failure record under the session (a FAILED session keeps every
    later failure too). A session that SUCCEEDED, or that does not exist, is
    left alone: a late or forged failure must not change what has ended nor
    create sessions. `create` makes the session (FAILED) when it does not
    exist yet: a start that never got to create it. Returns whether the
    failure was recorded.
    """
    time = iso_now()
    cause = (f.cause or '')[:32 * 1024]
    ended = store.update(session_item_key(session), set='#st = :failed, #end = :end, #err = :err, #cause = :cause, #node = :node, #inst = :inst', names={
        '#st': SESSION_ATTR['STATUS'],
        '#end': SESSION_ATTR['END'],
        '#err': SESSION_ATTR['ERROR'],
        '#cause': SESSION_ATTR['CAUSE'],
        '#node': SESSION_ATTR['NODE'],
        '#inst': SESSION_ATTR['INSTANCE'],
    }, values={
        ':failed': {'S': 'FAILED'},
        ':run': {'S': 'RUNNING'},
        ':end': {'S': time},
        ':err': {'S': f.error},
        ':cause': {'S': cause},
        ':node': {'S': f.node},
        ':inst': {'S': f.instance},
    }, condition='#st = :run')
    if ended is None:
        current = store.get(session_item_key(session))
        status = None if current is None else current.get(SESSION_ATTR['STATUS'], {}).get('S')
        if current is None and create:
            created, _ = store.put_if_absent(session_item_key(session), {
                SESSION_ATTR['STATUS']: {'S': 'FAILED'},
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
        elif status != 'FAILED':
            return False
    store.put(failure_item_key(session, f.instance), {
        'node': {'S': f.node}, 'instance': {'S': f.instance}, 'error': {'S': f.error}, 'cause': {'S': cause}, 'time': {'S': time},
    })
    return True
