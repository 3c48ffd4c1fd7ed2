"""Log lines: JSON on stdout with the instance's identity, Lambda's level setting, the request and trace ids."""
import json

from unum_runtime.log import invocation_fields, json_logger, min_log_level, with_fields
from unum_runtime.protocol import SESSION_ATTR, TRACE_ENV

ROOT = '1-6744a3f0-0123456789abcdef01234567'
SAMPLED = f'Root={ROOT};Parent=53995c3f42cd8ad8;Sampled=1'


def test_the_level_follows_lambdas_application_log_level_then_unum_log_level():
    assert min_log_level({}) == 'info'
    assert min_log_level({'UNUM_LOG_LEVEL': 'debug'}) == 'debug'
    # Lambda sets AWS_LAMBDA_LOG_LEVEL (upper case) with the JSON log format: it wins.
    assert min_log_level({'AWS_LAMBDA_LOG_LEVEL': 'WARN', 'UNUM_LOG_LEVEL': 'debug'}) == 'warn'
    assert min_log_level({'AWS_LAMBDA_LOG_LEVEL': 'TRACE'}) == 'trace'
    assert min_log_level({'AWS_LAMBDA_LOG_LEVEL': 'loud'}) == 'info'


def test_lines_below_the_level_are_not_written(monkeypatch):
    lines = []
    monkeypatch.setenv('AWS_LAMBDA_LOG_LEVEL', 'WARN')
    logger = json_logger({'workflow': 'w'}, write=lines.append)
    logger.info('dropped')
    logger.warn('kept')
    logger.error('kept too')
    assert [json.loads(line)['message'] for line in lines] == ['kept', 'kept too']
    monkeypatch.setenv('AWS_LAMBDA_LOG_LEVEL', 'FATAL')
    silent_but_fatal = json_logger({}, write=lines.append)
    silent_but_fatal.error('dropped at FATAL')
    assert len(lines) == 2


def test_a_line_is_one_json_object_whose_identity_the_caller_cannot_change(capfd):
    logger = with_fields(json_logger({'workflow': 'w', 'node': 'N'}, 'debug'), {'session': 's1', 'instance': 'N|0'})
    capfd.readouterr()
    logger.debug('hello', {'session': 'forged', 'level': 'error', 'n': 1})
    out = capfd.readouterr()
    assert out.err == ''
    line = json.loads(out.out)
    assert line['session'] == 's1' and line['instance'] == 'N|0' and line['workflow'] == 'w' and line['node'] == 'N'
    assert line['level'] == 'debug' and line['message'] == 'hello' and line['n'] == 1
    assert line['timestamp'].endswith('Z') and 'T' in line['timestamp']


def test_the_trace_id_is_carried_only_when_the_invocation_is_sampled():
    assert invocation_fields('r1', {TRACE_ENV: SAMPLED}) == {'requestId': 'r1', 'traceId': ROOT}
    assert invocation_fields('r1', {TRACE_ENV: SAMPLED.replace('Sampled=1', 'Sampled=0')}) == {'requestId': 'r1'}
    assert invocation_fields(None, {}) == {}


def test_every_line_of_an_invocation_names_the_session_and_instance(servers, compiled, monkeypatch):
    from harness import LambdaContext, World
    from unum_runtime.runtime import RuntimeOptions, create_runtime
    w = World(servers, compiled['chain']).deploy({'A': lambda x, ctx: x, 'B': lambda x, ctx: x, 'C': lambda x, ctx: x})
    lines = []

    def user(x, ctx):
        ctx.logger.info('from the user', {'instance': 'forged', 'x': x})
        if x == 'fail':
            raise ValueError('no')
        return x

    try:
        handler = create_runtime(RuntimeOptions(
            config=w.config('B'), user_handler=user, dynamodb=w.dynamodb, s3=w.s3, lambda_client=w.lambda_client,
            table=w.table, bucket=w.bucket, logger=json_logger({'workflow': 'chain', 'node': 'B'}, 'debug', write=lines.append)))
        monkeypatch.setenv(TRACE_ENV, SAMPLED)
        for session, value in (('s-ok', 'fine'), ('s-fail', 'fail')):
            envelope = {'unum': 1, 'workflow': 'chain', 'session': session, 'node': 'B', 'frames': [], 'iteration': 0, 'input': {'value': value}}
            handler(envelope, LambdaContext(aws_request_id=f'req-{session}', function_name='fn-B'))
        w.endpoint.idle()
        parsed = [json.loads(line) for line in lines]
        assert [p['message'] for p in parsed] == ['from the user', 'from the user', 'user code failed; no retry or catch left']
        for p, session in zip(parsed, ('s-ok', 's-fail', 's-fail')):
            assert (p['session'], p['instance'], p['requestId'], p['traceId']) == (session, 'B|0', f'req-{session}', ROOT)
            assert (p['workflow'], p['node']) == ('chain', 'B')
        assert parsed[2]['level'] == 'error' and parsed[2]['error'] == 'ValueError'
    finally:
        w.close()


def test_a_traced_session_records_its_trace_id(servers, compiled, monkeypatch):
    from harness import World
    w = World(servers, compiled['chain']).deploy({'A': lambda x, ctx: x, 'B': lambda x, ctx: x, 'C': lambda x, ctx: x})
    try:
        monkeypatch.setenv(TRACE_ENV, SAMPLED)
        traced = w.run('t')
        monkeypatch.setenv(TRACE_ENV, SAMPLED.replace('Sampled=1', 'Sampled=0'))
        untraced = w.run('u')
        assert w.result(traced) == 't' and w.result(untraced) == 'u'
        assert w.session_item(traced)[SESSION_ATTR['TRACE']] == {'S': ROOT}
        assert SESSION_ATTR['TRACE'] not in w.session_item(untraced)
    finally:
        w.close()
