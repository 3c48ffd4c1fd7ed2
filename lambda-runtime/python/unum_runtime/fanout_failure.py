"""
A branch's or item's final failure reported to the enclosing Parallel or Map
that handles failures (Retry, Catch, tolerated failures): a port of
lambda-runtime/fanout-failure.ts making the same requests.
"""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Sequence

from .protocol import (
    ENVELOPE_VERSION, ERROR_EXCEED_TOLERATED, FANOUT_ATTEMPT_ATTR, FANOUT_FAILURE_CLAIM_ATTR, FANOUT_ORIGIN_ATTR,
    TOLERATED_FAILURES_ATTR, exceeds_tolerance, fanout_branch_failure_item_key, fanout_failure_item_key,
    fanout_progress_item_key, instance_key, js_loads, tolerated_failures_item_key,
)
from .session import RedrivePoint, redrive_attrs
from .store import Store


def report_fanout_failure(store: Store, ref: Mapping[str, Any], frames: Sequence[Mapping[str, Any]],
                          instance: str, error: str, cause: str, redrive: Optional[RedrivePoint] = None,
                          own_failure: bool = False) -> Dict[str, Any]:
    """
    What to do about a failure in `frames`: {'kind': 'none'} (no fan-out handles it: the session fails),
    'absorbed' (another branch holds this attempt's decision, or the attempt was abandoned), 'invalid'
    (no origin recorded), or 'report' with the origin's function name and the envelope to invoke it with.
    """
    k = len(frames) - 1
    while k >= 0 and frames[k].get('attempt') is None:
        k -= 1
    if k < 0:
        return {'kind': 'none'}
    frame = frames[k]
    attempt = frame['attempt']
    fanout_instance = instance_key(frame['fanout'], frames[:k], frame['iteration'])
    origin_item = store.get(fanout_progress_item_key(ref, fanout_instance)) or {}
    text = origin_item.get(FANOUT_ORIGIN_ATTR, {}).get('S')
    if text is None:
        return {'kind': 'invalid', 'why': f"'{frame['fanout']}' handles failures but recorded no origin to report to (deploy matching cdk-unum versions)"}
    current = int(origin_item.get(FANOUT_ATTEMPT_ATTR, {}).get('N', '0'))
    if current != attempt:
        return {'kind': 'absorbed', 'why': f"attempt {attempt} of '{frame['fanout']}' was abandoned (attempt {current} runs)"}
    origin = js_loads(text)
    report: Dict[str, Any] = {'instance': fanout_instance, 'attempt': attempt, 'error': error, 'cause': cause}
    tolerance = origin.get('tolerance')
    # `own_failure`: the fan-out's own evaluation failed (its Items, ItemSelector, Arguments, join Output or Assign), not one
    # item, so it is never within the tolerance.
    if tolerance is not None and not own_failure:
        # A set of item indexes: a redelivered failure of one item counts once.
        failed = store.update(tolerated_failures_item_key(ref, fanout_instance, attempt), add='#f :f', names={'#f': TOLERATED_FAILURES_ATTR},
                              values={':f': {'SS': [str(frame['index'])]}}, return_new=True) or {}
        count = len(failed.get(TOLERATED_FAILURES_ATTR, {}).get('SS', [])) or 1
        if not exceeds_tolerance(tolerance, count, frame['size']):
            report['item'] = frame['index']
        else:
            report['error'] = ERROR_EXCEED_TOLERATED
            report['cause'] = (f"map '{frame['fanout']}': {count} of {frame['size']} items failed, more than it tolerates "
                               f"(item {frame['index']}: {error}: {cause})")
    if 'item' not in report:
        # Claimant or not, the branch is where a redrive resumes once the origin fails the session for this attempt.
        if redrive is not None:
            store.put(fanout_branch_failure_item_key(ref, fanout_instance, attempt, instance),
                      {'node': {'S': redrive.envelope['node']}, 'instance': {'S': instance}, **redrive_attrs(redrive)})
        before = store.update(fanout_failure_item_key(ref, fanout_instance, attempt), set='#c = if_not_exists(#c, :c)', names={'#c': FANOUT_FAILURE_CLAIM_ATTR},
                              values={':c': {'S': instance}}, return_old=True) or {}
        holder = before.get(FANOUT_FAILURE_CLAIM_ATTR, {}).get('S')
        if holder is not None and holder != instance:
            return {'kind': 'absorbed', 'why': f"'{holder}' reported the failure of attempt {attempt} of '{frame['fanout']}' first"}
    envelope = {
        'unum': ENVELOPE_VERSION, 'workflow': ref['workflow'], 'session': ref['session'], 'node': origin['node'],
        'frames': origin['frames'], 'iteration': origin['iteration'], 'input': {'value': None}, 'fanoutFailure': report,
        **({} if origin.get('deadline') is None else {'deadline': origin['deadline']}),
        # The origin's variables: its replay hands them to the Retry's branches and the Catch's Output, Assign and handler.
        **({} if origin.get('variables') is None else {'variables': origin['variables']}),
    }
    return {'kind': 'report', 'functionName': origin['functionName'], 'envelope': envelope}
