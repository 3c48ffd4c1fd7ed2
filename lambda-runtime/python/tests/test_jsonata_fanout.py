"""JSONata Output and Assign at a Parallel's and a Map's join, and a JSONata Map's ItemSelector, in the Python
runtime against DynamoDB Local, as test/runtime/jsonata-fanout.test.ts checks them in Node."""


def test_parallel_output_merges_the_branches_and_assign_reads_the_result_and_the_input(world):
    w = world('jsonata-parallel').deploy({
        'A': lambda x, ctx: x,
        'L': lambda x, ctx: {'left': x['n'] + 1},
        'R': lambda x, ctx: {'right': x['n'] * 10},
        'Next': lambda x, ctx: x,
    })
    assert w.result(w.run({'n': 4, 'tag': 't-1'})) == {'got': {'left': 5, 'right': 40}, 'total': 45, 'seen': 't-1'}


def test_map_item_selector_output_and_assign(world):
    w = world('jsonata-map').deploy({
        'Split': lambda x, ctx: x,
        'W': lambda x, ctx: dict(x, ok=x['qty'] > 0),
        'Agg': lambda x, ctx: x,
    })
    orders = [{'sku': 'a', 'qty': 1}, {'sku': 'b', 'qty': 0}, {'sku': 'c', 'qty': 3}]
    assert w.result(w.run({'shop': 's1', 'orders': orders})) == {'out': ['s1/a#0x2', 's1/c#2x6'], 'count': 2}


def test_a_failing_output_or_item_selector_is_a_query_evaluation_error_naming_the_state_and_the_field(world):
    w = world('jsonata-parallel').deploy({
        'A': lambda x, ctx: x,
        'L': lambda x, ctx: {'left': 'x'},
        'R': lambda x, ctx: {'right': 1},
        'Next': lambda x, ctx: x,
    })
    # The Assign adds a string to a number.
    item = w.session_item(w.run({'n': 1, 'tag': 't'}))
    assert item['status']['S'] == 'FAILED' and item['error']['S'] == 'States.QueryEvaluationError'
    assert item['cause']['S'] == ("'P': Assign.total: the JSONata expression '{% $states.result[0].left + $states.result[1].right %}' "
                                  "failed: JSONata error T2001")
    m = world('jsonata-map').deploy({'Split': lambda x, ctx: x, 'W': lambda x, ctx: x, 'Agg': lambda x, ctx: x})
    bad = m.session_item(m.run({'shop': 's1', 'orders': [{'sku': 'a', 'qty': 'many'}]}))
    assert bad['error']['S'] == 'States.QueryEvaluationError'
    assert bad['cause']['S'] == ("map 'M': ItemSelector.qty: the JSONata expression '{% $states.context.Map.Item.Value.qty * $rate %}' "
                                 "failed: JSONata error T2001")


def test_parallel_arguments_are_the_branches_input_and_wait_and_succeed_outputs_shape_what_the_branches_end_with(world):
    w = world('jsonata-parallel-arguments').deploy({
        'A': lambda x, ctx: x,
        # The branches see the Arguments value alone, not the Parallel's input.
        'L': lambda x, ctx: {'left': x['n'] + 1, 'keys': sorted(x)},
        'R': lambda x, ctx: {'right': x['n'] * 10, 'keys': sorted(x)},
    })
    out = w.result(w.run({'item': {'n': 4}, 'tag': 't-1'}))
    assert out == {'left': {'left': 10}, 'right': {'right': 40, 'keys': ['n'], 'state': 'Done'}, 'tag': 't-1'}


def test_parallel_catcher_output_reads_the_error_and_the_raw_input_and_assign_sets_the_handler_variables(world):
    def down(x, ctx):
        raise type('BranchFailed', (Exception,), {})('right is down')
    w = world('jsonata-parallel-catch').deploy({
        'Pre': lambda x, ctx: x,
        'A': lambda x, ctx: x,
        'L': lambda x, ctx: {'left': x['n']},
        'R': down,
        'Next': lambda x, ctx: x,
        'Handler': lambda x, ctx: x,
    })
    assert w.result(w.run({'n': 3})) == {'got': {'why': 'BranchFailed: right is down', 'n': 3}, 'seen': 'before+BranchFailed'}


def _own_failure_map(world, runs):
    def item(x, ctx):
        runs.append(ctx.fanouts[-1].attempt)
        return x
    return world('jsonata-map-own-failure').deploy({
        'Start': lambda x, ctx: x, 'W': item, 'Agg': lambda x, ctx: x, 'Handler': lambda x, ctx: x,
    })


def test_a_map_own_items_item_selector_and_output_errors_go_to_its_retry_and_catch(world):
    runs = []
    w = _own_failure_map(world, runs)
    assert w.result(w.run({'orders': [{'qty': 1}, {'qty': 2}]})) == 6
    # Items that give no value: the Retry evaluates them again (one report per attempt), then the Catch takes the error.
    out = w.result(w.run({'shop': 's1'}))
    assert out == {'error': 'States.QueryEvaluationError', 'input': {'shop': 's1'},
                   'cause': "map 'M': Items: the JSONata expression '{% $states.input.orders %}' returned no value (undefined)"}
    assert runs == [0, 0]
    # An item's ItemSelector error fails the Map, not the item (the Map tolerates 5 failed items).
    bad = w.result(w.run({'orders': [{'qty': 1}, {'qty': 'many'}]}))
    assert bad['error'] == 'States.QueryEvaluationError'
    assert bad['cause'].startswith("map 'M': ItemSelector.qty: the JSONata expression '{% $states.context.Map.Item.Value.qty * 2 %}' failed")
    # The join's Output error: every item again in the retry, then caught.
    del runs[:]
    strict = w.result(w.run({'strict': True, 'orders': [{'qty': 1}, {'qty': 2}]}))
    assert strict['error'] == 'States.QueryEvaluationError' and strict['cause'].startswith("'M': Output: the JSONata expression")
    assert sorted(runs) == [0, 0, 1, 1]


def test_a_parallel_arguments_error_goes_to_its_catch_and_no_branch_runs(world):
    w = world('jsonata-parallel-own-failure').deploy({
        'Start': lambda x, ctx: x, 'L': lambda x, ctx: x, 'R': lambda x, ctx: x, 'Next': lambda x, ctx: x, 'Handler': lambda x, ctx: x,
    })
    assert w.result(w.run({'n': 1})) == [{'n': 2}, {'n': 2}]
    out = w.result(w.run({'n': 'one'}))
    assert out['error'] == 'States.QueryEvaluationError' and out['input'] == {'n': 'one'}
    assert out['cause'].startswith("parallel 'P': Arguments.n: the JSONata expression '{% $states.input.n + 1 %}' failed")
    assert w.invocations.get('fn-L') == 1
