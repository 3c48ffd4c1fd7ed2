"""
The same user functions in Python and in JavaScript, per compiled workflow:
the interop tests run each node in either runtime, the bench compares the
store requests of the two runtimes on them.
"""

PY = {
    'chain': {
        'A': lambda x, ctx: {'text': x['text'] + '!', 'len': len(x['text'])},
        'B': lambda x, ctx: {'text': x['text'] * 2, 'len': x['len']},
        'C': lambda x, ctx: [len(x['text']), x['len']],
    },
    'choice': {
        'Classify': lambda x, ctx: x,
        'Big': lambda x, ctx: ['big', x['n']],
        'Zero': lambda x, ctx: ['zero', x['n']],
        'Small': lambda x, ctx: ['small', x['n']],
    },
    'parallel': {
        'Start': lambda x, ctx: {'n': x},
        'Left': lambda x, ctx: {'left': x['n'] + 1},
        'Right': lambda x, ctx: {'right': x['n'] * 10},
        'Merge': lambda branches, ctx: branches,
    },
    'map': {
        'Split': lambda n, ctx: {'items': list(range(1, n + 1))},
        'Square': lambda x, ctx: x * x,
        'Sum': lambda squares, ctx: {'sum': sum(squares), 'n': len(squares)},
    },
    'dag': {
        'Start': lambda x, ctx: x,
        'Hello': lambda x, ctx: 'hello ' + x['hello'],
        'Bye': lambda x, ctx: 'bye',
        'End': lambda outputs, ctx: outputs,
    },
    'composite': {
        'A': lambda x, ctx: x,
        'W': lambda x, ctx: x * x,
        'Tally': lambda squares, ctx: sum(squares),
        'B': lambda x, ctx: len(x['items']),
        'Agg': lambda outputs, ctx: {'sum': outputs[0], 'n': outputs[1]},
        'Fin': lambda x, ctx: f"{x['n']} items, sum of squares {x['sum']}",
    },
    'loop': {
        'Init': lambda x, ctx: {'count': 0},
        'Step': lambda x, ctx: {'count': x['count'] + 1},
        'Finish': lambda x, ctx: x,
    },
}

JS = {
    'chain': {
        'A': 'exports.handler = async (x) => ({ text: x.text + "!", len: x.text.length });',
        'B': 'exports.handler = async (x) => ({ text: x.text.repeat(2), len: x.len });',
        'C': 'exports.handler = async (x) => [x.text.length, x.len];',
    },
    'choice': {
        'Classify': 'exports.handler = async (x) => x;',
        'Big': 'exports.handler = async (x) => ["big", x.n];',
        'Zero': 'exports.handler = async (x) => ["zero", x.n];',
        'Small': 'exports.handler = async (x) => ["small", x.n];',
    },
    'parallel': {
        'Start': 'exports.handler = async (x) => ({ n: x });',
        'Left': 'exports.handler = async (x) => ({ left: x.n + 1 });',
        'Right': 'exports.handler = async (x) => ({ right: x.n * 10 });',
        'Merge': 'exports.handler = async (branches) => branches;',
    },
    'map': {
        'Split': 'exports.handler = async (n) => ({ items: Array.from({ length: n }, (_, i) => i + 1) });',
        'Square': 'exports.handler = async (x) => x * x;',
        'Sum': 'exports.handler = async (s) => ({ sum: s.reduce((a, b) => a + b, 0), n: s.length });',
    },
    'dag': {
        'Start': 'exports.handler = async (x) => x;',
        'Hello': 'exports.handler = async (x) => "hello " + x.hello;',
        'Bye': 'exports.handler = async () => "bye";',
        'End': 'exports.handler = async (outputs) => outputs;',
    },
    'composite': {
        'A': 'exports.handler = async (x) => x;',
        'W': 'exports.handler = async (x) => x * x;',
        'Tally': 'exports.handler = async (s) => s.reduce((a, b) => a + b, 0);',
        'B': 'exports.handler = async (x) => x.items.length;',
        'Agg': 'exports.handler = async ([sum, n]) => ({ sum, n });',
        'Fin': 'exports.handler = async (x) => `${x.n} items, sum of squares ${x.sum}`;',
    },
    'loop': {
        'Init': 'exports.handler = async () => ({ count: 0 });',
        'Step': 'exports.handler = async (x) => ({ count: x.count + 1 });',
        'Finish': 'exports.handler = async (x) => x;',
    },
}

# (case name, workflow, input, expected result, world options)
CASES = [
    ('chain', 'chain', {'text': 'hi'}, [6, 2], {}),
    ('chain, S3 spill', 'chain', {'text': 'x' * 3000}, [6002, 3000], {'payload_threshold': 1000}),
    ('choice, rule', 'choice', {'n': 11}, ['big', 11], {}),
    ('choice, otherwise', 'choice', {'n': 2, 'kind': 'one'}, ['small', 2], {}),
    ('parallel + join', 'parallel', 4, [{'left': 5}, {'right': 40}], {}),
    ('map of 10 + fan-in', 'map', 10, {'sum': 385, 'n': 10}, {}),
    ('map of 70, sharded join', 'map', 70, {'sum': sum(i * i for i in range(1, 71)), 'n': 70}, {}),
    ('DAG join after a choice', 'dag', {'hello': 'world'}, ['hello world', None], {}),
    ('map in parallel + joins', 'composite', {'items': [1, 2, 3, 4, 5]}, '5 items, sum of squares 55', {}),
    ('loop of 3', 'loop', None, {'count': 3}, {}),
]


def case_id(case):
    return case[0]
