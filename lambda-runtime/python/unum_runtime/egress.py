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
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence

from .fanout import Fanouts
from .flow import WAIT_MARGIN_MS, FlowState, now_ms, reaches_join, sleep_ms
from .gc import collect_garbage, track_garbage
from .protocol import (
    EMPTY_SOURCE, ENVELOPE_VERSION, ERROR_NO_CHOICE_MATCHED, FANOUT_ORIGIN_ATTR, ITEM_VALUE_LIMIT, DataFlowError, apply_template, checkpoint_item_key,
    condition_paths, context_reads, dag_slot_instance_key, decode_element, effective_input, encode_element, evaluate_condition, fail_details, fanout_input_item_key,
    fanout_progress_item_key, js_loads,
    instance_key, join_instance_key, join_root_item_key, join_shard_item_key, js_dumps, needs_raw_input, pass_output,
    payload_object_key, read_state_path, shard_capacity, shard_count, shard_of, state_output, wait_until,
)
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


def _frame(fanout: str, index: int, size: int, iteration: int) -> Dict[str, Any]:
    return {'fanout': fanout, 'index': index, 'size': size, 'iteration': iteration}


class Egress:
    def __init__(self, rt: 'Runtime', inv: 'Invocation', replay: bool, flow: Optional[FlowState] = None,
                 fanouts: Optional[Fanouts] = None, inline: Optional['InlineInvocation'] = None, issuing: Any = _FROM_ENVELOPE):
        self.rt = rt
        self.inv = inv
        self.inline = inline
        # The envelope's 'issue': this egress only issues those items of bounded Maps (None: it runs as usual).
        self.issuing: Optional[Mapping[str, int]] = inv.envelope.get('issue') if issuing is _FROM_ENVELOPE else issuing
        self.flow = flow if flow is not None else FlowState.of(inv.envelope.get('waits'))
        self.fanouts = fanouts if fanouts is not None else Fanouts(rt, inv, replay)
        self._invoked = False
        self._lock = threading.Lock()
        # By join: one egress may complete nested joins (an inner Map's, then the Parallel's around it), each with its own list.
        self._materialized: Dict[str, List[Any]] = {}

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
            self.rt.fail_session(self.inv, FailureRecord(
                node=self.inv.envelope['node'], instance=self.inv.instance, error=e.name, cause=str(e)))

    def step(self, action: Action, payload: Payload, scope: Scope, source: Optional[str]) -> None:
        # Past the deadline nothing more happens: no successor, join arrival, session end or continuation.
        if self.rt.past_deadline(self.inv.envelope):
            raise SessionTimedOut()
        if self.flow.skips(action):
            return
        kind = action['kind']
        if self.issuing is not None and kind in _NOT_TOWARDS_A_MAP:
            return None
        if kind == 'pass':
            return self._pass(action, payload, scope)
        if kind == 'wait':
            return self._wait(action, payload, scope, source)
        if kind == 'invoke':
            return self._invoke(action, payload, scope)
        if kind == 'choice':
            value = self.value(payload)
            context = self.rt.context_object(self.inv, action['node'], 0, context_reads([], [p for r in action['rules'] for p in condition_paths(r['when'])]))
            rule = _routed(f"choice '{action['node']}'",
                           lambda: next((r for r in action['rules'] if evaluate_condition(r['when'], value, context)), None))
            nxt = rule['then'] if rule is not None else action.get('otherwise')
            if nxt is None:
                raise RoutingError(ERROR_NO_CHOICE_MATCHED,
                                   f"choice '{action['node']}': no rule matched the output and there is no otherwise")
            return self.step(nxt, payload, scope, source)
        if kind == 'parallel':
            iteration = scope.iteration + 1 if action.get('loop') else scope.iteration
            size = len(action['branches'])
            branch_input = self._fan_out_input(action, payload, Scope(scope.frames, iteration))
            gather(
                (lambda branch=branch, index=index: self.step(branch, branch_input, Scope(
                    [*scope.frames, _frame(action['fanout'], index, size, iteration)], iteration), source))
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
            reads = 'errorPath' in action or 'causePath' in action
            value = self.value(payload) if reads else None
            details = _routed(f"fail '{action['node']}'", lambda: fail_details(action, value))
            self.rt.fail_session(self.inv, FailureRecord(
                node=action['node'], instance=self.inv.instance, error=details['error'], cause=details.get('cause')))
            return None
        raise RoutingError('Unum.InvalidConfig', f"unknown action kind '{kind}' (deploy matching cdk-unum versions)")

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

    def _pass(self, action: Action, payload: Payload, scope: Scope) -> None:
        """A Pass: transform the value; checkpoint it as the Pass's output when it may arrive at a join."""
        raw = self.value(payload)
        flow = action['dataFlow']
        context = self.rt.context_object(self.inv, action['node'], 0, context_reads([flow.get('parameters')], [flow.get('inputPath'), flow.get('outputPath')]))
        value = _routed(f"pass '{action['node']}'", lambda: pass_output(action['dataFlow'], raw, context))
        if reaches_join(action['next']):
            self._checkpoint_value(instance_key(action['node'], scope.frames, scope.iteration), value)
        return self.step(action['next'], Payload(value=value), scope, action['node'])

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
        if not action.get('recordInput') and 'inputPath' not in action:
            return payload
        raw = self.value(payload)
        if action.get('recordInput'):
            instance = instance_key(action['fanout'], scope.frames, scope.iteration)
            attrs = self.rt.encode_value(self.inv, raw, '', payload_object_key(self.session, instance, 'input'),
                                         min(self.rt.payload_threshold, ITEM_VALUE_LIMIT))
            if self.rt.eager_gc and 's3' in attrs:
                track_garbage(self.rt.store, self.session, f"O|{attrs['s3']['S']}")
            self.rt.store.put_if_absent(fanout_input_item_key(self.session, instance), attrs)
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
        context = self.rt.context_object(self.inv, action['fanout'], 0, context_reads([flow.get('resultSelector')], [flow.get('outputPath')]))
        value = _routed(f"'{action['fanout']}'", lambda: state_output(flow, raw, joined, context=context))
        if reaches_join(action['next']):
            self._checkpoint_value(instance, value)
        return self.step(action['next'], Payload(value=value), scope, action['fanout'])

    def _wait(self, action: Action, payload: Payload, scope: Scope, source: Optional[str]) -> None:
        """Sleep until the deadline when that fits in this invocation, else leave it pending for a re-invocation."""
        # Issuing a bounded Map's item: the Wait was waited out when the Map first fanned out.
        if self.issuing is not None:
            return self.step(action['next'], payload, scope, source)
        key = instance_key(action['node'], scope.frames, scope.iteration)
        resumed = (self.flow.resume or {}).get(key)
        # While resuming, a Wait that is not pending was passed by the invocation that reached it.
        if self.flow.resuming and resumed is None:
            return None
        # A Wait that would end past the session's deadline ends at it, and the session times out then.
        session_deadline = self.inv.envelope.get('deadline')
        if session_deadline is None:
            session_deadline = float('inf')
        if resumed is None:
            reads = 'secondsPath' in action or 'timestampPath' in action
            value = self.value(payload) if reads else None
            resumed_or_new = _routed(f"wait '{action['node']}'", lambda: wait_until(action, value, now_ms()))
        else:
            resumed_or_new = resumed
        deadline = min(resumed_or_new, session_deadline)
        left = deadline - now_ms()
        if left > 0 and left + WAIT_MARGIN_MS >= self.rt.remaining(self.inv):
            self.flow.pending[key] = deadline
            return None
        sleep_ms(left)
        if deadline >= session_deadline:
            raise SessionTimedOut()
        egress = Egress(self.rt, self.inv, self.fanouts.replay, self.flow.continuing(), self.fanouts, self.inline, self.issuing) if self.flow.resuming else self
        return egress.step(action['next'], payload, scope, source)

    def _continue_waits_later(self) -> None:
        """Waits that did not fit: sleep what this invocation can spare, then re-invoke this function to continue them."""
        pending = self.flow.pending
        if not pending:
            return
        earliest = min(pending.values())
        sleep_ms(min(earliest - now_ms(), self.rt.remaining(self.inv) - WAIT_MARGIN_MS))
        name = self.rt.own_name(self.inv, 'continue a Wait later')
        # The checkpoint exists, so the re-invocation never reads its input.
        self.rt.invoke(name, {**self.inv.envelope, 'input': {'value': None}, 'waits': dict(pending)})

    def _map(self, action: Action, payload: Payload, scope: Scope, source: Optional[str]) -> None:
        iteration = scope.iteration + 1 if action.get('loop') else scope.iteration
        value = self.value(self._fan_out_input(action, payload, Scope(scope.frames, iteration)))
        if action.get('itemsPath') is not None:
            context = self.rt.context_object(self.inv, action['fanout'], 0, context_reads([], [action['itemsPath']]))
            found = read_state_path(value, action['itemsPath'], context)
            selected = found.get('value')
            if not found['found'] or not isinstance(selected, list):
                raise RoutingError('States.Runtime',
                                   f"map '{action['fanout']}': itemsPath {action['itemsPath']} does not select an array in the output")
            items = selected
        else:
            items = [value] * (action.get('width') or 1)
        instance = instance_key(action['fanout'], scope.frames, iteration)
        size = len(items)

        def issue_item(egress: 'Egress', index: int) -> None:
            egress.step(action['item'], Payload(value=self._select_item(action, value, index, items[index])), Scope(
                [*scope.frames, _frame(action['fanout'], index, size, iteration)], iteration), source)

        if self.issuing is not None:
            index = self.issuing.get(instance)
            if index is None or index >= size:
                return None
            # From the Map's item on, the path runs as usual (the item's checkpoint dedupes a repeated request).
            return issue_item(Egress(self.rt, self.inv, True, FlowState.of(None), self.fanouts, None, None), index)
        if not items:
            return self.step(action['onEmpty'], Payload(value=[]), Scope(scope.frames, iteration), None)
        bound = action.get('maxConcurrency')
        limit = bound or self.rt.invoke_concurrency or 64
        # A bounded Map issues its first maxConcurrency items; each item's arrival at the join issues the next one.
        if bound:
            self._record_origin(instance)
        self.fanouts.issue(instance, min(size, bound) if bound else size, limit, lambda index: issue_item(self, index))
        return None

    def _record_origin(self, instance: str) -> None:
        """Who issues a bounded Map's later items: this function, re-invoked at this position. Written before any item, once."""
        envelope = self.inv.envelope
        origin = {
            'functionName': self.rt.own_name(self.inv, "bound a Map's concurrency"), 'node': envelope['node'],
            'frames': list(envelope['frames']), 'iteration': envelope['iteration'],
            **({} if envelope.get('deadline') is None else {'deadline': envelope['deadline']}),
        }
        self.rt.store.update(fanout_progress_item_key(self.session, instance), set='#o = if_not_exists(#o, :o)',
                             names={'#o': FANOUT_ORIGIN_ATTR}, values={':o': {'S': js_dumps(origin)}})

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
            'issue': {instance: index},
            **({} if origin.get('deadline') is None else {'deadline': origin['deadline']}),
        })

    def _select_item(self, action: Action, map_input: Any, index: int, item: Any) -> Any:
        """A Map item's input: the itemSelector applied to the Map's input, with $$.Map.Item the item (Step Functions' ItemSelector)."""
        if 'itemSelector' not in action:
            return item
        context = self.rt.context_object(self.inv, action['fanout'], 0, context_reads([action['itemSelector']], []), {'index': index, 'value': item})
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
        return self._continue_join(ref, action['then'], Scope(scope.frames[:-1], inner['iteration']))

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
            gather((lambda nxt=nxt: self._dag_join(nxt, Scope(frames, iteration), None)) for nxt in action.get('ifAllSkipped') or [])
            return None
        instances = [None if i in skipped else dag_slot_instance_key(s['node'], s['branches'], frames, iteration)
                     for i, s in enumerate(slots)]
        return self._continue_join({'join': action['join'], 'instance': instance, 'size': size, 'instances': instances},
                                   action['then'], Scope(frames, iteration))

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
                                action['then'], Scope(frames, scope.iteration))

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
