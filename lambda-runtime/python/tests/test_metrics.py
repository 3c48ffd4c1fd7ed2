"""
The Python runtime's CloudWatch Embedded Metric Format lines: the exact
document one invocation writes (unum_runtime/metrics.py, the same as the Node
runtime's), then what a workflow's invocations write on stdout when user code
fails, when an invocation crashes, and when a payload spills to S3.
"""
import json
import time

from unum_runtime.faults import crash_at
from unum_runtime.metrics import Metrics, SessionEnded
from unum_runtime.protocol import SESSION_ATTR

T = 1_700_000_000_000
NO_ENV = {}


def test_workflow_metrics_under_workflow_node_metrics_under_workflow_and_node_session_a_property():
    m = Metrics('orders', 'Charge', {'session': 's-1', 'instance': 'Charge|0'})
    m.count('INVOCATIONS')
    m.count('USER_ERRORS')
    m.count('USER_ERRORS')
    m.count('RETRIES')
    m.user_code_duration(12)
    m.user_code_duration(30)
    m.session_started()
    m.session_succeeded(SessionEnded(started_at='2026-01-01T00:00:00.000Z', ended_at='2026-01-01T00:00:01.250Z'))
    assert m.document(T, NO_ENV) == {
        '_aws': {
            'Timestamp': T,
            'CloudWatchMetrics': [
                {
                    'Namespace': 'cdk-unum',
                    'Dimensions': [['Workflow']],
                    'Metrics': [
                        {'Name': 'SessionsStarted', 'Unit': 'Count'},
                        {'Name': 'SessionsSucceeded', 'Unit': 'Count'},
                        {'Name': 'SessionDuration', 'Unit': 'Milliseconds'},
                    ],
                },
                {
                    'Namespace': 'cdk-unum',
                    'Dimensions': [['Workflow', 'Node']],
                    'Metrics': [
                        {'Name': 'Invocations', 'Unit': 'Count'},
                        {'Name': 'UserErrors', 'Unit': 'Count'},
                        {'Name': 'Retries', 'Unit': 'Count'},
                        {'Name': 'UserCodeDuration', 'Unit': 'Milliseconds'},
                    ],
                },
            ],
        },
        'session': 's-1',
        'instance': 'Charge|0',
        'Workflow': 'orders',
        'Node': 'Charge',
        'SessionsStarted': 1,
        'SessionsSucceeded': 1,
        'SessionDuration': 1250,
        'Invocations': 1,
        # Counts add up; each duration is its own value.
        'UserErrors': 2,
        'Retries': 1,
        'UserCodeDuration': [12, 30],
    }


def test_only_workflow_metrics_one_directive_the_node_a_plain_field():
    m = Metrics('orders', 'Charge')
    m.session_failed(SessionEnded(started_at='2026-01-01T00:00:00.000Z', ended_at='2026-01-01T00:00:00.040Z'))
    assert m.document(T, NO_ENV) == {
        '_aws': {'Timestamp': T, 'CloudWatchMetrics': [{
            'Namespace': 'cdk-unum',
            'Dimensions': [['Workflow']],
            'Metrics': [{'Name': 'SessionsFailed', 'Unit': 'Count'}, {'Name': 'SessionDuration', 'Unit': 'Milliseconds'}],
        }]},
        'Workflow': 'orders',
        'Node': 'Charge',
        'SessionsFailed': 1,
        'SessionDuration': 40,
    }


def test_session_timed_out_counts_and_records_the_duration():
    m = Metrics('orders', None, {'session': 's-2'})
    m.session_timed_out(SessionEnded(started_at='2026-01-01T00:00:00.000Z', ended_at='2026-01-01T00:05:00.000Z'))
    assert m.document(T, NO_ENV) == {
        '_aws': {'Timestamp': T, 'CloudWatchMetrics': [{
            'Namespace': 'cdk-unum',
            'Dimensions': [['Workflow']],
            'Metrics': [{'Name': 'SessionsTimedOut', 'Unit': 'Count'}, {'Name': 'SessionDuration', 'Unit': 'Milliseconds'}],
        }]},
        'session': 's-2',
        'Workflow': 'orders',
        'SessionsTimedOut': 1,
        'SessionDuration': 300_000,
    }


def test_an_end_without_a_readable_start_has_no_duration_and_a_clock_behind_the_start_gives_zero():
    m = Metrics('orders')
    m.session_succeeded(SessionEnded(ended_at='2026-01-01T00:00:00.000Z'))
    doc = m.document(T, NO_ENV)
    assert doc['SessionsSucceeded'] == 1 and 'SessionDuration' not in doc
    skewed = Metrics('orders')
    skewed.session_succeeded(SessionEnded(started_at='2026-01-01T00:00:01.000Z', ended_at='2026-01-01T00:00:00.000Z'))
    assert skewed.document(T, NO_ENV)['SessionDuration'] == 0


def test_nothing_recorded_no_document_and_no_line():
    lines = []
    assert Metrics('orders', 'Charge').document(T, NO_ENV) is None
    no_node = Metrics('orders', None, {}, lines.append)
    no_node.count('INVOCATIONS')
    assert no_node.document(T, NO_ENV) is None
    no_node.flush()
    assert lines == []


def test_flush_writes_one_json_line_and_clears():
    lines = []
    m = Metrics('orders', 'Charge', {}, lines.append)
    m.count('PAYLOADS_SPILLED')
    m.flush()
    m.flush()
    assert len(lines) == 1 and '\n' not in lines[0]
    doc = json.loads(lines[0])
    assert (doc['Workflow'], doc['Node'], doc['PayloadsSpilled']) == ('orders', 'Charge', 1)


def test_at_most_100_values_per_duration_counts_keep_adding_up():
    m = Metrics('orders', 'Charge')
    for i in range(150):
        m.user_code_duration(i)
        m.count('JOIN_ARRIVALS')
    doc = m.document(T, NO_ENV)
    assert len(doc['UserCodeDuration']) == 100 and doc['JoinArrivals'] == 150


def test_with_lambdas_json_log_format_and_a_level_the_line_carries_that_level():
    m = Metrics('orders', 'Charge')
    m.count('INVOCATIONS')
    assert m.document(T, {'AWS_LAMBDA_LOG_FORMAT': 'JSON', 'AWS_LAMBDA_LOG_LEVEL': 'warn'})['level'] == 'WARN'
    assert 'level' not in m.document(T, {'AWS_LAMBDA_LOG_FORMAT': 'Text', 'AWS_LAMBDA_LOG_LEVEL': 'WARN'})
    assert 'level' not in m.document(T, {'AWS_LAMBDA_LOG_FORMAT': 'JSON'})


def _emf_lines(capsys):
    """The EMF lines the in-process runtime wrote on stdout (other output is ignored)."""
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith('{"_aws"')]


def test_user_code_that_throws_with_nothing_to_handle_it(world, capsys):
    def broken(x, ctx):
        raise KeyError('missing')

    w = world('chain').deploy({'A': lambda x, ctx: x, 'B': broken, 'C': lambda x, ctx: x})
    capsys.readouterr()
    session = w.run(1)
    lines = _emf_lines(capsys)
    assert [(line['Node'], line['session']) for line in lines] == [('A', session), ('B', session)]
    a, b = lines
    assert (a['Invocations'], a['SessionsStarted']) == (1, 1)
    assert {k: b.get(k) for k in ('Workflow', 'instance', 'Invocations', 'UserErrors', 'SessionsFailed')} == {
        'Workflow': w.workflow, 'instance': 'B|0', 'Invocations': 1, 'UserErrors': 1, 'SessionsFailed': 1}
    assert isinstance(b['SessionDuration'], (int, float)) and 'SessionsSucceeded' not in b


def test_an_invocation_that_crashes_still_writes_what_it_did(world, capsys):
    w = world('chain').deploy({'A': lambda x, ctx: x + 1, 'B': lambda x, ctx: x, 'C': lambda x, ctx: x})
    crash = crash_at(['after-user-code'])
    crashed = set()

    def faults(at, info):
        if at == 'after-user-code' and info['node'] == 'A' and not crashed:
            crashed.add(info['instance'])
            crash(at, info)

    w.faults = faults
    capsys.readouterr()
    session = w.run(1)
    assert w.result(session) == 2
    lines = [line for line in _emf_lines(capsys) if line['Node'] == 'A']
    assert len(lines) == 2
    # The crashed invocation ran the user code and started the session, then raised; Lambda's retry does not start it again.
    assert (lines[0]['Invocations'], lines[0]['SessionsStarted'], len([lines[0]['UserCodeDuration']])) == (1, 1, 1)
    assert lines[1]['Invocations'] == 1 and 'SessionsStarted' not in lines[1]


def test_an_output_above_the_payload_threshold_is_counted_once_as_spilled(world, capsys):
    w = world('chain', payload_threshold=1000).deploy({
        'A': lambda x, ctx: 'x' * 4096, 'B': lambda x, ctx: len(x), 'C': lambda x, ctx: x,
    })
    capsys.readouterr()
    session = w.run(None)
    assert w.result(session) == 4096
    # B reads A's output from S3 by reference: no second copy, no second count.
    assert [(line['Node'], line.get('PayloadsSpilled')) for line in _emf_lines(capsys)] == [('A', 1), ('B', None), ('C', None)]


def test_a_session_past_its_timeout_is_counted_timed_out_once_with_its_duration(world, capsys):
    w = world('timeout-chain').deploy({'A': lambda x, ctx: x, 'B': lambda x, ctx: time.sleep(1.5) or 'late', 'C': lambda x, ctx: x})
    capsys.readouterr()
    session = w.run(1)
    assert w.session_item(session)[SESSION_ATTR['STATUS']]['S'] == 'TIMED_OUT'
    lines = _emf_lines(capsys)
    assert [line['Node'] for line in lines] == ['A', 'B']
    b = lines[1]
    assert (b['session'], b['Invocations'], b['SessionsTimedOut']) == (session, 1, 1)
    assert isinstance(b['SessionDuration'], (int, float)) and b['SessionDuration'] > 0
    assert not {'SessionsFailed', 'SessionsSucceeded', 'UserErrors'} & set(b)
