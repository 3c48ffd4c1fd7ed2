"""Malformed events are refused with a clear, counted log line, and change nothing in the store."""
import pytest

from unum_runtime.protocol import session_object_prefix


def _snapshot(w):
    items = sorted(w.items(), key=lambda i: (i['pk']['S'], i['sk']['S']))
    objects = sorted(o['Key'] for o in w.s3.list_objects_v2(Bucket=w.bucket).get('Contents', []))
    return items, objects


@pytest.fixture(scope='module')
def chain(servers, compiled):
    from harness import World
    w = World(servers, compiled['chain']).deploy({'A': lambda x, ctx: x, 'B': lambda x, ctx: x, 'C': lambda x, ctx: x})
    yield w
    w.close()


def _envelope(w, session, node='B', **fields):
    return {'unum': 1, 'workflow': 'chain', 'session': session, 'node': node, 'frames': [], 'iteration': 0,
            'input': {'value': 1}, **fields}


def test_malformed_envelopes_change_no_session(chain):
    w = chain
    session = w.run('done')
    assert w.result(session) == 'done'
    before = _snapshot(w)
    other = session_object_prefix({'workflow': 'chain', 'session': 'someone-else'})
    mine = session_object_prefix({'workflow': 'chain', 'session': session})
    bad = [
        {'x': 1},  # B is not the entry: a plain event is not accepted
        _envelope(w, session, unum=2),
        _envelope(w, session, workflow='other'),
        _envelope(w, session, node='C'),
        _envelope(w, 'bad session!'),
        _envelope(w, session, iteration=-1),
        _envelope(w, session, frames=[{'fanout': 'M', 'index': 3, 'size': 2, 'iteration': 0}]),
        _envelope(w, session, frames='none'),
        _envelope(w, session, input={'value': 1, 'fanIn': {}}),
        _envelope(w, session, input={'fanIn': {'join': 'J', 'instance': 'J|0'}}),
        _envelope(w, session, input={'s3': {'bucket': 'another-bucket', 'key': f'{mine}x.json'}}),
        _envelope(w, session, input={'s3': {'bucket': w.bucket, 'key': f'{other}B%7C0/input.json'}}),
        _envelope(w, session, input={'s3': {'bucket': w.bucket, 'key': f'{mine}../someone-else/input.json'}}),
        _envelope(w, session, attempt=-1),
        _envelope(w, session, attempt=1, notBefore='soon'),
        _envelope(w, session, waits={'W|0': 'later'}),
        _envelope(w, session, fanouts={'M|0': -1}),
        _envelope(w, session, node='A', unum='1'),
    ]
    for event in bad:
        node = event.get('node', 'B') if event.get('node') in ('A', 'B') else 'B'
        assert w.send(node, event) == {'error': 'invalid envelope (logged, nothing changed)'}, event
    assert _snapshot(w) == before
    assert w.endpoint.failures == []


def test_refusals_name_the_node_and_the_field(servers, compiled, capfd):
    from harness import World
    from unum_runtime.log import json_logger
    from unum_runtime.runtime import RuntimeOptions, create_runtime
    w = World(servers, compiled['chain'])
    try:
        handler = create_runtime(RuntimeOptions(
            config=w.config('B'), user_handler=lambda x, ctx: x, dynamodb=w.dynamodb, s3=w.s3, lambda_client=w.lambda_client,
            table=w.table, bucket=w.bucket, logger=json_logger({'workflow': 'chain', 'node': 'B'})))
        capfd.readouterr()
        assert handler(_envelope(w, 's1', iteration=-1)) == {'error': 'invalid envelope (logged, nothing changed)'}
        assert handler({'hello': 1}) == {'error': 'invalid envelope (logged, nothing changed)'}
        import json
        records = [json.loads(line) for line in capfd.readouterr().out.splitlines() if line.startswith('{')]
        # Each refused event also writes its metrics line (EMF, with `_aws`): keep the log lines.
        first, second = (r for r in records if '_aws' not in r)
        assert first['message'] == "node 'B': invalid envelope: iteration must be a non-negative integer"
        assert first['invalidEnvelopes'] == 1 and first['claimedSession'] == 's1' and first['error'] == 'Unum.InvalidEnvelope'
        assert first['level'] == 'error' and first['timestamp'].endswith('Z')
        assert "node 'B' is not the workflow's entry" in second['message']
        assert w.items() == []
    finally:
        w.close()
