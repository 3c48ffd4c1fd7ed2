"""The entry started by an SQS event source mapping: one session per record, named by its message id (as the Node runtime)."""
import uuid

from unum_runtime.log import Logger
from unum_runtime.protocol import SQS_SESSION_PREFIX

QUEUE = 'arn:aws:sqs:us-east-1:123456789012:orders'


def _record(body, message_id=None, queue=QUEUE):
    message_id = message_id or str(uuid.uuid4())
    return {'messageId': message_id, 'receiptHandle': f'rh-{message_id}', 'body': body, 'attributes': {'ApproximateReceiveCount': '1'},
            'messageAttributes': {}, 'md5OfBody': '', 'eventSource': 'aws:sqs', 'eventSourceARN': queue, 'awsRegion': 'us-east-1'}


def _world(world, logs):
    w = world('chain')
    w.logger = Logger(lambda level, message, fields: logs.append((level, message, dict(fields or {}))))
    return w.deploy({'A': lambda x, ctx: x['n'] * 2, 'B': lambda x, ctx: x + 1, 'C': lambda x, ctx: x})


def _session(record):
    return SQS_SESSION_PREFIX + record['messageId']


def test_two_messages_start_two_sessions_named_by_their_message_ids(world):
    w = _world(world, [])
    one, two = _record('{"n":1}'), _record('{"n":20}')
    assert w.send('A', {'Records': [one, two]}) == {'batchItemFailures': []}
    assert w.result(_session(one)) == 3 and w.result(_session(two)) == 41
    assert w.runs == {'A|0': 2, 'B|0': 2, 'C|0': 2}


def test_a_redelivered_message_does_not_start_a_second_session(world):
    w = _world(world, [])
    one = _record('{"n":4}')
    w.send('A', {'Records': [one]})
    second = _record('{"n":5}')
    assert w.send('A', {'Records': [{**one, 'attributes': {'ApproximateReceiveCount': '2'}}, second]}) == {'batchItemFailures': []}
    assert w.result(_session(one)) == 9 and w.result(_session(second)) == 11
    # A ran once per message, not for the redelivery.
    assert w.runs == {'A|0': 2, 'B|0': 2, 'C|0': 2}
    sessions = sorted(i['pk']['S'].rsplit('#', 1)[1] for i in w.items() if i['sk']['S'] == 'SESSION')
    assert sessions == sorted([_session(one), _session(second)])


def test_a_start_that_fails_midway_is_redelivered_into_the_same_session(world):
    logs = []
    w = _world(world, logs)
    flaky, fine = _record('{"n":7}'), _record('{"n":8}')
    failed = []

    def fault(step, info):
        if step == 'after-session-create' and info['session'] == _session(flaky) and not failed:
            failed.append(step)
            raise RuntimeError('throttled')

    w.faults = fault
    assert w.send('A', {'Records': [flaky, fine]}) == {'batchItemFailures': [{'itemIdentifier': flaky['messageId']}]}
    # The runtime's own line of the failed start, then the batch's line naming the message.
    assert [(f.get('messageId'), f['cause']) for level, _, f in logs if level == 'error'] == [
        (None, 'throttled'), (flaky['messageId'], 'RuntimeError: throttled')]
    assert w.send('A', {'Records': [flaky]}) == {'batchItemFailures': []}
    assert w.result(_session(flaky)) == 15 and w.result(_session(fine)) == 17


def test_a_body_that_is_not_json_is_a_batch_item_failure_with_a_clear_error(world):
    logs = []
    w = _world(world, logs)
    good, bad, after = _record('{"n":1}'), _record('n=1'), _record('{"n":2}')
    assert w.send('A', {'Records': [good, bad, after]}) == {'batchItemFailures': [{'itemIdentifier': bad['messageId']}]}
    assert w.result(_session(good)) == 3 and w.result(_session(after)) == 5
    errors = [(message, fields) for level, message, fields in logs if level == 'error']
    assert len(errors) == 1
    message, fields = errors[0]
    assert f"workflow 'chain': SQS message {bad['messageId']} cannot start a session: its body is not JSON" in message
    assert 'dead-letter queue' in message
    assert fields == {'error': 'Unum.InvalidSqsMessage', 'messageId': bad['messageId'], 'queue': QUEUE}
    assert w.session_item(_session(bad)) is None


def test_a_fifo_batch_leaves_the_records_after_a_failure_unprocessed(world):
    logs = []
    w = _world(world, logs)
    fifo = QUEUE + '.fifo'
    first, bad, later = _record('{"n":1}', queue=fifo), _record('{', queue=fifo), _record('{"n":2}', queue=fifo)
    assert w.send('A', {'Records': [first, bad, later]}) == {
        'batchItemFailures': [{'itemIdentifier': bad['messageId']}, {'itemIdentifier': later['messageId']}]}
    assert w.result(_session(first)) == 3
    assert w.session_item(_session(later)) is None
    assert [f['messageId'] for level, _, f in logs if level == 'warn'] == [later['messageId']]
