"""
The egress action tree run on a committed output: conditions, invokes,
fan-outs, joins, session ends. Everything here is idempotent (async invokes
of checkpointed instances, set ADDs, conditional session writes), so a
redelivery simply runs it again. A port of lambda-runtime/egress.ts making
the same requests.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, NoReturn, Optional, Sequence

from .fanout import Fanouts
from .flow import WAIT_MARGIN_MS, FlowState, log_sleep, now_ms, reaches_join, sleep_ms
from .gc import collect_garbage, track_garbage
from .protocol import (
    EMPTY_SOURCE, ENVELOPE_VERSION, ERROR_NO_CHOICE_MATCHED, ERROR_QUERY_EVALUATION, FANOUT_ATTEMPT_ATTR, FANOUT_ORIGIN_ATTR, ITEM_VALUE_LIMIT,
    DataFlowError, apply_template, checkpoint_item_key, condition_paths, context_reads, dag_slot_instance_key, decode_element, effective_input,
    encode_element, evaluate_condition, fail_details, fanout_attempt_key, fanout_input_item_key, fanout_progress_item_key, handles_failures,
    js_loads, write_path, evaluate_jsonata_template, is_jsonata_flow, jsonata_choice_transition, jsonata_condition, jsonata_item_selector,
    jsonata_output,
    instance_key, join_instance_key, join_root_item_key, join_shard_item_key, js_dumps, needs_raw_input, pass_output,
    payload_object_key, read_state_path, shard_capacity, shard_count, shard_of, state_output, wait_until,
    has_jsonata_fields, jsonata_fail_details, jsonata_wait_until, LONG_WAIT_THRESHOLD_MS,
)
from .retry import find_catch, retry_delay_ms, retry_wait
from .schedule import schedule_long_retry, schedule_resume
from .session import FailureRecord, SessionTimedOut
from .store import gather

if TYPE_CHECKING:
    from .runtime import Invocation, Runtime

Action = Mapping[str, Any]
Frame = Mapping[str, Any]


@dataclass(frozen=True)
class Payload:
    """What flows along an edge: a value (perhaps already in S3) or a completed join."""
    value: Any = None
    s3_key: Optional[str] = None
    fan_in: Optional[Mapping[str, Any]] = None


@dataclass(frozen=True)
class Scope:
    frames: Sequence[Frame]
    iteration: int
    # The workflow variables in scope (JSONata's Assign; the envelope's `variables`), handed to every successor.
    variables: Optional[Mapping[str, Any]] = None


class InlineInvocation:
    """The start states' first invocation of the entry's own function: captured instead of invoked,
    and run in the same invocation once the egress is done."""

    def __init__(self, node: str):
        self.node = node
        self.envelope: Optional[Dict[str, Any]] = None
        self._claimed = False
        self._lock = threading.Lock()

    def claim(self, node: str) -> bool:
        """True once, for the first invocation of `node` (branches and items run on several threads)."""
        with self._lock:
            if self._claimed or node != self.node:
                return False
            self._claimed = True
            return True


class RoutingError(Exception):
    """A node's output could not be routed (no choice matched, no items array...): the session fails."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name
        # The scope the failing state ran in (set by the innermost step), where an enclosing fan-out may handle it.
        self.frames: Optional[Sequence[Frame]] = None
        # A Parallel's or Map's own evaluation failed (_own_failure): its frame ends `frames`, and it is never a tolerated item.
        self.fan_out = False


def _routed(state: str, evaluate):
    """A state's evaluation on the value; a path that does not fit it fails the session (States.Runtime), naming the state."""
    try:
        return evaluate()
    except DataFlowError as e:
        raise RoutingError(e.name, f"{state}: {e}") from e


def _cascades(then: Action) -> bool:
    """Whether a join's continuation arrives at the enclosing join with the list (perhaps after Waits)."""
    return then['kind'] == 'join' or (then['kind'] == 'wait' and _cascades(then['next']))


# The actions an egress skips when it was re-invoked only to issue one item of a bounded Map (envelope 'issue').
# The rest lead to the Map and only repeat idempotent records; a join is passed again only by the arrival that
# claimed its completion, as for any retry of that arrival.
_NOT_TOWARDS_A_MAP = frozenset(['invoke', 'succeed', 'fail'])
_FROM_ENVELOPE = object()


def _fans_out_inline(action: Action) -> bool:
    """Whether an action tree runs a Parallel or Map in the same egress (not behind an invoke)."""
    text = js_dumps(action)
    return '"kind":"parallel"' in text or '"kind":"map"' in text


def _frame(fanout: str, index: int, size: int, iteration: int, attempt: Optional[int] = None) -> Dict[str, Any]:
    frame = {'fanout': fanout, 'index': index, 'size': size, 'iteration': iteration}
    # Only the frames of a fan-out that handles failures carry its attempt (Frame.attempt).
    if attempt is not None:
        frame['attempt'] = attempt
    return frame


class Egress:
    def __init__(self, rt: 'Runtime', inv: 'Invocation', replay: bool, flow: Optional[FlowState] = None,
                 fanouts: Optional[Fanouts] = None, inline: Optional['InlineInvocation'] = None, issuing: Any = _FROM_ENVELOPE,
                 failure: Any = _FROM_ENVELOPE):
        self.rt = rt
        self.inv = inv
        self.inline = inline
        # The envelope's 'issue': this egress only issues those items of bounded Maps (None: it runs as usual).
        self.issuing: Optional[Mapping[str, int]] = inv.envelope.get('issue') if issuing is _FROM_ENVELOPE else issuing
        # The envelope's 'fanoutFailure': this egress only handles that fan-out's failure (None: it runs as usual).
        self.failure: Optional[Mapping[str, Any]] = inv.envelope.get('fanoutFailure') if failure is _FROM_ENVELOPE else failure
        self.flow = flow if flow is not None else FlowState.of(inv.envelope.get('waits'))
        self.fanouts = fanouts if fanouts is not None else Fanouts(rt, inv, replay)
        self._invoked = False
        self._lock = threading.Lock()
        # By join: one egress may complete nested joins (an inner Map's, then the Parallel's around it), each with its own list.
        self._materialized: Dict[str, List[Any]] = {}

    @property
    def targeted(self) -> bool:
        """Replaying down to one fan-out only (issuing a bounded Map's item, handling a failure): no other effects."""
        return self.issuing is not None or self.failure is not None

    def fresh(self) -> 'Egress':
        """An egress that runs as usual from here on, sharing this one's fan-out progress."""
        return Egress(self.rt, self.inv, True, FlowState.of(None), self.fanouts, None, None, None)

    @property
    def session(self) -> Mapping[str, Any]:
        """The workflow and session every key of this egress belongs to."""
        return self.inv.envelope

    def run(self, action: Action, payload: Payload, scope: Scope, source: Optional[str]) -> None:
        """`source` is what arrives at a join: this node, an inner join, or None for an empty map's []."""
        try:
            self.step(action, payload, scope, source)
            self._continue_fanouts_later()
            self._continue_waits_later()
        except SessionTimedOut:
            self.rt.time_out(self.inv)
        except RoutingError as e:
            self.rt.fail_in_scope(self.inv, FailureRecord(
                node=self.inv.envelope['node'], instance=self.inv.instance, error=e.name, cause=str(e)),
                e.frames if e.frames is not None else self.inv.envelope['frames'], e.fan_out)

    def step(self, action: Action, payload: Payload, scope: Scope, source: Optional[str]) -> None:
        try:
            return self._step(action, payload, scope, source)
        except RoutingError as e:
            # The innermost state's scope says which fan-out (if any) handles the failure.
            if e.frames is None:
                e.frames = scope.frames
            raise

    def _step(self, action: Action, payload: Payload, scope: Scope, source: Optional[str]) -> None:
        # Past the deadline nothing more happens: no successor, join arrival, session end or continuation.
        if self.rt.past_deadline(self.inv.envelope):
            raise SessionTimedOut()
        if self.flow.skips(action):
            return
        kind = action['kind']
        if self.targeted and kind in _NOT_TOWARDS_A_MAP:
            return None
        if kind == 'pass':
            return self._pass(action, payload, scope)
        if kind == 'wait':
            return self._wait(action, payload, scope, source)
        if kind == 'invoke':
            return self._invoke(action, payload, scope)
        if kind == 'choice':
            value = self.value(payload)
            rule = self._first_rule(action, value, scope)
            nxt = rule['then'] if rule is not None else action.get('otherwise')
            if nxt is None:
                raise RoutingError(ERROR_NO_CHOICE_MATCHED,
                                   f"choice '{action['node']}': no rule matched the output and there is no otherwise")
            if action.get('jsonata') is None and (rule is None or rule.get('jsonata') is None):
                return self.step(nxt, payload, scope, source)
            return self._choice_transition(action, rule, nxt, value, scope)
        if kind == 'parallel':
            iteration = scope.iteration + 1 if action.get('loop') else scope.iteration
            size = len(action['branches'])
            outer = Scope(scope.frames, iteration, scope.variables)
            instance = instance_key(action['fanout'], scope.frames, iteration)
            # The attempt first: a failure of this Parallel is decided before its Arguments are evaluated again (they may be what failed).
            run = self._fan_out_attempt(action, instance, payload, outer, size)
            if run is None:
                return None
            attempt, fresh = run
            try:
                branch_input = self._fan_out_input(action, payload, outer)
            except RoutingError as e:
                self._own_failure(action['fanout'], instance, outer, e, action)
            egress = self.fresh() if fresh else self
            gather(
                (lambda branch=branch, index=index: egress.step(branch, branch_input, Scope(
                    [*scope.frames, _frame(action['fanout'], index, size, iteration, attempt)], iteration, scope.variables), source))
                for index, branch in enumerate(action['branches']))
            return None
        if kind == 'map':
            return self._map(action, payload, scope, source)
        if kind == 'fanOutOutput':
            return self._fan_out_output(action, payload, scope)
        if kind == 'join':
            return self._join(action, scope, source)
        if kind == 'windowJoin':
            return self._window_join(action, scope, source)
        if kind == 'dagJoin':
            return self._dag_join(action, scope, source)
        if kind == 'skip':
            # The marks first: a crash before `next` then redoes both, each idempotent.
            gather((lambda j=j: self._dag_join(j, scope, None)) for j in action['joins'])
            return self.step(action['next'], payload, scope, source)
        if kind == 'succeed':
            return self._succeed(payload)
        if kind == 'fail':
            # Only a path reads the value (a fan-in list is not read for a fixed error).
            jsonata = has_jsonata_fields(action)
            reads = jsonata or 'errorPath' in action or 'causePath' in action
            value = self.value(payload) if reads else None
            if jsonata:
                details = _routed(f"fail '{action['node']}'", lambda: jsonata_fail_details(
                    action, self._jsonata_scope(action['node'], [action.get('error'), action.get('cause')], value, scope)))
            else:
                details = _routed(f"fail '{action['node']}'", lambda: fail_details(action, value))
            # A Fail state inside a Parallel's branch or a Map's item fails that state, which may retry or catch it.
            self.rt.fail_in_scope(self.inv, FailureRecord(
                node=action['node'], instance=self.inv.instance, error=details['error'], cause=details.get('cause')), scope.frames)
            return None
        raise RoutingError('Unum.InvalidConfig', f"unknown action kind '{kind}' (deploy matching cdk-unum versions)")

    def _jsonata_scope(self, node: str, templates: List[Any], value: Any, scope: Scope) -> Dict[str, Any]:
        """What a Fail's or a Wait's JSONata expressions read: the value, the context object (when read) and the variables."""
        context = self.rt.context_object(self.inv, node, 0, context_reads(templates, []))
        return {'input': value, 'context': context, 'variables': scope.variables}

    def _invoke(self, action: Action, payload: Payload, scope: Scope) -> None:
        iteration = scope.iteration + 1 if action.get('loop') else scope.iteration
        target = instance_key(action['node'], scope.frames, iteration)
        inline = self.inline is not None and self.inline.claim(action['node'])
        # A replay invokes no successor that committed: that one's own retries finish its egress
        # (not the one run inline, whose egress only this invocation's retries finish).
        if not inline and self.fanouts.replay and self.rt.store.get(checkpoint_item_key(self.session, target)) is not None:
            return
        envelope = {
            'unum': ENVELOPE_VERSION,
            'workflow': self.rt.config['workflow'],
            'session': self.session['session'],
            'node': action['node'],
            'frames': list(scope.frames),
            'iteration': iteration,
            'input': self._to_input(payload, target),
            **({} if self.inv.envelope.get('deadline') is None else {'deadline': self.inv.envelope['deadline']}),
            **({'variables': dict(scope.variables)} if scope.variables else {}),
        }
        if inline:
            self.inline.envelope = envelope
            return
        self.rt.invoke(action['functionName'], envelope)
        with self._lock:
            first = not self._invoked
            self._invoked = True
        if first:
            self.rt.fault('after-first-successor-invoke', self.inv)

    def _first_rule(self, action: Action, value: Any, scope: Scope) -> Optional[Mapping[str, Any]]:
        """The first Choice rule that holds on the value: JSONata conditions with the variables in scope."""
        expressions = [r['when']['expression'] for r in action['rules'] if r['when']['op'] == 'jsonata']
        paths = [p for r in action['rules'] for p in condition_paths(r['when'])]
        context = self.rt.context_object(self.inv, action['node'], 0, context_reads(expressions, paths))
        for rule in action['rules']:
            when = rule['when']
            if when['op'] == 'jsonata':
                holds = _routed(f"choice '{action['node']}'", lambda: jsonata_condition(when['expression'], value, context, scope.variables))
            else:
                holds = _routed(f"choice '{action['node']}'", lambda: evaluate_condition(when, value, context))
            if holds:
                return rule
        return None

    def _choice_transition(self, action: Action, rule: Optional[Mapping[str, Any]], nxt: Action, value: Any, scope: Scope) -> None:
        """A JSONata Choice's Output and Assign (the matched rule's and its own) on the way to `nxt`: like a Pass's, the
        value is checkpointed as the Choice's output when it may arrive at a join (the compiler lists the Choice among its sources)."""
        own = action.get('jsonata') or {}
        ruled = (rule or {}).get('jsonata') or {}
        templates = [own.get('output'), own.get('assign'), ruled.get('output'), ruled.get('assign')]
        context = self.rt.context_object(self.inv, action['node'], 0, context_reads(templates, []))
        out = _routed(f"choice '{action['node']}'", lambda: jsonata_choice_transition(
            action.get('jsonata'), None if rule is None else rule.get('jsonata'), {'input': value, 'context': context}, scope.variables))
        if reaches_join(nxt):
            self._checkpoint_value(instance_key(action['node'], scope.frames, scope.iteration), out['output'])
        return self.step(nxt, Payload(value=out['output']), Scope(scope.frames, scope.iteration, out['variables']), action['node'])

    def _pass(self, action: Action, payload: Payload, scope: Scope) -> None:
        """A Pass: transform the value; checkpoint it as the Pass's output when it may arrive at a join."""
        raw = self.value(payload)
        flow = action['dataFlow']
        after = scope
        if is_jsonata_flow(flow):
            # JSONata: Output (default: the input) and Assign, both on $states.input; the variables go on with the value.
            context = self.rt.context_object(self.inv, action['node'], 0, context_reads([flow.get('output'), flow.get('assign')], []))
            out = _routed(f"pass '{action['node']}'", lambda: jsonata_output(flow, {'input': raw, 'context': context}, scope.variables))
            value = out['output']
            if flow.get('assign') is not None:
                after = Scope(scope.frames, scope.iteration, out['variables'])
        else:
            context = self.rt.context_object(self.inv, action['node'], 0,
                                             context_reads([flow.get('parameters')], [flow.get('inputPath'), flow.get('outputPath')]))
            value = _routed(f"pass '{action['node']}'", lambda: pass_output(flow, raw, context))
        if reaches_join(action['next']):
            self._checkpoint_value(instance_key(action['node'], scope.frames, scope.iteration), value)
        return self.step(action['next'], Payload(value=value), after, action['node'])

    def _checkpoint_value(self, instance: str, value: Any) -> None:
        """Checkpoints a value computed in the egress (deterministic in the committed output, so a duplicate writes the same value)."""
        attrs = self.rt.encode_value(self.inv, value, '', payload_object_key(self.session, instance, 'output'),
                                     min(self.rt.payload_threshold, ITEM_VALUE_LIMIT))
        if self.rt.eager_gc:
            track_garbage(self.rt.store, self.session, f'C|{instance}')
            if 's3' in attrs:
                track_garbage(self.rt.store, self.session, f"O|{attrs['s3']['S']}")
        self.rt.store.put_if_absent(checkpoint_item_key(self.session, instance), attrs)

    def _fan_out_input(self, action: Action, payload: Payload, scope: Scope) -> Payload:
        """
        What a Parallel's or Map's branches start from: its InputPath applied to
        the raw input. The raw input is recorded first when the join's ResultPath
        places the list into it (the join may complete in any branch's function,
        so it reads the value back from the store, not from an envelope).
        """
        has_args = action['kind'] == 'parallel' and 'arguments' in action
        if not action.get('recordInput') and 'inputPath' not in action and not has_args:
            return payload
        raw = self.value(payload)
        if action.get('recordInput'):
            instance = instance_key(action['fanout'], scope.frames, scope.iteration)
            attrs = self.rt.encode_value(self.inv, raw, '', payload_object_key(self.session, instance, 'input'),
                                         min(self.rt.payload_threshold, ITEM_VALUE_LIMIT))
            if self.rt.eager_gc and 's3' in attrs:
                track_garbage(self.rt.store, self.session, f"O|{attrs['s3']['S']}")
            self.rt.store.put_if_absent(fanout_input_item_key(self.session, instance), attrs)
        if has_args:
            # JSONata has no InputPath: Arguments alone shape what the branches run on.
            args = action['arguments']
            context = self.rt.context_object(self.inv, action['fanout'], 0, context_reads([args], []))
            return Payload(value=_routed(f"parallel '{action['fanout']}'",
                                         lambda: evaluate_jsonata_template(args, {'input': raw, 'context': context}, scope.variables, 'Arguments')))
        if 'inputPath' not in action:
            return payload
        context = self.rt.context_object(self.inv, action['fanout'], 0, context_reads([], [action['inputPath']]))
        return Payload(value=_routed(f"{action['kind']} '{action['fanout']}'",
                                     lambda: effective_input({'inputPath': action['inputPath']}, raw, context)))

    def _fan_out_output(self, action: Action, payload: Payload, scope: Scope) -> None:
        """A Parallel's or Map's ResultSelector, ResultPath and OutputPath on the joined list, in the join's scope."""
        instance = instance_key(action['fanout'], scope.frames, scope.iteration)
        # Read directly, not through value(): one egress may complete nested joins, each with its own list.
        joined = self.rt.store.read_fan_in(self.session, payload.fan_in) if payload.fan_in is not None else payload.value
        raw = None
        if needs_raw_input(action['dataFlow']):
            item = self.rt.store.get(fanout_input_item_key(self.session, instance))
            if item is None:
                raise RoutingError('Unum.InvalidConfig',
                                   f"'{action['fanout']}': its raw input was not recorded when it fanned out (deploy matching cdk-unum versions)")
            raw = self.rt.store.decode_value(self.session, item)
        flow = action['dataFlow']
        after = scope
        if is_jsonata_flow(flow):
            # JSONata: Output (default: the list) and Assign on $states.result (the list) and $states.input (the raw input).
            context = self.rt.context_object(self.inv, action['fanout'], 0, context_reads([flow.get('output'), flow.get('assign')], []))
            try:
                out = _routed(f"'{action['fanout']}'",
                              lambda: jsonata_output(flow, {'input': raw, 'result': joined, 'context': context}, scope.variables))
            except RoutingError as e:
                self._own_failure(action['fanout'], instance, scope, e)
            value = out['output']
            if flow.get('assign') is not None:
                after = Scope(scope.frames, scope.iteration, out['variables'])
        else:
            context = self.rt.context_object(self.inv, action['fanout'], 0, context_reads([flow.get('resultSelector')], [flow.get('outputPath')]))
            value = _routed(f"'{action['fanout']}'", lambda: state_output(flow, raw, joined, context=context))
        if reaches_join(action['next']):
            self._checkpoint_value(instance, value)
        return self.step(action['next'], Payload(value=value), after, action['fanout'])

    def _wait(self, action: Action, payload: Payload, scope: Scope, source: Optional[str]) -> None:
        """Sleep until the deadline when that fits in this invocation, else leave it pending for a re-invocation."""
        # Issuing a bounded Map's item or handling a fan-out's failure: the Wait was waited out when the Map first fanned out.
        if self.targeted:
            return self.step(action['next'], payload, scope, source)
        key = instance_key(action['node'], scope.frames, scope.iteration)
        resumed = (self.flow.resume or {}).get(key)
        # While resuming, a Wait that is not pending was passed by an earlier invocation: walk on (still resuming, so
        # no effects), as a pending Wait can lie beyond it (a long Wait right after another).
        if self.flow.resuming and resumed is None:
            return self.step(action['next'], payload, scope, source)
        # A Wait that would end past the session's deadline ends at it, and the session times out then.
        session_deadline = self.inv.envelope.get('deadline')
        if session_deadline is None:
            session_deadline = float('inf')
        if resumed is None:
            jsonata = has_jsonata_fields(action)
            reads = jsonata or 'secondsPath' in action or 'timestampPath' in action
            value = self.value(payload) if reads else None
            if jsonata:
                wait_scope = self._jsonata_scope(action['node'], [action.get('seconds'), action.get('timestamp')], value, scope)
                resumed_or_new = _routed(f"wait '{action['node']}'", lambda: jsonata_wait_until(action, wait_scope, now_ms()))
            else:
                resumed_or_new = _routed(f"wait '{action['node']}'", lambda: wait_until(action, value, now_ms()))
        else:
            resumed_or_new = resumed
        deadline = min(resumed_or_new, session_deadline)
        left = deadline - now_ms()
        if left > 0 and left + WAIT_MARGIN_MS >= self.rt.remaining(self.inv):
            self.flow.pending[key] = deadline
            return None
        log_sleep(self.inv.logger, 'WAIT', action['node'], left, f"wait '{action['node']}' in this invocation")
        sleep_ms(left)
        if deadline >= session_deadline:
            raise SessionTimedOut()
        egress = Egress(self.rt, self.inv, self.fanouts.replay, self.flow.continuing(), self.fanouts, self.inline, self.issuing,
                        self.failure) if self.flow.resuming else self
        return egress.step(action['next'], payload, scope, source)

    def _continue_waits_later(self) -> None:
        """Waits that did not fit: a long one goes to a one-time schedule (no compute runs while it lasts); a shorter
        one sleeps what this invocation can spare, then re-invokes this function."""
        pending = self.flow.pending
        if not pending:
            return
        earliest = min(pending.values())
        schedule = self.rt.options.schedule
        if schedule is not None and earliest - now_ms() > LONG_WAIT_THRESHOLD_MS:
            schedule_resume(self.rt, self.inv, schedule, {**self.inv.envelope, 'input': {'value': None}, 'waits': dict(pending)}, earliest)
            return
        sleep = round(min(earliest - now_ms(), self.rt.remaining(self.inv) - WAIT_MARGIN_MS))
        states = ', '.join(pending.keys())
        log_sleep(self.inv.logger, 'WAIT', states, sleep, f"wait {states}, then re-invoking to wait on")
        sleep_ms(sleep)
        name = self.rt.own_name(self.inv, 'continue a Wait later')
        # The checkpoint exists, so the re-invocation never reads its input.
        self.rt.invoke(name, {**self.inv.envelope, 'input': {'value': None}, 'waits': dict(pending)})

    def _map(self, action: Action, payload: Payload, scope: Scope, source: Optional[str]) -> None:
        iteration = scope.iteration + 1 if action.get('loop') else scope.iteration
        instance = instance_key(action['fanout'], scope.frames, iteration)
        # Handling another fan-out's failure: it is inside these items only when they start with a fan-out run by this egress.
        if self.failure is not None and self.failure['instance'] != instance and not _fans_out_inline(action['item']):
            return None
        outer = Scope(scope.frames, iteration, scope.variables)
        # A failure of this Map is decided before its Items are evaluated again (they may be what failed); only a tolerated
        # item's needs their number (its frame's size), and the Items did not fail then.
        decides_first = self.failure is not None and self.failure['instance'] == instance and self.failure.get('item') is None
        run = self._fan_out_attempt(action, instance, payload, outer, 0) if decides_first else None
        if decides_first and run is None:
            return None
        value = self.value(self._fan_out_input(action, payload, outer))
        try:
            items = self._map_items(action, value, scope)
        except RoutingError as e:
            self._own_failure(action['fanout'], instance, outer, e, action)
        size = len(items)
        if not items:
            # A retry decided here runs as usual from here on (its onEmpty too).
            fresh_run = run is not None and run[1]
            if self.targeted and not fresh_run:
                return None
            return (self.fresh() if fresh_run else self).step(action['onEmpty'], Payload(value=[]), outer, None)
        if run is None:
            run = self._fan_out_attempt(action, instance, payload, outer, size)
        if run is None:
            return None
        attempt, fresh = run

        def select(index: int) -> Any:
            try:
                return self._select_item(action, value, index, items[index], scope)
            except RoutingError as e:
                self._own_failure(action['fanout'], instance, outer, e, action)

        def issue_item(egress: 'Egress', index: int) -> None:
            egress.step(action['item'], Payload(value=select(index)), Scope(
                [*scope.frames, _frame(action['fanout'], index, size, iteration, attempt)], iteration, scope.variables), source)

        if self.issuing is not None:
            index = self.issuing.get(fanout_attempt_key(instance, attempt or 0))
            if index is None or index >= size:
                return None
            # From the Map's item on, the path runs as usual (the item's checkpoint dedupes a repeated request).
            return issue_item(self.fresh(), index)
        egress = self.fresh() if fresh else self
        bound = action.get('maxConcurrency')
        limit = bound or self.rt.invoke_concurrency or 64
        # A bounded Map issues its first maxConcurrency items; each item's arrival at the join issues the next one.
        egress.fanouts.issue(fanout_attempt_key(instance, attempt or 0), min(size, bound) if bound else size, limit,
                             lambda index: issue_item(egress, index))
        return None

    def _map_items(self, action: Action, value: Any, scope: Scope) -> List[Any]:
        """A Map's items: its JSONata Items, its itemsPath's array, or `width` copies of its input."""
        if action.get('items') is not None:
            context = self.rt.context_object(self.inv, action['fanout'], 0, context_reads([action['items']], []))
            found = _routed(f"map '{action['fanout']}'",
                            lambda: evaluate_jsonata_template(action['items'], {'input': value, 'context': context}, scope.variables, 'Items'))
            if not isinstance(found, list):
                raise RoutingError(ERROR_QUERY_EVALUATION, f"map '{action['fanout']}': Items must evaluate to an array, got {js_dumps(found)}")
            return found
        if action.get('itemsPath') is not None:
            context = self.rt.context_object(self.inv, action['fanout'], 0, context_reads([], [action['itemsPath']]))
            found = read_state_path(value, action['itemsPath'], context)
            selected = found.get('value')
            if not found['found'] or not isinstance(selected, list):
                raise RoutingError('States.Runtime',
                                   f"map '{action['fanout']}': itemsPath {action['itemsPath']} does not select an array in the output")
            return selected
        return [value] * (action.get('width') or 1)

    def _own_failure(self, fanout: str, instance: str, outer: Scope, e: RoutingError, action: Optional[Action] = None) -> NoReturn:
        """A Parallel's or Map's own evaluation failed: a States.QueryEvaluationError of its Arguments, Items or ItemSelector
        (`action` given, evaluated by the function that fans out) or of its join's Output or Assign (evaluated where the join
        completed). When the fan-out handles failures, this is a failure of its running attempt, so it goes to its Retry and
        Catch as a branch's final failure does: the error is raised on with the fan-out's own frame (the attempt the origin
        holds) as the innermost that handles failures, and run() reports it to the origin, never as a tolerated item.
        Otherwise (or for another error) it is raised on as it is, failing the session. As in lambda-runtime/egress.ts."""
        if e.name != ERROR_QUERY_EVALUATION:
            raise e
        attempt = None
        if action is not None:
            # Recorded before the report reads it: Items and Arguments fail before any item or branch is issued.
            if handles_failures(action):
                attempt = self._record_origin(instance, action)
        else:
            item = self.rt.store.get(fanout_progress_item_key(self.session, instance)) or {}
            text = item.get(FANOUT_ORIGIN_ATTR, {}).get('S')
            if text is not None and js_loads(text).get('handles') is True:
                attempt = int(item.get(FANOUT_ATTEMPT_ATTR, {}).get('N', '0'))
        if attempt is None:
            raise e
        e.frames = [*outer.frames, _frame(fanout, 0, 1, outer.iteration, attempt)]
        e.fan_out = True
        raise e

    def _record_origin(self, instance: str, action: Action) -> int:
        """Who issues a bounded Map's later items and handles a fan-out's failures: this function, re-invoked at this
        position. Written before any item, once; the answer holds the attempt now running."""
        envelope = self.inv.envelope
        tolerance = {k: action[k] for k in ('toleratedFailureCount', 'toleratedFailurePercentage') if k in action}
        origin = {
            'functionName': self.rt.own_name(self.inv, f"record the origin of {action['kind']} '{action['fanout']}'"), 'node': envelope['node'],
            'frames': list(envelope['frames']), 'iteration': envelope['iteration'],
            **({} if envelope.get('deadline') is None else {'deadline': envelope['deadline']}),
            **({} if envelope.get('variables') is None else {'variables': envelope['variables']}),
            **({'handles': True} if handles_failures(action) else {}),
            **({'tolerance': tolerance} if action['kind'] == 'map' and tolerance else {}),
        }
        after = self.rt.store.update(fanout_progress_item_key(self.session, instance), set='#o = if_not_exists(#o, :o), #a = if_not_exists(#a, :z)',
                                     names={'#o': FANOUT_ORIGIN_ATTR, '#a': FANOUT_ATTEMPT_ATTR},
                                     values={':o': {'S': js_dumps(origin)}, ':z': {'N': '0'}}, return_new=True) or {}
        return int(after.get(FANOUT_ATTEMPT_ATTR, {}).get('N', '0'))

    def _fan_out_attempt(self, action: Action, instance: str, payload: Payload, outer: Scope, size: int):
        """(attempt for the frames or None, fresh) to fan out with, or None when nothing fans out (a catch, a final failure,
        a stale report). When this egress handles this fan-out's failure (the envelope's fanoutFailure), the decision is taken
        here: retry (the next attempt), catch or fail, as in lambda-runtime/egress.ts."""
        handles = handles_failures(action)
        bounded = action['kind'] == 'map' and action.get('maxConcurrency')
        # A bounded Map without failure handling records its origin once, not again for each item it is asked to issue.
        if not handles and (self.issuing is not None or not bounded):
            return (None, False)
        current = self._record_origin(instance, action)
        attempt = current if handles else None
        f = self.failure
        if f is None or f['instance'] != instance:
            return (attempt, False)
        where = f"{action['kind']} '{action['fanout']}'"
        if f.get('item') is not None:
            if f['attempt'] == current and action['kind'] == 'map':
                self._tolerate_item(action, f, outer, size)
            return None
        # A redelivery of the report that moved to the next attempt: issue it again (its checkpoints dedupe what was issued).
        if f['attempt'] + 1 == current and f.get('notBefore') is None:
            return (current, True)
        if f['attempt'] != current:
            self.inv.logger.info(f"{where}: a failure of an abandoned attempt was reported; ignored", attempt=f['attempt'], current=current)
            return None
        delay = 0 if f.get('notBefore') is not None else retry_delay_ms(action.get('retry') or [], f['error'], current)
        if delay is not None:
            deadline = self.inv.envelope.get('deadline')
            not_before = f.get('notBefore')
            if not_before is None:
                not_before = min(now_ms() + delay, deadline if deadline is not None else float('inf'))
            resume = {**self.inv.envelope, 'fanoutFailure': {**f, 'notBefore': not_before}}
            if schedule_long_retry(self.rt, self.inv, resume, not_before, f"{f['instance']}@{f['attempt']}"):
                return None
            sleep, here = retry_wait(not_before, now_ms(), self.rt.remaining(self.inv))
            log_sleep(self.inv.logger, 'RETRY', action['fanout'], sleep, f"{where}: the Retry interval")
            sleep_ms(sleep)
            if not here:
                # The interval does not fit in this invocation: the origin is re-invoked to wait out the rest.
                self.rt.invoke(self.rt.own_name(self.inv, f"retry {where}"), resume)
                return None
            if self.rt.past_deadline(self.inv.envelope):
                raise SessionTimedOut()
            self.inv.metrics.count('RETRIES')
            self.inv.logger.warn(f"{where} failed; retrying every branch", error=f['error'], cause=f['cause'], attempt=current + 1)
            # One conditional write moves the attempt on; a concurrent duplicate that lost it issues the same attempt (deduped).
            self.rt.store.update(fanout_progress_item_key(self.session, instance), set='#a = :n', names={'#a': FANOUT_ATTEMPT_ATTR},
                                 values={':n': {'N': str(current + 1)}, ':c': {'N': str(current)}}, condition='#a = :c')
            return (current + 1, True)
        c = find_catch(action.get('catch') or [], f['error'])
        if c < 0:
            self.inv.logger.error(f"{where} failed; no retry or catch left", error=f['error'], cause=f['cause'])
            self.rt.fail_in_scope(self.inv, FailureRecord(node=action['fanout'], instance=instance, error=f['error'], cause=f['cause']), outer.frames)
            return None
        rule = action['catch'][c]
        raw = self.value(payload)
        error_output = {'Error': f['error'], 'Cause': f['cause']}
        catcher = rule.get('jsonata')
        handler = outer
        if catcher is None:
            # The catcher's ResultPath places the error into the state's raw input (the value it fanned out on).
            value = _routed(where, lambda: write_path(raw, rule['resultPath'], error_output))
        else:
            # As a Task's JSONata catcher: Output and Assign on the error and the raw input; an error here is not caught again.
            context = self.rt.context_object(self.inv, action['fanout'], 0, context_reads([catcher.get('output'), catcher.get('assign')], []))
            out = _routed(where, lambda: jsonata_output(catcher, {'input': raw, 'errorOutput': error_output, 'context': context}, outer.variables))
            value = out['output']
            if catcher.get('assign') is not None:
                handler = Scope(outer.frames, outer.iteration, out['variables'])
        self.inv.logger.warn(f"{where} failed; caught", error=f['error'], cause=f['cause'], catch=c)
        if reaches_join(rule['next']):
            self._checkpoint_value(instance, value)
        self.fresh().step(rule['next'], Payload(value=value), handler, action['fanout'])
        return None

    def _tolerate_item(self, action: Action, f: Mapping[str, Any], outer: Scope, size: int) -> None:
        """A Map's item failed within the tolerance: its result is {Error, Cause}, checkpointed under the Map's name in the
        item's scope (a source of the join), and it arrives at the join like any item."""
        frames = [*outer.frames, _frame(action['fanout'], f['item'], size, outer.iteration, f['attempt'])]
        self._checkpoint_value(instance_key(action['fanout'], frames, outer.iteration), {'Error': f['error'], 'Cause': f['cause']})
        join = {'kind': 'join', 'join': action['join'], 'sources': action.get('sources') or [action['fanout']], 'then': action['onEmpty'],
                **({'maxConcurrency': action['maxConcurrency']} if action.get('maxConcurrency') else {})}
        self.fresh().step(join, Payload(value=None), Scope(frames, outer.iteration, outer.variables), action['fanout'])

    def _issue_next_item(self, inner: Frame, outer: Sequence[Frame], index: int) -> None:
        """An item of a bounded Map finished: ask the function that fanned out to issue item `index` (the item's checkpoint dedupes repeats)."""
        instance = instance_key(inner['fanout'], outer, inner['iteration'])
        item = self.rt.store.get(fanout_progress_item_key(self.session, instance)) or {}
        text = item.get(FANOUT_ORIGIN_ATTR, {}).get('S')
        if text is None:
            raise RoutingError('Unum.InvalidConfig', f"map '{inner['fanout']}' has maxConcurrency but recorded no origin to issue item "
                                                     f"{index} (deploy matching cdk-unum versions)")
        origin = js_loads(text)
        self.rt.invoke(origin['functionName'], {
            'unum': ENVELOPE_VERSION,
            'workflow': self.session['workflow'],
            'session': self.session['session'],
            'node': origin['node'],
            'frames': origin['frames'],
            'iteration': origin['iteration'],
            'input': {'value': None},
            'issue': {fanout_attempt_key(instance, inner.get('attempt') or 0): index},
            **({} if origin.get('deadline') is None else {'deadline': origin['deadline']}),
            **({} if origin.get('variables') is None else {'variables': origin['variables']}),
        })

    def _select_item(self, action: Action, map_input: Any, index: int, item: Any, scope: Scope) -> Any:
        """A Map item's input: the itemSelector applied to the Map's input, with $$.Map.Item the item (Step Functions' ItemSelector);
        a JSONata Map's (one with items) is a JSONata template reading $states.context.Map.Item and the variables."""
        if 'itemSelector' not in action:
            return item
        context = self.rt.context_object(self.inv, action['fanout'], 0, context_reads([action['itemSelector']], []), {'index': index, 'value': item})
        if 'items' in action:
            return _routed(f"map '{action['fanout']}'", lambda: jsonata_item_selector(action['itemSelector'], map_input, context, scope.variables))
        return _routed(f"map '{action['fanout']}'", lambda: apply_template(action['itemSelector'], map_input, 'ItemSelector', context))

    def _continue_fanouts_later(self) -> None:
        """Maps that stopped short of time: re-invoke this function to issue the rest (the continuation replays the egress)."""
        if not self.fanouts.stopping:
            return
        name = self.rt.own_name(self.inv, 'continue a fan-out later')
        fanouts = {**(self.inv.envelope.get('fanouts') or {}), **self.fanouts.stopped}
        self.rt.invoke(name, {**self.inv.envelope, 'input': {'value': None}, 'fanouts': fanouts})

    def _join(self, action: Action, scope: Scope, source: Optional[str]) -> None:
        """
        Arrive at the join closing the innermost frame: one idempotent set ADD
        on the slot's shard; the arrival that fills a shard adds it to the root;
        the one that fills the root pops the frame and runs `then`.
        """
        if not scope.frames:
            raise RoutingError('Unum.InvalidConfig', f"join '{action['join']}' reached outside any fan-out")
        inner = scope.frames[-1]
        sources = action['sources']
        if source is None:
            ordinal = EMPTY_SOURCE
        elif source in sources:
            ordinal = sources.index(source)
        else:
            raise RoutingError('Unum.InvalidConfig', f"join '{action['join']}' does not list '{source}' among its sources")
        slot, size = inner['index'], inner['size']
        instance = join_instance_key(action['join'], scope.frames)
        element = encode_element({'slot': slot, 'source': ordinal, 'iteration': scope.iteration}, size)
        elements = self._arrive(instance, slot, size, element)
        # After the arrival, so a crash before the request redoes both (Lambda's retry of this function).
        bound = action.get('maxConcurrency')
        if bound and slot + bound < size and self.issuing is None:
            self._issue_next_item(inner, scope.frames[:-1], slot + bound)
        if elements is None:
            return None
        ref = {'join': action['join'], 'instance': instance, 'size': size, 'sources': sources}
        return self._continue_join(ref, action['then'], Scope(scope.frames[:-1], inner['iteration'], scope.variables))

    def _continue_join(self, ref: Mapping[str, Any], then: Action, scope: Scope) -> None:
        """The completing arrival runs the join's continuation in the join's scope, with the list as its value."""
        if _cascades(then):
            # A cascade: the outer join's reader finds this join's list under its instance key.
            self.rt.store.put_if_absent(checkpoint_item_key(self.session, ref['instance']), {'fi': {'S': js_dumps(ref)}})
        return self.step(then, Payload(fan_in=ref), scope, ref['join'])

    def _arrive(self, instance: str, slot: int, size: int, element: str, needed: Optional[int] = None) -> Optional[List[str]]:
        """
        One idempotent set ADD on the slot's shard; the arrival that fills a
        shard adds it to the root. Returns the completing shard's elements to
        the one arrival that completes the instance (and claims it), else None.
        """
        store = self.rt.store
        shard = shard_of(slot, size)
        self.inv.metrics.count('JOIN_ARRIVALS')
        arrived = store.update(join_shard_item_key(self.session, instance, shard), add='#e :e', names={'#e': 'e'},
                               values={':e': {'SS': [element]}}, return_new=True)
        self.rt.fault('after-join-arrive', self.inv)
        elements = (arrived or {}).get('e', {}).get('SS', [])
        if len(elements) < (needed if needed is not None else shard_capacity(shard, size)):
            return None
        shards = shard_count(size)
        completion_key = join_root_item_key(self.session, instance) if shards > 1 else join_shard_item_key(self.session, instance, 0)
        if shards > 1:
            root = store.update(completion_key, add='#d :d', names={'#d': 'd'}, values={':d': {'NS': [str(shard)]}}, return_new=True)
            if len((root or {}).get('d', {}).get('NS', [])) < shards:
                return None
        claim = self._claim_completion(completion_key, f'{shard}/{element}')
        if claim is None:
            return None
        if claim == 'first':
            self.inv.metrics.count('JOINS_FIRED')
        self.rt.fault('after-join-complete', self.inv)
        if self.rt.eager_gc:
            track_garbage(store, self.session, f'J|{size}|{instance}')
        return elements

    def _dag_join(self, action: Action, scope: Scope, source: Optional[str]) -> None:
        """
        Arrive at a DAG join (`source` None: the predecessor was skipped). The
        arrival that completes it continues with the predecessors' outputs,
        null for the skipped ones. When every predecessor was skipped, the
        paths through the join are dead: the predecessors only it leads to are
        skipped in turn.
        """
        slots = action['slots']
        expected = slots[action['slot']] if action['slot'] < len(slots) else None
        if source is not None and source != (expected or {}).get('node'):
            raise RoutingError('Unum.InvalidConfig',
                               f"join '{action['join']}' expects '{(expected or {}).get('node')}' at slot {action['slot']}, not '{source}'")
        depth = action['depth']
        if depth > len(scope.frames):
            raise RoutingError('Unum.InvalidConfig',
                               f"join '{action['join']}' lives {depth} frames deep, reached with {len(scope.frames)}")
        frames = list(scope.frames[:depth])
        iteration = scope.frames[depth]['iteration'] if depth < len(scope.frames) else scope.iteration
        instance = instance_key(action['join'], frames, iteration)
        size = len(slots)
        element = encode_element({'slot': action['slot'], 'source': EMPTY_SOURCE if source is None else 0, 'iteration': iteration}, size)
        elements = self._arrive(instance, action['slot'], size, element)
        if elements is None:
            return None
        decoded = [decode_element(text, 0, size) for text in elements]
        skipped = {e['slot'] for e in decoded if e['source'] == EMPTY_SOURCE}
        if len(skipped) == size:
            gather((lambda nxt=nxt: self._dag_join(nxt, Scope(frames, iteration, scope.variables), None)) for nxt in action.get('ifAllSkipped') or [])
            return None
        instances = [None if i in skipped else dag_slot_instance_key(s['node'], s['branches'], frames, iteration)
                     for i, s in enumerate(slots)]
        return self._continue_join({'join': action['join'], 'instance': instance, 'size': size, 'instances': instances},
                                   action['then'], Scope(frames, iteration, scope.variables))

    def _window_join(self, action: Action, scope: Scope, source: Optional[str]) -> None:
        """Arrive at the window joins that wait for this item: the one of item index - offset, for each offset."""
        if not scope.frames or source is None:
            raise RoutingError('Unum.InvalidConfig', f"window join '{action['join']}' reached outside a map item")
        inner = scope.frames[-1]
        offsets = action['offsets']
        size = len(offsets)

        def in_map(index: int) -> bool:
            return 0 <= index < inner['size']

        def arrive_at(offset: int, slot: int) -> None:
            target = inner['index'] - offset
            if not in_map(target):
                return
            frames = [*scope.frames[:-1], {**inner, 'index': target}]
            instance = instance_key(action['join'], frames, scope.iteration)
            element = encode_element({'slot': slot, 'source': 0, 'iteration': scope.iteration}, size)
            present = len([o for o in offsets if in_map(target + o)])
            arrived = self._arrive(instance, slot, size, element, present)
            if arrived is None:
                return
            elements = [decode_element(text, 0, size) for text in arrived]
            instances: List[Optional[str]] = []
            for i, o in enumerate(offsets):
                e = next((x for x in elements if x['slot'] == i), None)
                instances.append(None if e is None else instance_key(
                    source, [*scope.frames[:-1], {**inner, 'index': target + o}], e['iteration']))
            self._continue_join({'join': action['join'], 'instance': instance, 'size': size, 'instances': instances},
                                action['then'], Scope(frames, scope.iteration, scope.variables))

        gather((lambda offset=offset, slot=slot: arrive_at(offset, slot)) for slot, offset in enumerate(offsets))

    def _claim_completion(self, key: Mapping[str, str], element: str) -> Optional[str]:
        """
        Only the completing arrival (and its own retries, which carry the same
        element) may continue a join, so late duplicates do not fan out
        downstream: one write records who that is. 'first': this write made
        the claim (the join fired now); 'again': a retry of the claimant;
        None: another arrival holds it.
        """
        before = self.rt.store.update(key, set='#c = if_not_exists(#c, :c)', names={'#c': 'c'}, values={':c': {'S': element}},
                                      return_old=True)
        holder = (before or {}).get('c', {}).get('S')
        if holder is None:
            return 'first'
        return 'again' if holder == element else None

    def _succeed(self, payload: Payload) -> None:
        store = self.rt.store
        eager = self.rt.eager_gc
        # With eager GC the branch checkpoints go away, so the result must not point at them.
        if payload.fan_in is not None and not eager:
            result = {'rfi': {'S': js_dumps(payload.fan_in)}}
        else:
            result = self.rt.encode_value(self.inv, self.value(payload), 'r', payload_object_key(self.session, 'RESULT', 'output'))
        self.rt.succeed_session(self.inv, result)
        self.rt.fault('after-session-end', self.inv)
        # Also when a duplicate ended it first: a crash may have cut that one's collection short.
        if eager:
            collect_garbage(store, self.session)

    def value(self, payload: Payload) -> Any:
        """The plain value (each fan-in list is read once per invocation)."""
        if payload.fan_in is None:
            return payload.value
        key = js_dumps(payload.fan_in)
        with self._lock:
            if key not in self._materialized:
                self._materialized[key] = self.rt.store.read_fan_in(self.session, payload.fan_in)
            return self._materialized[key]

    def _to_input(self, payload: Payload, target: str) -> Dict[str, Any]:
        if payload.fan_in is not None:
            return {'fanIn': payload.fan_in}
        bucket = self.rt.store.bucket
        if payload.s3_key is not None and bucket is not None:
            return {'s3': {'bucket': bucket, 'key': payload.s3_key}}
        text = js_dumps(payload.value)
        if len(text.encode('utf-8')) <= self.rt.payload_threshold:
            return {'value': payload.value}
        key = payload_object_key(self.session, target, 'input')
        self.rt.store.put_object(key, text)
        self.inv.metrics.count('PAYLOADS_SPILLED')
        if self.rt.eager_gc:
            track_garbage(self.rt.store, self.session, f'O|{key}')
        return {'s3': {'bucket': bucket, 'key': key}}
