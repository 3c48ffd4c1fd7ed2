"""The Python failure recorder against a real store, and its forwarding to a user's own on-failure destination."""
import json

import boto3
import pytest

from unum_runtime.entry import client_config
from unum_runtime.forward import ForwardClients
from unum_runtime.log import silent
from unum_runtime.protocol import S3_RECORD_PREFIX, SESSION_ATTR, checkpoint_item_key
from unum_runtime.recorder import RecorderOptions, record_failure
from unum_runtime.session import create_session


@pytest.fixture
def recorder(world, servers):
    w = world('chain').deploy({'A': lambda x, ctx: x, 'B': lambda x, ctx: x, 'C': lambda x, ctx: x})
    s3 = boto3.client('s3', endpoint_url=servers.s3, config=client_config({'AWS_ENDPOINT_URL_S3': servers.s3}, s3=True))
    clients = ForwardClients(w.lambda_client, lambda service: s3)
    return w, RecorderOptions(store=w.store, clients=clients, workflow='chain', entry_function='fn-A', entry_node='A', logger=silent())


def _record(payload, function='fn-B', request_id='req-1'):
    return {
        'version': '1.0', 'timestamp': '2026-12-02T03:04:05.678Z',
        'requestContext': {'requestId': request_id, 'functionArn': f'arn:aws:lambda:us-east-1:000000000000:function:{function}:$LATEST',
                           'condition': 'RetriesExhausted', 'approximateInvokeCount': 3},
        'requestPayload': payload,
        'responsePayload': {'errorType': 'Runtime.ExitError', 'errorMessage': 'Runtime exited with error: exit status 1'},
    }


def _envelope(session, node='B'):
    return {'unum': 1, 'workflow': 'chain', 'session': session, 'node': node, 'frames': [], 'iteration': 0, 'input': {'value': 1}}


def test_a_running_session_fails_with_the_node_instance_and_error(recorder):
    w, options = recorder
    ref = {'workflow': 'chain', 'session': 'run-1'}
    create_session(w.store, ref, {})
    w.store.put_if_absent(checkpoint_item_key(ref, 'B|0'), {'v': {'S': '42'}})
    assert record_failure(_record(_envelope('run-1')), options) == {'recorded': True}
    item = w.session_item('run-1')
    assert item[SESSION_ATTR['STATUS']]['S'] == 'FAILED' and item[SESSION_ATTR['NODE']]['S'] == 'B'
    assert 'Lambda gave up after 3 attempt(s) (RetriesExhausted)' in item[SESSION_ATTR['CAUSE']]['S']
    assert 'had committed its output, which is kept' in item[SESSION_ATTR['CAUSE']]['S']
    assert len(w.failures('run-1')) == 1


def test_an_ended_or_unknown_session_is_left_alone_and_a_lost_start_is_recorded(recorder):
    w, options = recorder
    done = w.run('x')
    before = w.session_item(done)
    assert record_failure(_record(_envelope(done)), options) == {'recorded': False}
    assert w.session_item(done) == before
    assert record_failure(_record(_envelope('nowhere')), options) == {'recorded': False}
    assert w.session_item('nowhere') is None
    # A plain event the entry never got to start: the session its request id names is created FAILED.
    assert record_failure(_record({'plain': True}, function='fn-A', request_id='lost-start'), options) == {'recorded': True}
    assert w.status('lost-start') == 'FAILED'


def test_the_record_is_forwarded_to_the_users_destination(recorder):
    w, options = recorder
    options.forward = {'fn-B': {'kind': 's3', 'target': w.bucket}}
    record = _record(_envelope('fwd-1'))
    record_failure(record, options)
    [obj] = w.s3.list_objects_v2(Bucket=w.bucket, Prefix=f'{S3_RECORD_PREFIX}fn-B/2026/12/02/2026-12-02T03.04.05-')['Contents']
    assert json.loads(w.s3.get_object(Bucket=w.bucket, Key=obj['Key'])['Body'].read()) == record
