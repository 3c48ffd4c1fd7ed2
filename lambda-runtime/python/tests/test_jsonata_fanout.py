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
