"""JSONata Wait (Seconds), Fail (Error, Cause), a Task's Retry and Catch of States.QueryEvaluationError, a
catcher's and a Choice's Output/Assign in the Python runtime, against DynamoDB Local, as
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


def test_a_query_evaluation_error_is_retried_then_caught_by_the_catchers_output_and_assign(world):
    calls = []

    def a(x, ctx):
        calls.append(x)
        return {'total': x['total']}
    w = world('jsonata-catch').deploy({'A': a, 'B': lambda x, ctx: x, 'Fallback': lambda x, ctx: x})
    # The Arguments fail on attempt 0 and are evaluated again on the retry; then the Output fits.
    assert w.result(w.run({'order': 'o-1', 'total': 41})) == 42
    assert calls == [{'order': 'o-1', 'total': 41}]
    # Attempt 1's Output fails (no retry left): the catcher shapes the error and assigns; the state's own Assign does not apply.
    assert w.result(w.run({'order': 'o-2', 'total': 'x'})) == {
        'order': 'o-2',
        'why': "Output: the JSONata expression '{% $states.result.total + 1 %}' failed: JSONata error T2001",
        'failed': 'States.QueryEvaluationError',
        'never': False,
    }


def test_a_choice_rules_output_and_assign_and_the_choices_own_assign(world):
    w = world('jsonata-choice').deploy({'A': lambda x, ctx: x, 'Report': lambda x, ctx: x})
    assert w.result(w.run({'total': 130})) == {'value': {'gold': 130, 'before': False}, 'tier': 'gold', 'checked': 130}
    assert w.result(w.run({'total': 7})) == {'value': {'total': 7}, 'tier': 'none', 'checked': 7}
