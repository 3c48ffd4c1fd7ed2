"""
The workflow timeout in the Python runtime (FunctionConfig.timeoutSeconds, envelope `deadline`):
past the deadline no successor is invoked and the session is TIMED_OUT. The cases of
test/runtime/timeout.test.ts (the Node runtime), plus a Node function meeting a deadline a
Python entry set.
"""
import json
import threading
import time

from unum_runtime.protocol import (
    ENVELOPE_VERSION, ERROR_TIMEOUT, REDRIVE_ATTR, SESSION_ATTR, instance_key, join_key_base, session_item_key, timeout_cause,
)
from unum_runtime.session import FailureRecord, fail_session, succeed_session, time_out_session


def watch(w, see):
    """Calls `see` with each envelope the world's functions receive."""
    for name, invoke in list(w._functions.items()):
        def watched(request, invoke=invoke):
            see(json.loads(request.payload))
            return invoke(request)
        w._functions[name] = watched


def deadline_of(w, session):
    return int(w.session_item(session)[SESSION_ATTR['DEADLINE']]['N'])


def iso(epoch_ms):
    return time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(epoch_ms // 1000)) + '.%03dZ' % (epoch_ms % 1000)


def assert_timed_out(w, session, node, instance=None):
    item = w.session_item(session)
    assert item[SESSION_ATTR['STATUS']]['S'] == 'TIMED_OUT'
    assert item[SESSION_ATTR['ERROR']]['S'] == 'States.Timeout'
    assert item[SESSION_ATTR['NODE']]['S'] == node
    assert item[SESSION_ATTR['INSTANCE']]['S'] == (instance or f'{node}|0')
    assert item[SESSION_ATTR['CAUSE']]['S'] == timeout_cause(deadline_of(w, session))
    return item


def test_a_function_still_running_at_the_deadline_is_cut_off_and_its_successor_never_invoked(world):
    w = world('timeout-chain').deploy({
        'A': lambda x, ctx: x,
        'B': lambda x, ctx: time.sleep(1.5) or 'late',
        'C': lambda x, ctx: x,
    })
    session = w.run({'n': 1})
    assert_timed_out(w, session, 'B')
    assert iso(deadline_of(w, session)) in w.session_item(session)[SESSION_ATTR['CAUSE']]['S']
    assert 'fn-C' not in w.invocations
    # No checkpoint for B: nothing downstream can be replayed from it.
    assert w.items(w.checkpoint_prefix(session) + 'B|') == []
    # B is where a redrive resumes: its failure record keeps the envelope it was invoked with.
    [record] = w.failures(session)
    assert record['instance']['S'] == 'B|0' and record['error']['S'] == ERROR_TIMEOUT
    assert json.loads(record[REDRIVE_ATTR['ENVELOPE']]['S'])['node'] == 'B'


def test_every_envelope_carries_the_deadline_the_entry_set_and_without_a_timeout_there_is_none(world):
    seen = []
    w = world('timeout-minute').deploy({'A': lambda x, ctx: x, 'B': lambda x, ctx: x})
    watch(w, lambda e: seen.append(e.get('deadline')))
    session = w.run(1)
    assert w.result(session) == 1
    # The start (sent by the client) has none; B's envelope carries the session's.
    assert seen == [None, deadline_of(w, session)]

    plain_seen = []
    plain = world('chain').deploy({'A': lambda x, ctx: x, 'B': lambda x, ctx: x, 'C': lambda x, ctx: x})
    watch(plain, lambda e: plain_seen.append(e.get('deadline')))
    other = plain.run(2)
    assert plain.result(other) == 2
    assert plain_seen == [None, None, None]
    assert SESSION_ATTR['DEADLINE'] not in plain.session_item(other)


def test_an_envelope_that_arrives_past_the_deadline_invokes_nothing_and_records_timed_out(world):
    w = world('timeout-chain').deploy({'A': lambda x, ctx: x, 'B': lambda x, ctx: x, 'C': lambda x, ctx: x})
    # A session created RUNNING by the entry (B never got its envelope), then B's envelope arrives late.
    session = 'late-arrival'
    w.store.put_if_absent(session_item_key({'workflow': w.workflow, 'session': session}), {
        SESSION_ATTR['STATUS']: {'S': 'RUNNING'}, SESSION_ATTR['WORKFLOW']: {'S': w.workflow},
        SESSION_ATTR['START']: {'S': '2026-01-01T00:00:00.000Z'},
    })
    deadline = int(time.time() * 1000) - 1
    answer = w.send('B', {'unum': ENVELOPE_VERSION, 'workflow': w.workflow, 'session': session, 'node': 'B', 'frames': [],
                          'iteration': 0, 'input': {'value': 1}, 'deadline': deadline})
    assert answer == {'session': session, 'instance': 'B|0', 'status': 'timed out'}
    assert 'B|0' not in w.runs and 'fn-C' not in w.invocations
    item = w.session_item(session)
    assert item[SESSION_ATTR['STATUS']]['S'] == 'TIMED_OUT' and item[SESSION_ATTR['NODE']]['S'] == 'B'
    assert item[SESSION_ATTR['CAUSE']]['S'] == timeout_cause(deadline)
    assert w.items(w.checkpoint_prefix(session)) == []


def test_a_branch_that_reaches_the_join_after_the_deadline_does_not_fire_the_fan_in(world):
    x_arrived = threading.Event()

    def y(x, ctx):
        assert x_arrived.wait(10)
        return 'y'

    w = world('timeout-join').deploy({'A': lambda x, ctx: x, 'X': lambda x, ctx: 'x', 'Y': y, 'C': lambda x, ctx: x})

    def faults(step, info):
        if step == 'after-join-arrive' and info['node'] == 'X':
            x_arrived.set()
        # Y's user code ended in time; its egress runs past the deadline.
        if step == 'after-user-code' and info['node'] == 'Y':
            time.sleep(1.2)

    w.faults = faults
    session = w.run(None)
    assert_timed_out(w, session, 'Y', instance_key('Y', [{'fanout': 'P', 'index': 1, 'size': 2, 'iteration': 0}], 0))
    shards = [i for i in w.items(join_key_base({'workflow': w.workflow, 'session': session}, '')) if i['sk']['S'] == 'J']
    assert [len(s['e']['SS']) for s in shards] == [1]
    assert 'c' not in shards[0]
    assert 'C|0' not in w.runs and 'fn-C' not in w.invocations


def test_a_wait_longer_than_the_timeout_ends_at_the_deadline_and_the_state_after_it_never_runs(world):
    w = world('timeout-wait').deploy({'A': lambda x, ctx: x, 'B': lambda x, ctx: x})
    session = w.run(None)
    assert_timed_out(w, session, 'A')
    assert 'B|0' not in w.runs and 'fn-B' not in w.invocations


def test_a_wait_that_does_not_fit_the_invocation_is_continued_with_the_deadline_not_the_hour(world):
    waits = []
    w = world('timeout-wait-later', remaining_ms=3000).deploy({'A': lambda x, ctx: x, 'B': lambda x, ctx: x})
    watch(w, lambda e: waits.append(e['waits']['Pause|0'] - e['deadline']) if 'waits' in e else None)
    session = w.run(None)
    assert_timed_out(w, session, 'A')
    assert len(waits) > 0 and set(waits) == {0}
    assert w.runs == {'A|0': 1}


def test_a_retry_interval_past_the_deadline_ends_at_it_timed_out_rather_than_failed(world):
    def boom(x, ctx):
        raise RuntimeError('boom')

    w = world('timeout-retry').deploy({'A': boom})
    session = w.run(None)
    assert_timed_out(w, session, 'A')
    assert w.runs == {'A|0': 1}


def test_a_node_function_meets_the_deadline_a_python_entry_set(world):
    w = world('timeout-chain').deploy(
        {'A': lambda x, ctx: x, 'C': lambda x, ctx: x},
        node_handlers={'B': "exports.handler = () => new Promise((resolve) => setTimeout(() => resolve('late'), 1500));"},
    )
    session = w.run({'n': 1})
    # The Node runtime records the same TIMED_OUT, cause and all (asserted against the Python port's text).
    assert_timed_out(w, session, 'B')
    assert 'fn-C' not in w.invocations


def test_timed_out_is_one_conditional_write(world):
    w = world('timeout-chain')
    store = w.store
    ref = {'workflow': w.workflow, 'session': 'terminal-writes'}
    store.put_if_absent(session_item_key(ref), {SESSION_ATTR['STATUS']: {'S': 'RUNNING'}})
    deadline = 1_780_000_000_000
    assert time_out_session(store, ref, 'B', 'B|0', deadline) is not None
    first = store.get(session_item_key(ref))
    assert time_out_session(store, ref, 'C', 'C|0', deadline) is None
    assert succeed_session(store, ref, {'rv': {'S': '1'}}) is None
    # A later failure is kept for a redrive, and leaves the session as it ended.
    assert fail_session(store, ref, FailureRecord(node='C', instance='C|0', error='Boom')).recorded
    assert store.get(session_item_key(ref)) == first
    assert first[SESSION_ATTR['STATUS']]['S'] == 'TIMED_OUT'
    assert first[SESSION_ATTR['CAUSE']]['S'] == "the session ran past its deadline 2026-05-28T20:26:40.000Z (the workflow's timeout)"
    assert [f['instance']['S'] for f in w.failures(ref['session'])] == ['C|0']

    # A session that ended first stays as it ended; a session that does not exist is not created.
    done = {'workflow': w.workflow, 'session': 'succeeded-first'}
    store.put_if_absent(session_item_key(done), {SESSION_ATTR['STATUS']: {'S': 'RUNNING'}})
    assert succeed_session(store, done, {}) is not None
    assert time_out_session(store, done, 'B', 'B|0', deadline) is None
    assert store.get(session_item_key(done))[SESSION_ATTR['STATUS']]['S'] == 'SUCCEEDED'
    never = {'workflow': w.workflow, 'session': 'never-started'}
    assert time_out_session(store, never, 'B', 'B|0', deadline) is None
    assert store.get(session_item_key(never)) is None
