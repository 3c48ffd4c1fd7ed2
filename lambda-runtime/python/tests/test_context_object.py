"""The context object $$ through the Python runtime: the same workflows and values as test/runtime/context.test.ts."""
import os
import re

from unum_runtime.protocol import SESSION_ATTR

REGION = os.environ.get('AWS_REGION', 'local')


class TransientError(Exception):
    pass


def test_parameters_result_selector_and_pass_read_the_context_object(world):
    seen = []

    def charge(x, ctx):
        seen.append(x)
        if ctx.attempt < 2:
            raise TransientError('try again')
        return x

    w = world('context').deploy({'Charge': charge})
    session = w.run({'x': 41}, 'ctx-s1')
    start = w.session_item(session)[SESSION_ATTR['START']]['S']
    assert re.match(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$', start)
    assert [s['retries'] for s in seen] == [0, 1, 2]
    assert seen[-1] == {
        'name': 'ctx-s1', 'id': 'arn:aws:states:%s:123456789012:execution:context:ctx-s1' % REGION, 'x': 41, 'start': start,
        'state': 'Charge', 'retries': 2, 'machine': 'context', 'own': 41,
    }
    assert w.result(session) == {'order': {'value': 41, 'by': 'Charge', 'retries': 2}, 'pass': 'Stamp', 'name': 'ctx-s1'}


def test_map_item_selector_reads_the_map_input_and_the_item(world):
    w = world('contextMap').deploy({
        'Split': lambda x, ctx: x,
        'Work': lambda x, ctx: '%s%d:%s' % (x['prefix'], x['index'], x['item']),
        'Agg': lambda items, ctx: items,
    })
    assert w.result(w.run({'prefix': 'p', 'items': ['a', 'b', 'c']})) == ['p0:a', 'p1:b', 'p2:c']


def test_context_paths_in_input_path_output_path_items_path_and_a_choice(world):
    seen = []

    def agg(x, ctx):
        seen.append(x)
        return x

    w = world('contextPaths').deploy({
        'First': lambda x, ctx: {'mode': 'fan'},
        'Split': lambda x, ctx: x,
        'Work': lambda x, ctx: x * 10,
        'Agg': agg,
        'Other': lambda x, ctx: x,
    })
    # Agg reads the session's input, not the joined list [10, 20, 30]; its output is its state name.
    assert w.result(w.run({'mode': 'fan', 'items': [1, 2, 3]})) == 'Agg'
    assert seen == [{'items': [1, 2, 3]}]
    assert w.result(w.run({'mode': 'solo', 'items': []})) == 'solo'
    session = w.run({'items': []})
    item = w.session_item(session)
    assert item[SESSION_ATTR['STATUS']]['S'] == 'FAILED' and item[SESSION_ATTR['ERROR']]['S'] == 'States.Runtime'
    assert item[SESSION_ATTR['CAUSE']]['S'] == (
        "choice 'Route': Invalid path '$$.Execution.Input.mode': The choice state's condition path references an invalid value.")
