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
