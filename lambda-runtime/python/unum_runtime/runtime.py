"""
The orchestration runtime of one workflow function: ingress, checkpoint,
user code with retry and catch, commit, egress. A port of
lambda-runtime/runtime.ts making the same store requests in the same order.
"""
from __future__ import annotations

import dataclasses
import json
import os
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor, TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional, Union

from .callback import PARKED, arm_callback, cancel_callback, park_callback, resume_callback
from .context import FanOutPosition, UnumContext
from .egress import Egress, InlineInvocation, Payload, Scope
from .fanout_failure import report_fanout_failure
from .faults import FaultHook
from .flow import log_sleep, now_ms, skipped_ms, sleep_ms
from .gc import track_garbage
from .log import Logger, invocation_fields, json_logger, with_fields
from .metrics import Metrics
from .protocol import (
    ENVELOPE_VERSION, ERROR_QUERY_EVALUATION, ERROR_TIMEOUT, FANOUT_BATCH, ITEM_VALUE_LIMIT, SESSION_ATTR, TRACE_ENV, VARIABLES_ATTR,
    DataFlowError, EnvelopeError,
    account_of_function_arn, checkpoint_item_key, context_object, context_reads, effective_input, is_jsonata_flow, jsonata_input, jsonata_output,
    session_item_key, instance_key, is_past_deadline, js_dumps, js_loads, looks_like_envelope, parse_envelope,
    payload_object_key, sampled_trace_id, state_output, workflow_deadline, write_path, USER_CODE_TIMEOUT_MARGIN_MS,
)
from .protocol import js
from .protocol.deadline import iso_time
from .retry import error_cause, error_name, find_catch, retry_delay_ms, retry_wait
from .schedule import schedule_long_retry
from .session import (
    FailureRecord, RedrivePoint, SessionTimedOut, create_session, iso_now, fail_session, session_deadline, succeed_session, time_out_session,
)
from .sqs import is_sqs_batch, start_sqs_batch
from .store import Item, Store, fan_in_of

UserHandler = Callable[[Any, UnumContext], Any]

# Errors every retry would meet again (the Node runtime's list): the session fails at once.
PERMANENT_ERRORS = frozenset({
    'Unum.InvalidOutput', 'Unum.NoBucket', 'NoSuchBucket', 'ResourceNotFoundException', 'ValidationException',
    'RequestEntityTooLargeException', 'InvalidRequestContentException',
})

_HINTS = {
    'Unum.InvalidOutput': 'return plain JSON values (dicts, lists, strings, numbers, booleans, None)',
    'Unum.NoBucket': "give the workflow a store with a bucket, or keep the node's output below the payload threshold",
    'NoSuchBucket': "the store's bucket does not exist: create it or point the workflow at a store whose bucket exists",
    'ResourceNotFoundException': 'a successor function or the store table does not exist: deploy the whole workflow',
}


class UserCodeTimeout(Exception):
    name = ERROR_TIMEOUT

    def __init__(self, ms: float):
        super().__init__(f"user code did not finish within {int(ms)} ms (the invocation's remaining time)")


class _DataFlowFailed:
    """Marks a data-flow failure (already recorded on the session)."""


_FAILED = _DataFlowFailed()
# An input that cannot be read (already recorded on the session): the input itself may be None.
_NO_INPUT = object()
# The user code's input is not selected yet (or again, for a retry that reads the context object).
_NOT_SELECTED = object()


@dataclass
class Invocation:
    envelope: Dict[str, Any]
    instance: str
    info: Dict[str, str]
    lambda_context: Optional[Any]
    logger: Logger
    # What this invocation did, written as one EMF line when it ends.
    metrics: Metrics
    # The entry's own instance run after the start states, in the invocation that ran them.
    after_start: bool = False
    # ISO 8601: when this invocation started ($$.State.EnteredTime).
    entered_time: str = ''
    # The clock's skipped time when this invocation started: skipped time uses up its remaining time too.
    skipped_at_start: float = 0
    # The session's start time and input, read once, only for $$.Execution.Input / StartTime.
    session_facts: Optional[Dict[str, Any]] = None


@dataclass
class RuntimeOptions:
    config: Mapping[str, Any]
    # The user function, or a loader called once, on first use (cold start stays cheap for duplicates).
    user_handler: Union[UserHandler, Callable[[], UserHandler]]
    dynamodb: Any
    # A client, or a factory called on first use (S3 is needed only for spilled payloads).
    s3: Any
    lambda_client: Any
    table: str
    bucket: Optional[str] = None
    ttl_seconds: Optional[int] = None
    payload_threshold: Optional[int] = None
    eager_gc: bool = False
    faults: Optional[FaultHook] = None
    logger: Optional[Logger] = None
    function_name: Optional[str] = None
    invoke_concurrency: Optional[int] = None
    fanout_batch: Optional[int] = None
    # True when `user_handler` is a loader (entry passes one; tests pass the function).
    lazy_handler: bool = False
    # For long Waits only: a boto3 scheduler client, or a factory called on first use.
    scheduler: Any = None
    # Where Waits longer than LONG_WAIT_THRESHOLD_MS are scheduled ({'group', 'roleArn'}); None: they continue in re-invocations.
    schedule: Optional[Mapping[str, str]] = None


class Runtime:
    def __init__(self, options: RuntimeOptions):
        self.options = options
        self.config = options.config
        self.store = Store(options.dynamodb, options.s3, options.table, options.bucket, options.ttl_seconds)
        self.payload_threshold = options.payload_threshold if options.payload_threshold is not None else 256 * 1024
        self.logger = options.logger or json_logger({'workflow': self.config['workflow'], 'node': self.config['node']})
        self.eager_gc = options.eager_gc
        self.invoke_concurrency = options.invoke_concurrency
        self.fanout_batch = options.fanout_batch or FANOUT_BATCH
        self._handler: Optional[UserHandler] = None if options.lazy_handler else options.user_handler  # type: ignore[assignment]
        self._handler_lock = threading.Lock()

    def fault(self, step: str, inv: Invocation) -> None:
        if self.options.faults is not None:
            self.options.faults(step, inv.info)

    def handle(self, event: Any, lambda_context: Optional[Any] = None) -> Any:
        if self.config['entry'] and is_sqs_batch(event):
            return start_sqs_batch(event, self.config['workflow'], self.logger,
                                   lambda session, value: self._run(self._start_envelope(session, value), lambda_context))
        envelope = self._ingress(event, lambda_context)
        if envelope is None:
            metrics = Metrics(self.config['workflow'], self.config['node'])
            metrics.count('INVOCATIONS')
            metrics.flush()
            return {'error': 'invalid envelope (logged, nothing changed)'}
        return self._run(envelope, lambda_context)

    def _run(self, envelope: Dict[str, Any], lambda_context: Optional[Any], after_start: bool = False) -> Any:
        envelope = self._with_deadline(envelope)
        instance = instance_key(envelope['node'], envelope['frames'], envelope['iteration'])
        fields = {'session': envelope['session'], 'instance': instance, **invocation_fields(_request_id(lambda_context))}
        inv = Invocation(
            envelope=envelope, instance=instance, info={'node': envelope['node'], 'session': envelope['session'], 'instance': instance},
            lambda_context=lambda_context, logger=with_fields(self.logger, fields),
            metrics=Metrics(self.config['workflow'], self.config['node'], {'session': envelope['session'], 'instance': instance}),
            after_start=after_start,
            entered_time=iso_now(now_ms()),
            skipped_at_start=skipped_ms(),
        )
        inv.metrics.count('INVOCATIONS')
        try:
            self.fault('after-ingress', inv)
            if self.past_deadline(envelope):
                self.time_out(inv)
                return {'session': envelope['session'], 'instance': instance, 'status': 'timed out'}
            return self._process(inv)
        except Exception as e:
            if error_name(e) not in PERMANENT_ERRORS:
                # Lambda logs the error too, but not which session and instance it belongs to.
                inv.logger.error('the invocation failed; Lambda retries the event', {'error': error_name(e), 'cause': error_cause(e)})
                raise
            # Lambda's retries would fail the same way (and re-run the user code): the session ends here.
            is_start = bool(self.config['entry']) and not envelope['frames'] and envelope['iteration'] == 0
            failure = FailureRecord(node=envelope['node'], instance=instance, error=error_name(e), cause=_permanent_cause(envelope['node'], e))
            inv.logger.error('the invocation cannot succeed; the session fails, no retry', {'error': failure.error, 'cause': failure.cause})
            self.fail_session(inv, failure, is_start)
            return {'session': envelope['session'], 'instance': instance, 'status': 'failed'}
        finally:
            # Also when the invocation raises (Lambda retries it): what it did until then happened.
            inv.metrics.flush()

    def fail_session(self, inv: Invocation, failure: FailureRecord, create: bool = False) -> None:
        """Records the failure on the session; counts the session failed (and started) when this write ended (and created) it."""
        outcome = fail_session(self.store, inv.envelope, dataclasses.replace(failure, redrive=self.redrive_point(inv)), create)
        if outcome.created:
            inv.metrics.session_started()
        if outcome.ended is not None:
            inv.metrics.session_failed(outcome.ended)

    def redrive_point(self, inv: Invocation) -> Optional[RedrivePoint]:
        """Where a redrive resumes this invocation: its envelope, re-invoked by the name its predecessors use."""
        try:
            return RedrivePoint(envelope=inv.envelope, function_name=self.own_name(inv, 'record where a redrive resumes'))
        except Exception:  # noqa: BLE001  the name is unknown: the failure is still recorded
            return None

    def fail_in_scope(self, inv: Invocation, failure: FailureRecord, frames, own_failure: bool = False) -> None:
        """A final failure in the scope `frames`: the innermost enclosing Parallel or Map that handles failures gets it
        (its origin decides: retry, catch, fail), else the session fails. `own_failure`: the fan-out's own evaluation failed."""
        report = report_fanout_failure(self.store, inv.envelope, frames, failure.instance, failure.error, failure.cause or '',
                                       self.redrive_point(inv), own_failure)
        kind = report['kind']
        if kind == 'none':
            return self.fail_session(inv, failure)
        if kind == 'invalid':
            return self.fail_session(inv, dataclasses.replace(
                failure, error='Unum.InvalidConfig', cause=f"{report['why']}; after {failure.error}: {failure.cause or ''}"))
        if kind == 'absorbed':
            inv.logger.info(f"the failure is not reported: {report['why']}", {'error': failure.error})
            return None
        f = report['envelope']['fanoutFailure']
        inv.logger.warn('the failure goes to the enclosing ' + ('fan-out' if f.get('item') is None else 'map (tolerated)'),
                        {'error': f['error'], 'fanout': f['instance'], 'functionName': report['functionName']})
        self.invoke(report['functionName'], report['envelope'])
        return None

    def succeed_session(self, inv: Invocation, result: Item) -> None:
        """Ends the session SUCCEEDED; counted only by the write that ended it (not a duplicate's)."""
        ended = succeed_session(self.store, inv.envelope, result)
        if ended is not None:
            inv.metrics.session_succeeded(ended)

    def encode_value(self, inv: Invocation, value: Any, prefix: str, spill_key: str, limit: int = ITEM_VALUE_LIMIT) -> Item:
        """Store.encode_value, counting a value written to S3 as a spilled payload."""
        attrs = self.store.encode_value(value, prefix, spill_key, limit)
        if f'{prefix}s3' in attrs:
            inv.metrics.count('PAYLOADS_SPILLED')
        return attrs

    def _process(self, inv: Invocation) -> Any:
        if self._runs_start_states(inv):
            return self._run_start_states(inv)
        envelope, instance = inv.envelope, inv.instance
        # Checkpoint first: a retry or duplicate skips the user code and the input.
        existing = self.store.get(checkpoint_item_key(envelope, instance))
        self.fault('after-checkpoint-read', inv)
        # A callback resume (a timeout check firing after the answer, a second resume) after the answer's own resume
        # committed: that invocation, and Lambda's retries of it, run the egress.
        if existing is not None and envelope.get('callback') is True:
            inv.metrics.count('DUPLICATE_DELIVERIES')
            return {'session': envelope['session'], 'instance': instance, 'status': 'duplicate'}
        if existing is None:
            committed = self._execute(inv)
            if committed is None:
                return {'session': envelope['session'], 'instance': instance, 'status': 'not committed'}
            item, mine, value = committed
            # Another delivery wrote the checkpoint while this one ran: that one (and Lambda's retries of it) runs the egress.
            if not mine:
                inv.metrics.count('DUPLICATE_DELIVERIES')
                return {'session': envelope['session'], 'instance': instance, 'status': 'duplicate'}
        else:
            item, mine, value = existing, False, None
            # Continuations (of Waits, of fan-outs) find their own checkpoint: they are no duplicates.
            if (envelope.get('waits') is None and envelope.get('fanouts') is None and envelope.get('issue') is None
                    and envelope.get('fanoutFailure') is None):
                inv.metrics.count('DUPLICATE_DELIVERIES')
        caught = None if 'c' not in item else int(item['c']['N'])
        action = self.config['next'] if caught is None else self.config['catch'][caught]['next']
        fan_in = fan_in_of(item)
        if fan_in is not None:
            output = Payload(fan_in=fan_in)
        else:
            output = Payload(value=value if mine else self.store.decode_value(envelope, item), s3_key=item.get('s3', {}).get('S'))
        assigned = item.get(VARIABLES_ATTR, {}).get('S')
        variables = js_loads(assigned) if assigned is not None else envelope.get('variables')
        scope = Scope(envelope['frames'], envelope['iteration'], variables)
        Egress(self, inv, existing is not None).run(action, output, scope, self.config['node'])
        return {'session': envelope['session'], 'instance': instance}

    def _runs_start_states(self, inv: Invocation) -> bool:
        """Whether this invocation runs the start states (config start): a session's start, or a
        continuation of the start states (a Wait, a fan-out), which names their first state."""
        start = self.config.get('start')
        if start is None or inv.after_start:
            return False
        e = inv.envelope
        return e['node'] == start['node'] or (self._is_start(e) and e.get('waits') is None and e.get('fanouts') is None)

    def _run_start_states(self, received: Invocation) -> Any:
        """
        Runs the start states on the session input, checkpointed as their output first (a retry or
        continuation replays them like any egress). The first invocation of this function they lead
        to runs here, after them: a start costs no invocation of its own unless the states lead
        elsewhere only (a Choice that routes to another function).
        """
        start = self.config['start']
        instance = instance_key(start['node'], [], 0)
        inv = dataclasses.replace(received, envelope={**received.envelope, 'node': start['node']}, instance=instance,
                                  info={**received.info, 'node': start['node'], 'instance': instance})
        envelope = inv.envelope
        key = checkpoint_item_key(envelope, instance)
        existing = self.store.get(key)
        item, value, mine = existing, None, False
        if existing is None:
            value = self._read_input(inv, True)
            if value is _NO_INPUT:
                return {'session': envelope['session'], 'instance': instance, 'status': 'failed'}
            self._start_session(inv, value)
            attrs = self.encode_value(inv, value, '', payload_object_key(envelope, instance, 'output'), min(self.payload_threshold, ITEM_VALUE_LIMIT))
            if self.eager_gc:
                track_garbage(self.store, envelope, f'C|{instance}')
                if 's3' in attrs:
                    track_garbage(self.store, envelope, f"O|{attrs['s3']['S']}")
            created, winner = self.store.put_if_absent(key, attrs)
            item, mine = (attrs, True) if created else (winner if winner is not None else self.store.get(key), False)
        if not mine:
            value = self.store.decode_value(envelope, item)
        inline = InlineInvocation(self.config['node'])
        egress = Egress(self, inv, existing is not None, inline=inline)
        egress.run(start['next'], Payload(value=value, s3_key=item.get('s3', {}).get('S')), Scope([], 0), None)
        if inline.envelope is None:
            return {'session': envelope['session'], 'instance': instance}
        return self._run(inline.envelope, inv.lambda_context, True)

    def _start_session(self, inv: Invocation, raw: Any) -> None:
        """Creates the session record with its input (and trace id); a retried start finds it and changes nothing."""
        envelope, instance = inv.envelope, inv.instance
        if 's3' in envelope['input']:
            input_attrs: Item = {f"{SESSION_ATTR['INPUT_PREFIX']}s3": {'S': envelope['input']['s3']['key']}}
        else:
            input_attrs = self.encode_value(inv, raw, SESSION_ATTR['INPUT_PREFIX'], payload_object_key(envelope, instance, 'input'))
        trace_id = sampled_trace_id(os.environ.get(TRACE_ENV))
        traced = {SESSION_ATTR['TRACE']: {'S': trace_id}} if trace_id else {}
        if create_session(self.store, envelope, {**input_attrs, **traced}, envelope.get('deadline')):
            inv.metrics.session_started()
        self.fault('after-session-create', inv)

    def _ingress(self, event: Any, lambda_context: Optional[Any]) -> Optional[Dict[str, Any]]:
        """
        Validates the event. An invalid one changes nothing in the store (it
        may name any session, or none): it is logged, counted, and dropped
        without an error, so Lambda does not retry it.
        """
        workflow, node = self.config['workflow'], self.config['node']
        if not looks_like_envelope(event):
            if self.config['entry']:
                # Lambda keeps the request id across retries of an async event, so a retried start is one session.
                return self._start_envelope(getattr(lambda_context, 'aws_request_id', None) or str(uuid.uuid4()), event)
            self._reject_event(f"node '{node}' is not the workflow's entry: it accepts only unum envelopes (got an event without 'unum')",
                               lambda_context)
            return None
        try:
            # A continuation of the start states names their first state.
            start = (self.config.get('start') or {}).get('node')
            addressed = start if start is not None and isinstance(event, dict) and event.get('node') == start else node
            envelope = parse_envelope(event, {'workflow': workflow, 'node': addressed, 'bucket': self.store.bucket, 'now': now_ms()})
            if envelope.get('stored') is None:
                return envelope
            # A long Wait's schedule could not carry the envelope (Scheduler's Input limit): it passed the stored one's key.
            stored = js_loads(self.store.get_object(self.store.bucket, envelope['stored']))
            if isinstance(stored, dict) and stored.get('stored') is not None:
                raise EnvelopeError(f"node '{node}': invalid envelope: a stored envelope names another")
            return parse_envelope(stored, {'workflow': workflow, 'node': addressed, 'bucket': self.store.bucket, 'now': now_ms()})
        except EnvelopeError as e:
            session = event.get('session') if isinstance(event, dict) else None
            self._reject_event(str(e), lambda_context, session[:128] if isinstance(session, str) else None)
            return None

    def _start_envelope(self, session: str, value: Any) -> Dict[str, Any]:
        """The envelope of a session the entry starts with a plain event as its input."""
        return {'unum': ENVELOPE_VERSION, 'workflow': self.config['workflow'], 'session': session, 'node': self.config['node'],
                'frames': [], 'iteration': 0, 'input': {'value': value}}

    def _is_start(self, envelope: Mapping[str, Any]) -> bool:
        """The session's first invocation (not a retry handed over by it)."""
        return bool(self.config['entry']) and not envelope['frames'] and envelope['iteration'] == 0 and not envelope.get('attempt')

    def _with_deadline(self, envelope: Dict[str, Any]) -> Dict[str, Any]:
        """
        A start of a workflow with a timeout gets the session's deadline: the
        one recorded when the session exists (a retried start keeps its first
        deadline), else now plus the timeout. Every later envelope copies it.
        """
        seconds = self.config.get('timeoutSeconds')
        if seconds is None or envelope.get('deadline') is not None or not self._is_start(envelope):
            return envelope
        deadline = session_deadline(self.store, envelope)
        return {**envelope, 'deadline': deadline if deadline is not None else workflow_deadline(now_ms(), seconds)}

    def past_deadline(self, envelope: Mapping[str, Any]) -> bool:
        return is_past_deadline(envelope.get('deadline'), now_ms())

    def time_out(self, inv: Invocation) -> None:
        """The one place this runtime records a session TIMED_OUT (the deadline has passed; nothing more is invoked)."""
        envelope = inv.envelope
        ended = time_out_session(self.store, envelope, envelope['node'], inv.instance, envelope['deadline'], self.redrive_point(inv))
        if ended is not None:
            inv.metrics.session_timed_out(ended)
            inv.logger.error('the session ran past its timeout: recorded TIMED_OUT, no successor invoked', {
                'error': ERROR_TIMEOUT, 'deadline': iso_time(envelope['deadline'])})
        else:
            inv.logger.info('past the session deadline: nothing invoked (the session had ended already)', {'deadline': envelope['deadline']})

    def _reject_event(self, message: str, lambda_context: Optional[Any], session: Optional[str] = None) -> None:
        """One structured line per rejected event: `invalidEnvelopes` is the count a metric filter sums."""
        fields: Dict[str, Any] = {'error': 'Unum.InvalidEnvelope', 'invalidEnvelopes': 1}
        if session is not None:
            fields['claimedSession'] = session
        fields.update(invocation_fields(_request_id(lambda_context)))
        self.logger.error(message, fields)

    def _execute(self, inv: Invocation):
        """
        Runs the user code (with retries) and commits the checkpoint. Returns
        (item, written by this invocation, value), or None when the instance
        ended without one (failure recorded, or retry re-invoked).
        """
        envelope, instance = inv.envelope, inv.instance
        # With start states, those created the session.
        is_start = self._is_start(envelope) and self.config.get('start') is None
        raw = self._read_input(inv, is_start)
        if raw is _NO_INPUT:
            return None
        if is_start:
            self._start_session(inv, raw)

        flow = self.config.get('dataFlow')
        jsonata = is_jsonata_flow(flow)
        variables = envelope.get('variables')
        # JSONata's Arguments stand where Parameters do.
        parameters = js.prop(flow, 'arguments' if jsonata else 'parameters') if flow is not None else js.UNDEFINED
        attempt = envelope.get('attempt') or 0
        input_path = None if jsonata or flow is None else js.prop(flow, 'inputPath')
        input_reads = context_reads([parameters], [input_path])

        def select_input(task_token: Optional[str] = None):
            # Step Functions' InputPath and Parameters select what the user code sees (again per retry when they read $$.State.RetryCount).
            context = self.context_object(inv, envelope['node'], attempt, input_reads, task_token=task_token)
            if jsonata:
                # A failing Arguments is an error of the state (its Retry and Catch apply); a JSONPath data-flow error fails the session.
                return self._apply_data_flow(inv, lambda: jsonata_input(flow, raw, context, variables), state_error=True)
            return self._apply_data_flow(inv, lambda: effective_input(flow, raw, context))

        # A callback node selects its input per attempt, with that attempt's token (_callback_task).
        callback = self.config.get('callback') is not None
        # A resume after a claimed token: its first turn reads the answer instead of running the user code.
        resuming = callback and envelope.get('callback') is True
        user_input = _NOT_SELECTED
        # A retry handed over by the invocation whose attempt failed: not before its deadline.
        if envelope.get('notBefore') is not None and not self._await_retry(inv, attempt, envelope['notBefore']):
            return None
        caught = None
        assigned = None
        while True:
            if self.past_deadline(envelope):
                self.time_out(inv)
                return None
            # Outside the user code only a States.QueryEvaluationError is the state's: a store error there stays the invocation's.
            evaluating = not callback
            try:
                if callback:
                    resumed, resuming = resuming, False
                    done = self._callback_task(inv, attempt, resumed, select_input)
                    if done is PARKED or done is _FAILED:
                        return None
                    output = done['output']
                else:
                    if user_input is _NOT_SELECTED:
                        user_input = select_input()
                    if user_input is _FAILED:
                        return None
                    evaluating = False
                    output = self._run_user(user_input, inv, attempt)
                evaluating = True
                if jsonata:
                    # Output and Assign are part of the attempt: their States.QueryEvaluationError is retried and caught like the user code's errors.
                    out = self._jsonata_result(inv, flow, raw, output, attempt, variables)
                    if out is _FAILED:
                        return None
                    output = out['output']
                    assigned = out.get('variables')
                break
            except Exception as e:  # user code: any error goes through retry and catch
                if isinstance(e, SessionTimedOut) or self.past_deadline(envelope):
                    self.time_out(inv)
                    return None
                evaluation = isinstance(e, DataFlowError)
                if evaluating and not evaluation:
                    raise
                what = 'JSONata evaluation' if evaluation else 'user code'
                if not evaluation:
                    inv.metrics.count('USER_ERRORS')
                name = error_name(e)
                delay = retry_delay_ms(self.config['retry'], name, attempt)
                if delay is not None:
                    inv.metrics.count('RETRIES')
                    attempt += 1
                    # An interval past the session's deadline ends at it, where the next turn of the loop times the session out.
                    not_before = min(now_ms() + delay, float('inf') if envelope.get('deadline') is None else envelope['deadline'])
                    inv.logger.warn('%s failed; retrying' % what, {
                        'error': name, 'cause': error_cause(e), 'attempt': attempt, 'delayMs': delay, 'notBefore': not_before})
                    if not self._await_retry(inv, attempt, not_before):
                        return None
                    if input_reads['context']:
                        user_input = _NOT_SELECTED
                    continue
                c = find_catch(self.config['catch'], name)
                if c < 0:
                    inv.logger.error('%s failed; no retry or catch left' % what, {'error': name, 'cause': error_cause(e)})
                    self.fail_in_scope(inv, FailureRecord(node=envelope['node'], instance=instance, error=name, cause=error_cause(e)),
                                       envelope['frames'])
                    return None
                error_output = {'Error': name, 'Cause': error_cause(e)}
                catcher = self.config['catch'][c].get('jsonata')
                if catcher is None:
                    output = write_path(raw, self.config['catch'][c]['resultPath'], error_output)
                else:
                    # The catcher's own Output and Assign: a failure there fails the session (it is not caught again).
                    context = self.context_object(inv, envelope['node'], attempt, context_reads([catcher.get('output'), catcher.get('assign')], []))
                    out = self._apply_data_flow(inv, lambda: jsonata_output(
                        catcher, {'input': raw, 'errorOutput': error_output, 'context': context}, variables))
                    if out is _FAILED:
                        return None
                    output = out['output']
                    if catcher.get('assign') is not None:
                        assigned = out['variables']
                caught = c
                break
        if not jsonata and flow is not None and caught is None:
            # ResultSelector, ResultPath (into the raw input), OutputPath.
            result = output
            context = self.context_object(inv, envelope['node'], attempt, context_reads([js.prop(flow, 'resultSelector')], [js.prop(flow, 'outputPath')]))
            # Lambda sets the version it runs (an alias's resolved version), which is lambda:invoke's ExecutedVersion.
            version = os.environ.get('AWS_LAMBDA_FUNCTION_VERSION', '$LATEST')
            output = self._apply_data_flow(inv, lambda: state_output(flow, raw, result, version, context))
            if output is _FAILED:
                return None
        self.fault('after-user-code', inv)

        attrs = self.encode_value(inv, output, '', payload_object_key(envelope, instance, 'output'),
                                  min(self.payload_threshold, ITEM_VALUE_LIMIT))
        if caught is not None:
            attrs['c'] = {'N': str(caught)}
        # The variables this state assigned are committed with its output, so a replay of its egress hands on the same ones.
        if assigned is not None:
            attrs[VARIABLES_ATTR] = {'S': js_dumps(assigned)}
        if self.eager_gc:
            track_garbage(self.store, envelope, f'C|{instance}')
            if 's3' in attrs:
                track_garbage(self.store, envelope, f"O|{attrs['s3']['S']}")
        key = checkpoint_item_key(envelope, instance)
        created, winner = self.store.put_if_absent(key, attrs)
        self.fault('after-checkpoint-write', inv)
        # The loser of a race continues with the winner's output, so downstream sees one output.
        if created:
            return attrs, True, output
        return (winner if winner is not None else self.store.get(key)), False, None

    def _callback_task(self, inv: Invocation, attempt: int, resumed: bool, select_input: Callable[[str], Any]) -> Any:
        """
        One attempt of a callback node (lambda-runtime/runtime.ts callbackTask): the answer when resuming, else park
        (the item with this attempt's token), run the user code with the token, and end with nothing committed. A user
        error cancels the token and goes to Retry and Catch like any other, unless the token was answered first (that
        answer's resume continues the task).
        """
        if resumed:
            return resume_callback(self, inv, attempt)
        parked = park_callback(self, inv, attempt)
        if parked is PARKED:
            return PARKED
        try:
            user_input = select_input(parked.token)
        except Exception:
            # A States.QueryEvaluationError of the Arguments: no user code saw the token, so it is cancelled before the Retry or Catch.
            if not cancel_callback(self, inv, attempt):
                return PARKED
            raise
        if user_input is _FAILED:
            cancel_callback(self, inv, attempt)
            return _FAILED
        try:
            self._run_user(user_input, inv, attempt, parked.token)
        except Exception:
            if not cancel_callback(self, inv, attempt):
                return PARKED
            raise
        arm_callback(self, inv, parked.resume, parked.started, parked.heartbeat)
        inv.logger.info('parked: the task waits for its token to be answered; nothing runs until then', attempt=attempt)
        return PARKED

    def context_object(self, inv: Invocation, state: str, attempt: int, reads: Dict[str, bool],
                       map_item: Optional[Dict[str, Any]] = None, task_token: Optional[str] = None) -> Any:
        """
        The context object ($$) of `state`, or UNDEFINED when the state's templates and paths do not
        read it (`reads`, from context_reads), so a workflow without $$ pays nothing. The session record is read, once per invocation, only for
        $$.Execution.Input / StartTime: the input may be large, so the envelope does not carry it.
        """
        if not reads['context']:
            return js.UNDEFINED
        facts: Dict[str, Any] = {
            'workflow': inv.envelope['workflow'], 'session': inv.envelope['session'], 'state': state,
            'enteredTime': inv.entered_time, 'attempt': attempt, 'region': os.environ.get('AWS_REGION'),
            'account': account_of_function_arn(getattr(inv.lambda_context, 'invoked_function_arn', None)),
        }
        if reads['sessionRecord']:
            facts.update(self._session_facts(inv))
        if map_item is not None:
            facts['mapItem'] = map_item
        if task_token is not None:
            facts['taskToken'] = task_token
        return context_object(facts)

    def _session_facts(self, inv: Invocation) -> Dict[str, Any]:
        """The session's start time, input and redrive count, from one consistent read of its record."""
        if inv.session_facts is None:
            item = self.store.get(session_item_key(inv.envelope))
            facts: Dict[str, Any] = {}
            if item is not None:
                start = item.get(SESSION_ATTR['START'], {}).get('S')
                if start is not None:
                    facts['startTime'] = start
                facts['input'] = self.store.decode_value(inv.envelope, item, SESSION_ATTR['INPUT_PREFIX'])
                facts['redriveCount'] = int(item.get(SESSION_ATTR['REDRIVE_COUNT'], {}).get('N', '0'))
            inv.session_facts = facts
        return inv.session_facts

    def _jsonata_result(self, inv: Invocation, flow: Dict[str, Any], raw: Any, output: Any, attempt: int, variables: Any) -> Any:
        """JSONata: Output (default: the result) and Assign on $states.input and $states.result (the lambda:invoke
        response when asked); the variables only when the state assigns some."""
        version = os.environ.get('AWS_LAMBDA_FUNCTION_VERSION', '$LATEST')
        result = state_output({'lambdaResponse': True}, raw, output, version) if flow.get('lambdaResponse') is True else output
        context = self.context_object(inv, inv.envelope['node'], attempt, context_reads([flow.get('output'), flow.get('assign')], []))
        out = self._apply_data_flow(inv, lambda: jsonata_output(flow, {'input': raw, 'result': result, 'context': context}, variables),
                                    state_error=True)
        if out is _FAILED:
            return _FAILED
        return {'output': out['output'], 'variables': out['variables']} if flow.get('assign') is not None else {'output': out['output']}

    def _apply_data_flow(self, inv: Invocation, apply: Callable[[], Any], state_error: bool = False) -> Any:
        """A path that does not fit the value fails the session, like Step Functions (not retried, not caught).
        `state_error`: a States.QueryEvaluationError is raised on, to the state's Retry and Catch, as in Step Functions."""
        try:
            return apply()
        except DataFlowError as e:
            if state_error and e.name == ERROR_QUERY_EVALUATION:
                raise
            inv.logger.error('input/output processing failed', {'error': e.name, 'cause': str(e)})
            self.fail_in_scope(inv, FailureRecord(node=inv.envelope['node'], instance=inv.instance, error=e.name, cause=str(e)),
                               inv.envelope['frames'])
            return _FAILED

    def _read_input(self, inv: Invocation, is_start: bool) -> Any:
        """The instance's input; _NO_INPUT when it cannot be read (a missing S3 object or JSON that does
        not parse), after failing the session (`is_start`: the session record is created failed)."""
        envelope = inv.envelope
        try:
            return self._resolve_input(envelope, envelope['input'])
        except Exception as e:
            if error_name(e) != 'NoSuchKey' and not isinstance(e, json.JSONDecodeError):
                raise
            self.fail_session(inv, FailureRecord(
                node=envelope['node'], instance=inv.instance, error='Unum.InvalidInput', cause=f'cannot read the input: {error_cause(e)}'), is_start)
            return _NO_INPUT

    def _resolve_input(self, session: Mapping[str, Any], input_: Mapping[str, Any]) -> Any:
        if 'value' in input_:
            return input_['value']
        if 's3' in input_:
            return js_loads(self.store.get_object(input_['s3']['bucket'], input_['s3']['key']))
        return self.store.read_fan_in(session, input_['fanIn'])

    def _user_handler(self) -> UserHandler:
        with self._handler_lock:
            if self._handler is None:
                # A failed import is tried again by the next invocation.
                self._handler = self.options.user_handler()  # type: ignore[call-arg]
            return self._handler

    def _run_user(self, user_input: Any, inv: Invocation, attempt: int, task_token: Optional[str] = None) -> Any:
        handler = self._user_handler()
        envelope = inv.envelope
        frames = envelope['frames']
        inner = frames[-1] if frames else None
        context = UnumContext(
            workflow=envelope['workflow'],
            session=envelope['session'],
            node=envelope['node'],
            instance=inv.instance,
            fanouts=[FanOutPosition(fanout=f['fanout'], index=f['index'], size=f['size'], attempt=f.get('attempt') or 0) for f in frames],
            index=inner['index'] if inner else 0,
            size=inner['size'] if inner else 1,
            iteration=envelope['iteration'],
            attempt=attempt,
            logger=inv.logger,
            lambda_context=inv.lambda_context,
            task_token=task_token,
            _remaining=lambda: self.remaining(inv),
        )
        budget = self.remaining(inv) - USER_CODE_TIMEOUT_MARGIN_MS
        # The session's deadline stops the user code too (it keeps running detached, as after a Lambda timeout).
        until_deadline = float('inf') if envelope.get('deadline') is None else envelope['deadline'] - now_ms()
        started = now_ms()
        try:
            if budget == float('inf') and until_deadline == float('inf'):
                return handler(user_input, context)
            return self._run_with_budget(handler, user_input, context, budget, until_deadline)
        finally:
            inv.metrics.user_code_duration(now_ms() - started)

    @staticmethod
    def _run_with_budget(handler: UserHandler, user_input: Any, context: UnumContext, budget: float, until_deadline: float) -> Any:
        wait = max(0.0, min(budget, until_deadline))
        # The user code keeps running in its thread after a timeout, as a Node promise does; the invocation moves on.
        pool = ThreadPoolExecutor(max_workers=1)
        try:
            return pool.submit(handler, user_input, context).result(timeout=wait / 1000)
        except FutureTimeout:
            raise (SessionTimedOut() if until_deadline < budget else UserCodeTimeout(wait)) from None
        finally:
            pool.shutdown(wait=False)

    def remaining(self, inv: Invocation) -> float:
        get = getattr(inv.lambda_context, 'get_remaining_time_in_millis', None)
        if get is None:
            return float('inf')
        value = get()
        return float('inf') if value is None else value - (skipped_ms() - inv.skipped_at_start)

    def scheduler_client(self) -> Any:
        if self.options.scheduler is None:
            raise RuntimeError('cannot schedule a long Wait: the runtime has no Scheduler client')
        if callable(self.options.scheduler) and not hasattr(self.options.scheduler, 'create_schedule'):
            self.options.scheduler = self.options.scheduler()
        return self.options.scheduler

    def own_name(self, inv: Invocation, why: str) -> str:
        """
        The name this function re-invokes itself by: the one its predecessors
        use (`name:alias` from the configuration), so a continuation runs where
        the first invocation did and needs no other grant. The Lambda context's
        name is the unqualified function, right only without an alias.
        """
        name = (self.options.function_name or self.config.get('invokeName')
                or getattr(inv.lambda_context, 'function_name', None) or os.environ.get('AWS_LAMBDA_FUNCTION_NAME'))
        if not name:
            raise RuntimeError(f'cannot {why}: the function name is unknown')
        return name

    def _await_retry(self, inv: Invocation, attempt: int, not_before: float) -> bool:
        """
        Waits for a retry's deadline. True: the attempt runs in this
        invocation. False: the wait does not fit in the time left, so the same
        instance was re-invoked with the attempt counter and the deadline
        (envelope `notBefore`), which the fresh invocation waits out first.
        """
        if schedule_long_retry(self, inv, {**inv.envelope, 'attempt': attempt, 'notBefore': not_before}, not_before, str(attempt)):
            return False
        sleep, here = retry_wait(not_before, now_ms(), self.remaining(inv))
        log_sleep(inv.logger, 'RETRY', inv.info['node'], sleep, f"retry attempt {attempt}")
        sleep_ms(sleep)
        if here:
            return True
        name = self.own_name(inv, 're-invoke for a retry')
        inv.logger.info('retry interval does not fit in this invocation: re-invoked to wait for it',
                        {'attempt': attempt, 'notBefore': not_before, 'waitedMs': sleep, 'functionName': name})
        self.invoke(name, {**inv.envelope, 'attempt': attempt, 'notBefore': not_before})
        return False

    def invoke(self, function_name: str, envelope: Mapping[str, Any]) -> None:
        self.options.lambda_client.invoke(FunctionName=function_name, InvocationType='Event', Payload=js_dumps(envelope).encode('utf-8'))


def _request_id(lambda_context: Optional[Any]) -> Optional[str]:
    return getattr(lambda_context, 'aws_request_id', None)


def _permanent_cause(node: str, e: BaseException) -> str:
    hint = _HINTS.get(error_name(e))
    return f"node '{node}': {error_cause(e)}{f'; {hint}' if hint else ''}"


def create_runtime(options: RuntimeOptions) -> Callable[[Any, Optional[Any]], Any]:
    runtime = Runtime(options)
    return lambda event, lambda_context=None: runtime.handle(event, lambda_context)
