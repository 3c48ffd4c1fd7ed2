"""JSONata Wait (Seconds) and Fail (Error, Cause) in the Python runtime, against DynamoDB Local, as
test/runtime/jsonata.test.ts checks them in Node."""
import time


def test_a_wait_whose_seconds_is_a_jsonata_expression_waits_that_long(world):
    w = world('jsonata-wait').deploy({'A': lambda x, ctx: dict(x, at=time.time()), 'B': lambda x, ctx: time.time() - x['at'] >= x['wait']})
    assert w.result(w.run({'wait': 1})) is True
    bad = w.session_item(w.run({'wait': 'soon'}))
    assert bad['status']['S'] == 'FAILED' and bad['error']['S'] == 'States.QueryEvaluationError'
    assert bad['cause']['S'].startswith(
        "wait 'Pause': Seconds: the JSONata expression '{% $states.input.wait %}' must evaluate to an integer number of seconds")


def test_a_fail_computes_its_error_and_cause_with_jsonata(world):
    w = world('jsonata-fail').deploy({'A': lambda x, ctx: x})
    item = w.session_item(w.run({'code': 'late'}))
    assert item['status']['S'] == 'FAILED'
    assert (item['error']['S'], item['cause']['S']) == ('Order.LATE', 'Boom: late')
    bad = w.session_item(w.run({'code': 7}))
    assert bad['error']['S'] == 'States.QueryEvaluationError'
    assert bad['cause']['S'] == ("fail 'Boom': Error: the JSONata expression '{% \"Order.\" & $uppercase($states.input.code) %}' "
                                 "failed: JSONata error T0410")
