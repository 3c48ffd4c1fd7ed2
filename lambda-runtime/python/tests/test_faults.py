"""
Lambda's async semantics against the Python runtime: every message delivered
twice, and a crash after each step of the per-invocation sequence healed by
Lambda's retry. The result must be identical and every instance committed
exactly once.
"""
import pytest

from unum_runtime.faults import SimulatedCrash, crash_at
from unum_runtime.protocol import FAULT_STEPS

HANDLERS = {
    'A': lambda x, ctx: x,
    'W': lambda x, ctx: x * x,
    'Tally': lambda squares, ctx: sum(squares),
    'B': lambda x, ctx: len(x['items']),
    'Agg': lambda outputs, ctx: {'sum': outputs[0], 'n': outputs[1]},
    'Fin': lambda x, ctx: f"{x['n']} items, sum of squares {x['sum']}",
}
INPUT = {'items': [1, 2, 3, 4, 5]}
EXPECTED = '5 items, sum of squares 55'


def assert_committed_once(w, session):
    commits = w.commits(session)
    # A, five W, Tally, B, Agg, Fin.
    assert len(commits) == 10
    assert set(commits.values()) == {1}


def test_duplicate_delivery_of_every_message(world):
    w = world('composite', duplicate=lambda request: not request.duplicate).deploy(HANDLERS)
    session = w.run(INPUT)
    assert w.result(session) == EXPECTED
    assert w.endpoint.stats['duplicated'] >= 10
    assert_committed_once(w, session)
    assert w.failures(session) == []


def test_late_duplicates_do_not_invoke_the_join_target_again(world):
    w = world('map', duplicate=lambda request: request.function_name == 'fn-Square' and not request.duplicate).deploy({
        'Split': lambda x, ctx: {'items': list(range(x))},
        'Square': lambda x, ctx: x * x,
        'Sum': lambda squares, ctx: sum(squares),
    })
    session = w.run(20)
    assert w.result(session) == sum(i * i for i in range(20))
    # Only the arrival that completed the join (and its duplicate, which carries the same element) continues it.
    assert 1 <= w.invocations['fn-Sum'] <= 2
    assert set(w.commits(session).values()) == {1}


@pytest.fixture(scope='module')
def crash_world(servers, compiled):
    from harness import World
    w = World(servers, compiled['composite']).deploy(HANDLERS)
    yield w
    w.close()


@pytest.mark.parametrize('step', FAULT_STEPS)
def test_crash_after_each_step_then_lambda_retries(crash_world, step):
    w = crash_world
    crash = crash_at([step])
    crashed = set()

    def faults(at, info):
        # Each instance crashes at `step` on its first delivery; Lambda's retry runs clean.
        key = (info['session'], info['instance'])
        if at == step and key not in crashed:
            crashed.add(key)
            crash(at, info)

    w.faults = faults
    try:
        session = w.run(INPUT)
    finally:
        w.faults = None
    assert crashed, f'no invocation reached {step}'
    assert w.endpoint.failures == []
    assert w.result(session) == EXPECTED
    assert_committed_once(w, session)
    assert w.failures(session) == []


def test_unknown_fault_step_is_refused():
    with pytest.raises(ValueError, match='unknown fault step'):
        crash_at(['after-lunch'])
    with pytest.raises(SimulatedCrash, match='simulated crash after-ingress'):
        crash_at(['after-ingress'])('after-ingress', {'node': 'A', 'session': 's', 'instance': 'A|0'})
