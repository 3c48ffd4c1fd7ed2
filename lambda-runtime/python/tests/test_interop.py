"""
One protocol in two runtimes: workflows whose nodes run partly in the Node
runtime (the bundled layer runtime.js in sandbox processes) and partly in the
Python runtime, sharing one store, give the exact results; and both runtimes
make exactly the same store requests for the same workflow.
"""
import pytest

from apps import CASES, JS, PY, case_id


def _deploy(w, workflow, python_nodes):
    nodes = [c['node'] for c in w.compiled['functions']]
    return w.deploy({n: PY[workflow][n] for n in nodes if n in python_nodes},
                    node_handlers={n: JS[workflow][n] for n in nodes if n not in python_nodes})


@pytest.mark.parametrize('case', CASES, ids=case_id)
def test_alternating_runtimes_give_the_exact_result(world, case):
    _, workflow, input_, expected, options = case
    for parity in (0, 1):
        w = world(workflow, **options)
        names = [c['node'] for c in w.compiled['functions']]
        python_nodes = {n for i, n in enumerate(names) if i % 2 == parity}
        _deploy(w, workflow, python_nodes)
        session = w.run(input_)
        assert w.result(session) == expected, f'python nodes {sorted(python_nodes)}'
        assert set(w.commits(session).values()) == {1}


@pytest.mark.parametrize('case', CASES, ids=case_id)
def test_both_runtimes_make_the_same_store_requests(world, servers, case):
    _, workflow, input_, expected, options = case
    counts, shapes = {}, {}
    for runtime in ('node', 'python'):
        w = world(workflow, **options)
        names = [c['node'] for c in w.compiled['functions']]
        _deploy(w, workflow, set(names) if runtime == 'python' else set())
        servers.reset()
        session = w.run(input_)
        stats = servers.stats()
        counts[runtime], shapes[runtime] = stats['counts'], stats['shapes']
        assert w.result(session) == expected
    assert counts['python'] == counts['node']
    # Not only as many: the same items, expressions and attributes.
    assert shapes['python'] == shapes['node']
