"""Workflows that start with a Parallel, Map, Choice or Wait (FunctionConfig.start), run by the Python runtime: the entry
runs the start states on the session input, then its own first instance in the same invocation; one session each."""


def _session_records(w):
    """Session records in this world's table (its own)."""
    return [i for i in w.items() if i['sk']['S'] == 'SESSION']


def test_a_parallel_start_runs_each_branch_once_and_the_first_in_the_start_invocation(world):
    w = world('start-parallel').deploy({
        'A': lambda x, ctx: ['A', x, ctx.index], 'B': lambda x, ctx: ['B', x, ctx.index], 'C': lambda x, ctx: ['C', x, ctx.index],
        'Merge': lambda branches, ctx: branches,
    })
    assert w.config('A')['entry'] and w.config('A')['start']['node'] == 'Fork' and not w.config('B')['entry']
    session = w.run(7)
    assert w.result(session) == [['A', 7, 0], ['B', 7, 1], ['C', 7, 2]]
    # The start invocation ran the Parallel and A's branch: B, C and Merge are the only other invocations.
    assert w.invocations == {'fn-A': 1, 'fn-B': 1, 'fn-C': 1, 'fn-Merge': 1}
    assert set(w.commits(session).values()) == {1} and any(pk.endswith('Fork|0') for pk in w.commits(session))
    assert len(_session_records(w)) == 1


def test_a_choice_start_routes_before_any_function_runs(world):
    w = world('start-choice').deploy({'Big': lambda x, ctx: ['big', x['n']], 'Small': lambda x, ctx: ['small', x['n']]})
    big = w.run({'n': 11})
    assert w.result(big) == ['big', 11]
    assert w.invocations == {'fn-Big': 1}
    small = w.run({'n': 1})
    assert w.result(small) == ['small', 1]
    # The one start that costs an invocation without user code: Big's, which routed to Small.
    assert w.invocations == {'fn-Big': 2, 'fn-Small': 1}
    assert w.runs == {'Big|0': 1, 'Small|0': 1}
    assert len(_session_records(w)) == 2


def test_a_map_start_short_of_time_continues_at_its_recorded_progress(world):
    # 1 s left in every invocation: each issues one batch of 50 items, records it and continues in a fresh invocation
    # addressed to the start states (their checkpoint is the session input).
    w = world('start-map', remaining_ms=1000, fanout_batch=50).deploy({
        'Square': lambda x, ctx: x * x, 'Sum': lambda squares, ctx: sum(squares),
    })
    session = w.run({'items': list(range(1, 151))})
    assert w.result(session) == sum(i * i for i in range(1, 151))
    assert all(n == 1 for n in w.runs.values()) and len(w.runs) == 151


def test_a_wait_start_that_does_not_fit_continues_in_the_start_states(world):
    w = world('start-wait', remaining_ms=2900).deploy({'Work': lambda x, ctx: x['n'] + 1})
    session = w.run({'wait': 1, 'n': 4})
    assert w.result(session) == 5
    assert w.invocations['fn-Work'] >= 2 and w.runs == {'Work|0': 1}


def test_a_bad_seconds_path_at_the_start_fails_the_session_naming_the_wait(world):
    w = world('start-wait').deploy({'Work': lambda x, ctx: x})
    session = w.run({'wait': 'soon'})
    item = w.session_item(session)
    assert item['status']['S'] == 'FAILED' and item['error']['S'] == 'States.Runtime'
    assert item['cause']['S'].startswith("wait 'Pause': SecondsPath $.wait must select a non-negative integer")
    assert w.runs == {}
