"""
The failure recorder, as the Node runtime's (lambda-runtime/recorder.ts):
Lambda sends it the event it gave up on; it records the session FAILED with
the node, the instance and the error, then forwards the record to the user's
own on-failure destination, if any, as Lambda would have sent it (forward.py). Checkpoints are never touched, and a session
that already ended is left as it is.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any, Dict, Mapping, Optional

from .forward import ForwardClients, forward_record
from .log import Logger, invocation_fields, json_logger, with_fields
from .metrics import Metrics
from .protocol import (
    ENV, RECORDER_ENV, EnvelopeError, checkpoint_item_key, instance_key, looks_like_envelope, parse_envelope,
)
from .session import FailureRecord, RedrivePoint, fail_session
from .store import Store


@dataclass
class RecorderOptions:
    store: Store
    clients: ForwardClients
    workflow: str
    # The entry function: a plain event it gave up on starts (and fails) the session its request id names.
    entry_function: str
    entry_node: str
    # Function name → the user's own on-failure destination ({kind, target, responseOnly}).
    forward: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    logger: Optional[Logger] = None


def _function_name_of(arn: str) -> str:
    parts = arn.split(':')
    return (parts[6] if len(parts) > 6 else arn) if arn.startswith('arn:') else parts[0]


def record_failure(record: Mapping[str, Any], o: RecorderOptions, request_id: Optional[str] = None) -> Dict[str, bool]:
    logger = with_fields(o.logger or json_logger({'workflow': o.workflow, 'recorder': True}), invocation_fields(request_id))
    ctx = record.get('requestContext') or {}
    function_name = _function_name_of(ctx.get('functionArn') or '')
    payload = record.get('requestPayload')
    target = None
    if looks_like_envelope(payload):
        try:
            e = parse_envelope(payload, {'workflow': o.workflow, 'node': str(payload.get('node'))})
            target = {
                'envelope': e,
                'session': e['session'], 'node': e['node'], 'instance': instance_key(e['node'], e['frames'], e['iteration']),
                'start': function_name == o.entry_function and not e['frames'] and e['iteration'] == 0,
            }
        except EnvelopeError as err:
            claimed = payload.get('session')
            logger.error(f'on-failure record of {function_name} holds an invalid envelope; nothing recorded', {
                'cause': str(err), **({'claimedSession': claimed[:128]} if isinstance(claimed, str) else {})})
    elif function_name == o.entry_function and ctx.get('requestId') is not None:
        # The runtime names a session started by a plain event after its request id, which Lambda keeps across retries.
        target = {'session': ctx['requestId'], 'node': o.entry_node, 'instance': instance_key(o.entry_node, [], 0), 'start': True}
    else:
        logger.error(f"on-failure record of {function_name or 'an unknown function'} names no session of this workflow; nothing recorded")
    recorded = False
    if target is not None:
        response = record.get('responsePayload') or {}
        condition = ctx.get('condition')
        error = response.get('errorType') or f"Lambda.{condition or 'RetriesExhausted'}"
        attempts = ctx.get('approximateInvokeCount') or 0
        ref = {'workflow': o.workflow, 'session': target['session']}
        committed = o.store.get(checkpoint_item_key(ref, target['instance'])) is not None
        cause = '; '.join([
            response.get('errorMessage') or f"the event was dropped ({condition or 'unknown condition'})",
            f"Lambda gave up after {attempts} attempt(s) ({condition or 'RetriesExhausted'})",
            *(['the instance had committed its output, which is kept; its successors may not all have been invoked'] if committed else []),
        ])
        # A redrive re-invokes the event Lambda gave up on, by the ARN Lambda named (its qualifier included).
        redrive = RedrivePoint(envelope=target['envelope'], function_name=ctx['functionArn']) if 'envelope' in target and ctx.get('functionArn') else None
        outcome = fail_session(o.store, ref, FailureRecord(node=target['node'], instance=target['instance'], error=error, cause=cause, redrive=redrive),
                               target['start'])
        recorded = outcome.recorded
        # The recorder is no node of the workflow: only the workflow's session counts.
        metrics = Metrics(o.workflow, None, {'session': target['session'], 'failedNode': target['node']})
        if outcome.created:
            metrics.session_started()
        if outcome.ended is not None:
            metrics.session_failed(outcome.ended)
        metrics.flush()
        logger.error('Lambda gave up on an invocation', {
            'session': target['session'], 'node': target['node'], 'instance': target['instance'], 'error': error, 'recorded': recorded})
    forward = o.forward.get(function_name)
    if forward is not None:
        # Lambda allows one on-failure destination per function: the user's own gets the record from here, unchanged.
        forward_record(record, forward, o.clients)
    return {'recorded': recorded}


_options: Optional[RecorderOptions] = None


def recorder(event: Mapping[str, Any], context: Any = None) -> Dict[str, bool]:
    """The recorder's Lambda entry (`unum_runtime.recorder.recorder`), configured by its environment."""
    global _options
    if _options is None:
        _options = _recorder_options(os.environ)
    return record_failure(event, _options, getattr(context, 'aws_request_id', None))


def _recorder_options(env: Mapping[str, str]) -> RecorderOptions:
    import boto3
    from .entry import client_config, region
    table = env.get(ENV['TABLE'])
    if not table:
        raise RuntimeError(f"{ENV['TABLE']} is not set: the failure recorder is not wired to an intermediary store")
    return RecorderOptions(
        store=Store(boto3.client('dynamodb', region_name=region(env), config=client_config(env)),
                    lambda: boto3.client('s3', region_name=region(env), config=client_config(env, s3=True)),
                    table, env.get(ENV['BUCKET']) or None, int(env[ENV['TTL_SECONDS']]) if env.get(ENV['TTL_SECONDS']) else None),
        clients=ForwardClients(boto3.client('lambda', region_name=region(env), config=client_config(env)),
                               lambda service: boto3.client(service, region_name=region(env), config=client_config(env, s3=service == 's3'))),
        workflow=env.get(RECORDER_ENV['WORKFLOW'], ''),
        entry_function=env.get(RECORDER_ENV['ENTRY_FUNCTION'], ''),
        entry_node=env.get(RECORDER_ENV['ENTRY_NODE'], ''),
        forward=json.loads(env.get(RECORDER_ENV['FORWARD']) or '{}'),
    )
