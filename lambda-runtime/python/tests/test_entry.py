"""
The Lambda entry `unum_runtime.entry.handler` in sandbox processes, as Lambda
runs it: configuration from the environment, the user module imported once
per process, UNUM_FAULT_CRASH_AT honoured, SDK retries absorbing throttles.
"""
import base64
import gzip
import json

import pytest

from unum_runtime.entry import load_user_handler, read_config
from unum_runtime.protocol import ENV, FAULT_STEPS

SPLIT = '''
def handler(n, context):
    return {'items': list(range(1, n + 1))}
'''
# A module global survives between invocations of one sandbox: the user module is imported once.
SQUARE = '''
import boto3
calls = 0
client = boto3.client('s3')  # created at import time, as unum applications do


def handler(x, context):
    global calls
    calls += 1
    context.logger.info('square', {'x': x})
    return {'square': x * x, 'calls': calls, 'index': context.index, 'size': context.size, 'session': context.session}
'''
SUM = '''
def handler(outputs, context):
    return {'sum': sum(o['square'] for o in outputs), 'max_calls': max(o['calls'] for o in outputs),
            'positions': [[o['index'], o['size']] for o in outputs], 'sessions': sorted({o['session'] for o in outputs})}
'''


def test_entry_runs_a_map_and_keeps_module_globals(world):
    w = world('map').deploy({}, entry_handlers={'Split': SPLIT, 'Square': SQUARE, 'Sum': SUM})
    first = w.run(4)
    assert w.result(first) == {'sum': 30, 'max_calls': 4, 'positions': [[0, 4], [1, 4], [2, 4], [3, 4]], 'sessions': [first]}
    second = w.run(2)
    # The same sandbox: the module was not imported again, its counter went on.
    assert w.result(second)['max_calls'] == 6


@pytest.mark.parametrize('step', FAULT_STEPS)
def test_crash_at_each_step_from_the_environment_then_lambda_retries(world, step):
    w = world('map').deploy({}, entry_handlers={'Split': SPLIT, 'Square': SQUARE, 'Sum': SUM}, crash_first_delivery_at=step)
    session = w.run(3)
    assert w.endpoint.stats['retried'] >= 1
    assert w.endpoint.failures == []
    assert w.result(session)['sum'] == 14
    assert set(w.commits(session).values()) == {1} and len(w.commits(session)) == 5


def test_sdk_retries_absorb_store_and_lambda_throttling(world, servers):
    throttled = set()

    def throttle(function_name, call):
        # The first attempt of every Invoke call is refused with 429; the SDK's retry goes through.
        if call is None or call in throttled:
            return False
        throttled.add(call)
        return True

    w = world('map', throttle=throttle).deploy({}, entry_handlers={'Split': SPLIT, 'Square': SQUARE, 'Sum': SUM})
    servers.reset()
    servers.throttle(3)
    try:
        session = w.run(5)
    finally:
        servers.throttle(0)
    assert w.result(session)['sum'] == 55
    errors = servers.stats()['errors']
    assert sum(n for k, n in errors.items() if k.endswith(':ProvisionedThroughputExceededException')) >= 1
    assert w.endpoint.stats['throttled'] >= 6
    # No invocation failed: every throttle was retried inside the SDK call.
    assert w.endpoint.stats['retried'] == 0


def test_config_from_each_environment_form(tmp_path):
    config = {'v': 1, 'workflow': 'wf', 'node': 'A', 'entry': True, 'next': {'kind': 'succeed'}, 'retry': [], 'catch': []}
    text = json.dumps(config)
    assert read_config({ENV['CONFIG']: text}) == config
    assert read_config({ENV['CONFIG_GZIP']: base64.b64encode(gzip.compress(text.encode())).decode()}) == config
    (tmp_path / 'unum.json').write_text(text)
    assert read_config({ENV['CONFIG_FILE']: 'unum.json', 'LAMBDA_TASK_ROOT': str(tmp_path)}) == config
    with pytest.raises(RuntimeError, match='no unum configuration'):
        read_config({})
    with pytest.raises(ValueError, match='version 2 is not supported'):
        read_config({ENV['CONFIG']: json.dumps({**config, 'v': 2})})


def test_user_handler_spec_errors_name_the_fix(tmp_path):
    (tmp_path / 'app.py').write_text('def lambda_handler(event, context):\n    return event\n')
    env = {'LAMBDA_TASK_ROOT': str(tmp_path)}
    assert load_user_handler('app.lambda_handler', env)(3, None) == 3
    with pytest.raises(RuntimeError, match="must be 'module.function'"):
        load_user_handler('app', env)
    with pytest.raises(RuntimeError, match="module 'nope' not found"):
        load_user_handler('nope.handler', env)
    with pytest.raises(RuntimeError, match="does not define a function 'handler'"):
        load_user_handler('app.handler', env)
