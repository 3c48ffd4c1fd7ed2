"""Store keys (port of src/protocol/keys.ts).

Every format comes from _generated.py, read off the TypeScript key functions: this
module only fills templates, so the two runtimes cannot disagree on a key.
"""
import re
import string

from . import js
from ._generated import ATTR, FAILURE_SORT_PREFIX, ITEM_KIND_FORMAT, KEY_TEMPLATES, SCOPE_FORMAT, START_OBJECT_NAME

__all__ = [
    "ATTR", "FAILURE_SORT_PREFIX", "START_OBJECT_NAME",
    "instance_key", "scope_key", "join_instance_key", "workflow_key_prefix", "session_item_key",
    "checkpoint_key_prefix", "checkpoint_item_key", "failure_item_key", "join_key_base", "garbage_key",
    "item_kind", "workflow_object_prefix", "session_object_prefix", "fanout_progress_item_key",
    "fanout_input_item_key", "frame_epoch", "fanout_attempt_key", "fanout_failure_item_key", "tolerated_failures_item_key",
    "payload_object_key", "start_object_key", "render_key", "callback_item_key",
]


class _KeyFormatter(string.Formatter):
    def format_field(self, value, format_spec):
        text = js.to_string(value)
        if format_spec == "uri":
            return js.encode_uri_component(text)
        if format_spec:
            raise ValueError("unknown key template spec %r" % format_spec)
        return text


_FORMATTER = _KeyFormatter()


def render_key(template, **values):
    """Fills a template of _generated.py: a string, or an item key {pk, sk}."""
    if isinstance(template, dict):
        return {"pk": _FORMATTER.vformat(template["pk"], (), values), "sk": _FORMATTER.vformat(template["sk"], (), values)}
    return _FORMATTER.vformat(template, (), values)


def frame_epoch(iteration, attempt=None):
    """A frame's iteration and, when a Retry re-ran its fan-out, the attempt (attempt 0 adds nothing)."""
    if attempt is None or attempt is js.UNDEFINED or attempt == 0:
        return js.to_string(iteration)
    return render_key(KEY_TEMPLATES["frameEpoch"], iteration=iteration, attempt=attempt)


def _frame_epoch_of(frame):
    return frame_epoch(frame["iteration"], frame.get("attempt"))


def scope_key(frames, iteration):
    frame = SCOPE_FORMAT["frame"]
    parts = [_FORMATTER.vformat(frame, (), {"frameIteration": _frame_epoch_of(f), "frameIndex": f["index"]}) for f in frames]
    return "".join(parts) + _FORMATTER.vformat(SCOPE_FORMAT["tail"], (), {"iteration": iteration})


def instance_key(node, frames, iteration):
    return render_key(KEY_TEMPLATES["instanceKey"], node=node, scope=scope_key(frames, iteration))


def join_instance_key(join, frames):
    """The join instance that the innermost frame closes (outer frames, the iteration saved in the frame)."""
    if len(frames) == 0:
        raise ValueError("join '%s' reached with no open fan-out frame" % js.to_string(join))
    inner = frames[-1]
    return render_key(KEY_TEMPLATES["instanceKey"], node=join, scope=scope_key(frames[:-1], _frame_epoch_of(inner)))


def _ref(ref):
    return {"workflow": ref["workflow"], "session": ref["session"]}


def workflow_key_prefix(workflow):
    return render_key(KEY_TEMPLATES["workflowKeyPrefix"], workflow=workflow)


def session_item_key(ref):
    return render_key(KEY_TEMPLATES["sessionItemKey"], **_ref(ref))


def checkpoint_key_prefix(ref):
    return render_key(KEY_TEMPLATES["checkpointKeyPrefix"], **_ref(ref))


def checkpoint_item_key(ref, instance):
    return render_key(KEY_TEMPLATES["checkpointItemKey"], instance=instance, **_ref(ref))


def failure_item_key(ref, instance):
    return render_key(KEY_TEMPLATES["failureItemKey"], instance=instance, **_ref(ref))


def join_key_base(ref, join_instance):
    return render_key(KEY_TEMPLATES["joinKeyBase"], joinInstance=join_instance, **_ref(ref))


def garbage_key(ref, partition):
    return render_key(KEY_TEMPLATES["garbageKey"], partition=partition, **_ref(ref))


def workflow_object_prefix(workflow):
    return render_key(KEY_TEMPLATES["workflowObjectPrefix"], workflow=workflow)


def session_object_prefix(ref):
    return render_key(KEY_TEMPLATES["sessionObjectPrefix"], **_ref(ref))


def fanout_progress_item_key(ref, fanout_instance):
    return render_key(KEY_TEMPLATES["fanoutProgressItemKey"], fanoutInstance=fanout_instance, **_ref(ref))


def fanout_input_item_key(ref, fanout_instance):
    return render_key(KEY_TEMPLATES["fanoutInputItemKey"], fanoutInstance=fanout_instance, **_ref(ref))


def fanout_attempt_key(fanout_instance, attempt):
    """The fan-out instance as its attempt sees it (progress, Envelope.fanouts and Envelope.issue keys)."""
    if not attempt:
        return fanout_instance
    return render_key(KEY_TEMPLATES["fanoutAttemptKey"], fanoutInstance=fanout_instance, attempt=attempt)


def fanout_failure_item_key(ref, fanout_instance, attempt):
    return render_key(KEY_TEMPLATES["fanoutFailureItemKey"], fanoutInstance=fanout_instance, attempt=attempt, **_ref(ref))


def fanout_branch_failure_item_key(ref, fanout_instance, attempt, branch):
    return render_key(KEY_TEMPLATES["fanoutBranchFailureItemKey"], fanoutInstance=fanout_instance, attempt=attempt, branch=branch, **_ref(ref))


def tolerated_failures_item_key(ref, fanout_instance, attempt):
    return render_key(KEY_TEMPLATES["toleratedFailuresItemKey"], fanoutInstance=fanout_instance, attempt=attempt, **_ref(ref))


def callback_item_key(ref, instance, attempt):
    return render_key(KEY_TEMPLATES["callbackItemKey"], instance=instance, attempt=attempt, **_ref(ref))


def payload_object_key(ref, instance, kind):
    return render_key(KEY_TEMPLATES["payloadObjectKey"], instance=instance, kind=kind, **_ref(ref))


def start_object_key(ref):
    return render_key(KEY_TEMPLATES["startObjectKey"], **_ref(ref))


# JavaScript's `.` stops at line terminators and its `$` only at the very end (fullmatch).
_ITEM_KIND = re.compile(
    re.escape(ITEM_KIND_FORMAT["head"])
    + "([^" + re.escape(ITEM_KIND_FORMAT["workflowEnd"]) + "]+)"
    + re.escape(ITEM_KIND_FORMAT["workflowEnd"])
    + "([" + "".join(re.escape(k) for k in ITEM_KIND_FORMAT["kinds"]) + "])"
    + re.escape(ITEM_KIND_FORMAT["kindEnd"])
    + "([^\n\r\u2028\u2029]*)"
)


def item_kind(pk):
    """The workflow, kind letter and rest of a partition key; None when it is not a cdk-unum key."""
    m = _ITEM_KIND.fullmatch(pk)
    if m is None:
        return None
    return {"workflow": m.group(1), "kind": m.group(2), "rest": m.group(3)}
