"""Compiled workflows run end to end by the Python runtime: exact results, one commit per instance."""
import json
import time

from unum_runtime.protocol import SESSION_ATTR, fanout_progress_item_key, join_key_base, payload_object_key, start_object_key


class TransientError(Exception):
    pass


def test_chain(world):
    w = world('chain').deploy({
        'A': lambda x, ctx: x + 1,
        'B': lambda x, ctx: x * 2,
        'C': lambda x, ctx: f'{ctx.node} got {x}',
    })
    session = w.run(20)
    assert w.result(session) == 'C got 42'
    assert set(w.commits(session).values()) == {1} and len(w.commits(session)) == 3


def test_choice_takes_the_first_matching_rule_or_otherwise(world):
    w = world('choice').deploy({
        'Classify': lambda x, ctx: x,
        'Big': lambda x, ctx: ['big', x['n']],
        'Zero': lambda x, ctx: ['zero', x['n']],
        'Small': lambda x, ctx: ['small', x['n']],
    })
    assert w.result(w.run({'n': 11, 'kind': 'zero'})) == ['big', 11]
    assert w.result(w.run({'n': 0, 'kind': 'zero'})) == ['zero', 0]
    assert w.result(w.run({'n': 3, 'kind': 'one'})) == ['small', 3]


def test_a_choice_comparison_on_a_missing_field_fails_the_session_naming_the_choice_and_path(world):
    # Step Functions: States.Runtime, not the otherwise branch (IsPresent is the test for a field).
    w = world('choice').deploy({
        'Classify': lambda x, ctx: x,
        'Big': lambda x, ctx: ['big', x['n']],
        'Zero': lambda x, ctx: ['zero', x['n']],
        'Small': lambda x, ctx: ['small', x['n']],
    })
    session = w.run({'n': 3})
    item = w.session_item(session)
    assert item[SESSION_ATTR['STATUS']]['S'] == 'FAILED' and item[SESSION_ATTR['ERROR']]['S'] == 'States.Runtime'
    assert item[SESSION_ATTR['CAUSE']]['S'] == (
        "choice 'Route': Invalid path '$.kind': The choice state's condition path references an invalid value.")
    assert set(w.runs) == {'Classify|0'}


def test_parallel_then_join(world):
    w = world('parallel').deploy({
        'Start': lambda x, ctx: {'n': x},
        'Left': lambda x, ctx: {'left': x['n'] + 1, 'index': ctx.index, 'size': ctx.size},
        'Right': lambda x, ctx: {'right': x['n'] * 10, 'index': ctx.index, 'size': ctx.size},
        'Merge': lambda branches, ctx: branches,
    })
    session = w.run(4)
    assert w.result(session) == [{'left': 5, 'index': 0, 'size': 2}, {'right': 40, 'index': 1, 'size': 2}]


def _map_handlers():
    return {
        'Split': lambda x, ctx: {'items': list(range(1, x + 1))},
        'Square': lambda x, ctx: x * x,
        'Sum': lambda squares, ctx: {'sum': sum(squares), 'n': len(squares), 'first': squares[:3]},
    }


def test_map_of_ten_then_fan_in(world):
    w = world('map').deploy(_map_handlers())
    session = w.run(10)
    assert w.result(session) == {'sum': 385, 'n': 10, 'first': [1, 4, 9]}
    # Split, ten squares, Sum: each committed once.
    assert sorted(w.commits(session).values()) == [1] * 12
    assert all(n == 1 for n in w.runs.values())


def test_map_over_a_sharded_join(world):
    w = world('map').deploy(_map_handlers())
    session = w.run(100)
    assert w.result(session) == {'sum': sum(i * i for i in range(1, 101)), 'n': 100, 'first': [1, 4, 9]}
    joins = w.items(join_key_base({'workflow': 'map', 'session': session}, ''))
    # 100 slots: ten shards of ten, and the root that counts the full shards.
    shards = [i for i in joins if i['sk']['S'] == 'J']
    roots = [i for i in joins if i['sk']['S'] == 'R']
    assert len(shards) == 10 and all(len(s['e']['SS']) == 10 for s in shards)
    assert len(roots) == 1 and sorted(roots[0]['d']['NS'], key=int) == [str(s) for s in range(10)]


def test_empty_map_continues_with_an_empty_list(world):
    w = world('map').deploy(_map_handlers())
    assert w.result(w.run(0)) == {'sum': 0, 'n': 0, 'first': []}


def test_join_over_predecessors_skips_the_branch_not_taken(world):
    w = world('dag').deploy({
        'Start': lambda x, ctx: x,
        'Hello': lambda x, ctx: f"hello {x['hello']}",
        'Bye': lambda x, ctx: 'bye',
        'End': lambda outputs, ctx: outputs,
    })
    assert w.result(w.run({'hello': 'world'})) == ['hello world', None]
    assert w.result(w.run({})) == [None, 'bye']


def test_retry_then_success(world):
    attempts = []

    def flaky(x, ctx):
        attempts.append(ctx.attempt)
        if ctx.attempt < 2:
            raise TransientError(f'attempt {ctx.attempt}')
        return {'ok': x, 'attempt': ctx.attempt}

    w = world('retry').deploy({'Flaky': flaky, 'Recover': lambda x, ctx: 'recovered', 'Done': lambda x, ctx: x})
    assert w.result(w.run('in')) == {'ok': 'in', 'attempt': 2}
    assert attempts == [0, 1, 2]


def test_retries_exhausted_then_catch(world):
    def always(x, ctx):
        raise TransientError(f'attempt {ctx.attempt} failed')

    w = world('retry').deploy({'Flaky': always, 'Recover': lambda x, ctx: {'recovered': x}, 'Done': lambda x, ctx: x})
    # The error goes to $.error of the input (resultPath), Recover's output to Done.
    assert w.result(w.run({'id': 7})) == {'recovered': {'id': 7, 'error': {'Error': 'TransientError', 'Cause': 'attempt 2 failed'}}}


def test_uncaught_error_fails_the_session_with_a_record(world):
    def broken(x, ctx):
        raise KeyError('missing')

    w = world('chain').deploy({'A': lambda x, ctx: x, 'B': broken, 'C': lambda x, ctx: x})
    session = w.run(1)
    item = w.session_item(session)
    assert item[SESSION_ATTR['STATUS']]['S'] == 'FAILED'
    assert item[SESSION_ATTR['ERROR']]['S'] == 'KeyError' and item[SESSION_ATTR['NODE']]['S'] == 'B'
    [failure] = w.failures(session)
    assert failure['error']['S'] == 'KeyError' and failure['instance']['S'] == 'B|0'


def test_large_values_spill_to_s3(world):
    big = 'x' * 5000
    w = world('chain', payload_threshold=1000).deploy({
        'A': lambda x, ctx: {'text': x['text'] + '!', 'len': len(x['text'])},
        'B': lambda x, ctx: {'text': x['text'] * 2},
        'C': lambda x, ctx: len(x['text']),
    })
    w.servers.reset()
    session = w.run({'text': big})
    assert w.result(session) == 10002
    counts = w.servers.stats()['counts']
    # The start input (client), A's and B's outputs go to S3; each is read where it is needed.
    assert counts.get('PutObject', 0) >= 3 and counts.get('GetObject', 0) >= 3
    checkpoints = w.items(w.checkpoint_prefix(session))
    assert sum('s3' in c for c in checkpoints) == 2


def test_large_result_spills_to_s3(world):
    w = world('chain', payload_threshold=1000).deploy({
        'A': lambda x, ctx: x, 'B': lambda x, ctx: x, 'C': lambda x, ctx: ['y' * 400] * 1000,
    })
    session = w.run(1)
    assert w.result(session) == ['y' * 400] * 1000
    assert 'rs3' in w.session_item(session)


def test_loop_runs_until_the_choice_leaves_it(world):
    w = world('loop').deploy({
        'Init': lambda x, ctx: {'count': 0, 'seen': []},
        'Step': lambda x, ctx: {'count': x['count'] + 1, 'seen': x['seen'] + [ctx.iteration]},
        'Finish': lambda x, ctx: {**x, 'finish_iteration': ctx.iteration},
    })
    assert w.result(w.run(None)) == {'count': 3, 'seen': [0, 1, 2], 'finish_iteration': 2}


def test_context_carries_the_workflow_position_and_lambda_context(world):
    seen = {}

    def square(x, ctx):
        seen[ctx.index] = (ctx.session, ctx.node, ctx.size, ctx.attempt, ctx.instance, ctx.function_name,
                           [(f.fanout, f.index, f.size) for f in ctx.fanouts])
        ctx.logger.info('squared', {'x': x})
        return x * x

    w = world('map').deploy({**_map_handlers(), 'Square': square})
    session = w.run(3)
    assert seen[2] == (session, 'Square', 3, 0, 'Square|0:2/0', 'fn-Square', [('Each', 2, 3)])


def test_big_map_records_progress(world):
    w = world('map', fanout_batch=50).deploy(_map_handlers())
    session = w.run(120)
    assert w.result(session)['sum'] == sum(i * i for i in range(1, 121))
    progress = w.store.get(fanout_progress_item_key({'workflow': 'map', 'session': session}, 'Each|0'))
    assert progress['n'] == {'N': '120'}


def test_eager_cleanup_deletes_the_intermediate_data_when_the_session_ends(world):
    w = world('map', eager_gc=True, payload_threshold=1000).deploy({
        **_map_handlers(), 'Square': lambda x, ctx: {'square': x * x, 'pad': 'p' * 1200},
        'Sum': lambda outputs, ctx: sum(o['square'] for o in outputs),
    })
    session = w.run(70)
    assert w.result(session) == sum(i * i for i in range(1, 71))
    ref = {'workflow': 'map', 'session': session}
    assert w.items(w.checkpoint_prefix(session)) == []
    assert w.items(join_key_base(ref, '')) == []
    # Only the session (and its result) remain; the spilled outputs are deleted too.
    from unum_runtime.protocol import session_object_prefix
    objects = [o['Key'] for o in w.s3.list_objects_v2(Bucket=w.bucket, Prefix=session_object_prefix(ref)).get('Contents', [])]
    assert all(not k.endswith('/output.json') or 'RESULT' in k for k in objects)


def test_a_wait_that_does_not_fit_continues_in_a_fresh_invocation(world):
    import time
    w = world('wait', remaining_ms=2900).deploy({'A': lambda x, ctx: x + 1, 'B': lambda x, ctx: [x, time.time()]})
    started = time.time()
    session = w.run(1)
    value, at = w.result(session)
    assert value == 2 and at - started >= 1
    # The one-second wait plus its 2 s margin does not fit in 2.9 s: A waited what it could, then re-invoked
    # itself with the deadline (as often as the time left requires); B ran once, after the deadline.
    assert w.invocations['fn-A'] >= 2 and w.invocations['fn-B'] == 1
    assert w.runs == {'A|0': 1, 'B|0': 1}


def test_a_map_short_of_time_continues_at_its_recorded_progress(world):
    # 1 s left in every invocation: each issues one batch of 50, records it and continues in a fresh invocation.
    w = world('map', remaining_ms=1000, fanout_batch=50).deploy(_map_handlers())
    session = w.run(300)
    assert w.result(session)['sum'] == sum(i * i for i in range(1, 301))
    assert w.invocations['fn-Split'] == 6
    assert all(n == 1 for n in w.runs.values()) and len(w.runs) == 302


def test_a_batch_that_outlasts_the_time_left_stops_inside_and_continues_from_the_issued_prefix(world):
    # 3 s left and item invokes one at a time taking 150 ms each: a batch of 10 (1.5 s) would leave too little, so each
    # invocation stops inside its first batch once under 2 s remain, records the items it issued and continues.
    w = world('map', remaining_ms=3000, fanout_batch=10, invoke_concurrency=1).deploy(_map_handlers())
    progress = []

    def slow_item_invokes(params, **_):
        if json.loads(params['body'])['node'] == 'Square':
            time.sleep(0.15)

    def progress_records(params, **_):
        n = params.get('ExpressionAttributeValues', {}).get(':n', {}).get('N')
        if n is not None:
            progress.append(int(n))

    w.lambda_client.meta.events.register('before-call.lambda.Invoke', slow_item_invokes)
    w.dynamodb.meta.events.register('provide-client-params.dynamodb.UpdateItem', progress_records)
    session = w.run(25)
    assert w.result(session)['sum'] == sum(i * i for i in range(1, 26))
    assert all(n == 1 for n in w.runs.values()) and len(w.runs) == 27
    assert w.invocations['fn-Square'] == 25
    # Cut inside batches: recorded progress off the batch boundaries, and more invocations than the 3 batches.
    assert any(p < 25 and p % 10 != 0 for p in progress), progress
    assert w.invocations['fn-Split'] > 3


def test_an_aliased_function_re_invokes_itself_through_its_alias(world):
    # 2.5 s left per invocation: neither the 1 s retry interval nor the 1 s Wait fits with their 2 s margins, so A hands both over.
    w = world('aliased', remaining_ms=2500)
    assert w.config('A')['invokeName'] == 'fn-A:live' and 'invokeName' not in w.config('B')
    names = []
    w.lambda_client.meta.events.register('provide-client-params.lambda.Invoke',
                                         lambda params, **_: names.append((params['FunctionName'], json.loads(params['Payload'])['node'])))
    attempts = []

    def flaky(x, ctx):
        attempts.append((ctx.attempt, ctx.lambda_context.function_name))
        if ctx.attempt == 0:
            raise TransientError('once')
        return x + 1

    w.deploy({'A': flaky, 'B': lambda x, ctx: x * 10})
    session = w.run(1)
    assert w.result(session) == 20
    # The Lambda context names the unqualified function: the alias comes from the compiled configuration.
    assert attempts == [(0, 'fn-A'), (1, 'fn-A')]
    own = [name for name, node in names if node == 'A']
    assert own[0] == 'fn-A' and len(own) >= 3
    assert set(own[1:]) == {'fn-A:live'}
    assert [name for name, node in names if node == 'B'] == ['fn-B']


def test_an_aliased_map_continues_through_its_alias(world):
    # 1 s left in every invocation: each issues one batch of 50 and continues in a re-invocation, through the alias.
    w = world('aliasedMap', remaining_ms=1000, fanout_batch=50)
    names = []
    w.lambda_client.meta.events.register('provide-client-params.lambda.Invoke',
                                         lambda params, **_: names.append((params['FunctionName'], json.loads(params['Payload'])['node'])))
    w.deploy(_map_handlers())
    session = w.run(300)
    assert w.result(session)['sum'] == sum(i * i for i in range(1, 301))
    assert [name for name, node in names if node == 'Split'] == ['fn-Split'] + ['fn-Split:live'] * 5


def test_lambda_invoke_response_shape(world, monkeypatch):
    # Step Functions' lambda:invoke output (docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html):
    # { ExecutedVersion, Payload, StatusCode }; ExecutedVersion is the version Lambda runs.
    monkeypatch.setenv('AWS_LAMBDA_FUNCTION_VERSION', '7')
    w = world('lambda-response').deploy({
        'Score': lambda x, ctx: {'score': x['n'] * 2},
        'Report': lambda x, ctx: {'score': x['invoked']['Payload']['score'] + 1, 'input': x['n']},
    })
    assert w.result(w.run({'n': 4})) == {'score': 9, 'version': '7'}


def test_parallel_input_path_result_selector_and_result_path(world):
    w = world('parallel-flow').deploy({
        'Start': lambda x, ctx: x,
        'Left': lambda order, ctx: order['n'] + 1,
        'Right': lambda order, ctx: order['n'] * 10,
        'Merge': lambda x, ctx: x,
    })
    session = w.run({'order': {'n': 4}, 'keep': True})
    assert w.result(session) == {'order': {'n': 4}, 'keep': True, 'r': {'left': 5, 'right': 40}}


def test_bounded_map_never_runs_more_items_than_max_concurrency(world):
    import threading
    import time
    lock = threading.Lock()
    running = {'now': 0, 'most': 0}

    def square(x, ctx):
        with lock:
            running['now'] += 1
            running['most'] = max(running['most'], running['now'])
        time.sleep(0.05)
        with lock:
            running['now'] -= 1
        return x * x

    w = world('map-bounded').deploy({
        'Split': lambda n, ctx: {'items': list(range(1, n + 1))},
        'Square': square,
        'Sum': lambda x, ctx: {'sum': sum(x['squares']), 'items': x['items']},
    })
    session = w.run(8)
    assert w.result(session) == {'sum': 204, 'items': [1, 2, 3, 4, 5, 6, 7, 8]}
    # Counted by the items themselves: three at a time, and the bound was reached.
    assert running['most'] == 3
    assert set(w.commits(session).values()) == {1}


def test_bounded_map_after_a_join_is_issued_by_the_item_that_completed_the_join(world):
    w = world('map-after-join').deploy({
        'Split': lambda n, ctx: {'items': list(range(1, n + 1))},
        'Square': lambda x, ctx: x * x,
        'Cube': lambda x, ctx: x * x * x,
        'Sum': lambda cubes, ctx: cubes,
    })
    session = w.run(5)
    # The squares cubed: (i^2)^3 for i = 1..5, in index order; every instance committed once.
    assert w.result(session) == [1, 64, 729, 4096, 15625]
    assert set(w.commits(session).values()) == {1} and len(w.commits(session)) == 1 + 5 + 5 + 1


def test_parallel_retry_then_catch_reports_once_per_attempt(world):
    """Both branches fail in each attempt: the first failure claims the attempt's decision, so the fanning-out
    function gets one report per attempt (a retry, then the catch), and the handler runs once."""
    import threading
    lock = threading.Lock()
    runs = []

    def failing(name):
        def run(x, ctx):
            with lock:
                runs.append('%s%d' % (name, ctx.fanouts[-1].attempt))
            raise type('BranchFailed', (Exception,), {})('%s failed' % name)
        return run

    w = world('parallel-retry-catch').deploy({
        'Start': lambda x, ctx: x,
        'Left': failing('L'),
        'Right': failing('R'),
        'Handler': lambda x, ctx: x,
    })
    session = w.run({'k': 1})
    result = w.result(session)
    assert result['k'] == 1 and result['error']['Error'] == 'BranchFailed'
    assert sorted(runs) == ['L0', 'L1', 'R0', 'R1']
    # The session's start, then one failure report per attempt.
    assert w.invocations['fn-Start'] == 3
    assert w.invocations['fn-Handler'] == 1
def _s3_envelope(w, session, node, key):
    return {'unum': 1, 'workflow': 'chain', 'session': session, 'node': node, 'frames': [], 'iteration': 0,
            'input': {'s3': {'bucket': w.bucket, 'key': key}}}


def test_a_start_input_that_cannot_be_read_fails_the_session_with_unum_invalid_input(world):
    w = world('chain').deploy({'A': lambda x, ctx: x, 'B': lambda x, ctx: x, 'C': lambda x, ctx: x})
    # The session record is created failed; the user code never runs.
    w.send('A', _s3_envelope(w, 'unreadable-start', 'A', start_object_key({'workflow': 'chain', 'session': 'unreadable-start'})))
    item = w.session_item('unreadable-start')
    assert item[SESSION_ATTR['STATUS']]['S'] == 'FAILED' and item[SESSION_ATTR['ERROR']]['S'] == 'Unum.InvalidInput'
    assert item[SESSION_ATTR['CAUSE']]['S'].startswith('cannot read the input: ')
    assert w.runs == {}
