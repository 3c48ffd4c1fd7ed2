"""The versioned payload of every workflow invocation (port of src/protocol/envelope.ts)."""
import math
import re
import time

from . import js
from ._generated import ENVELOPE_VERSION, MAX_NOT_BEFORE_AHEAD_MS, SQS_SESSION_PREFIX
from .keys import session_object_prefix

__all__ = ["ENVELOPE_VERSION", "MAX_NOT_BEFORE_AHEAD_MS", "EnvelopeError", "looks_like_envelope", "parse_envelope", "sqs_session_id"]

_SESSION = re.compile(r"[A-Za-z0-9_.:-]{1,128}")
_INPUT_KINDS = ("value", "s3", "fanIn")


class EnvelopeError(ValueError):
    """An event that claims to be an envelope but is not a valid one for this function."""

    name = "Unum.InvalidEnvelope"


def sqs_session_id(message_id):
    """The session an SQS message starts (SQS_SESSION_PREFIX + its id); None when the id cannot make one."""
    session = SQS_SESSION_PREFIX + message_id if isinstance(message_id, str) and message_id else None
    return session if session is not None and _SESSION.fullmatch(session) else None


def looks_like_envelope(event):
    """True for events that claim to be envelopes (valid or not)."""
    return isinstance(event, dict) and "unum" in event


def parse_envelope(event, expected):
    """Validates an envelope addressed to expected['node'] of expected['workflow'] (an S3 input must lie
    in expected['bucket'] under the session's own prefix); expected['now'] (epoch ms, default the clock)
    bounds a retry's notBefore. Raises EnvelopeError naming the field."""
    node = expected["node"]
    workflow = expected["workflow"]
    bucket = expected.get("bucket", js.UNDEFINED)
    if bucket is None:
        bucket = js.UNDEFINED
    if not isinstance(event, dict):
        raise EnvelopeError("node '%s': the event is not a JSON object" % node)

    def fail(what):
        raise EnvelopeError("node '%s': invalid envelope: %s" % (node, what))

    e = event
    get = lambda key: js.prop(e, key)  # noqa: E731
    unum = get("unum")
    if not (js.is_number(unum) and unum == ENVELOPE_VERSION):
        fail("unsupported version %s (this runtime speaks %s); deploy the same cdk-unum version to every function"
             % (js.stringify(unum), js.number_to_string(ENVELOPE_VERSION)))
    if get("workflow") != workflow or not isinstance(get("workflow"), str):
        fail("it is for workflow %s, this function belongs to '%s'" % (js.stringify(get("workflow")), workflow))
    if get("node") != node or not isinstance(get("node"), str):
        fail("it is for node %s, this function is '%s'" % (js.stringify(get("node")), node))
    session = get("session")
    if not isinstance(session, str) or _SESSION.fullmatch(session) is None:
        fail("session must be 1-128 characters of [A-Za-z0-9_.:-]")
    iteration = get("iteration")
    if not js.is_integer(iteration) or iteration < 0:
        fail("iteration must be a non-negative integer")
    frames = get("frames")
    if not isinstance(frames, list):
        fail("frames must be an array")
    for i, frame in enumerate(frames):
        # An array passes JavaScript's typeof check and then has none of the fields.
        if not isinstance(frame, (dict, list)):
            fail("frames[%d] must be an object" % i)
        fanout, size, index, frame_iteration = (js.prop(frame, k) for k in ("fanout", "size", "index", "iteration"))
        if not isinstance(fanout, str) or fanout == "":
            fail("frames[%d].fanout must be a non-empty string" % i)
        if not js.is_integer(size) or size < 1:
            fail("frames[%d].size must be a positive integer" % i)
        if not js.is_integer(index) or index < 0 or index >= size:
            fail("frames[%d].index must be an integer in [0, size)" % i)
        if not js.is_integer(frame_iteration) or frame_iteration < 0:
            fail("frames[%d].iteration must be a non-negative integer" % i)
        frame_attempt = js.prop(frame, "attempt")
        if frame_attempt is not js.UNDEFINED and (not js.is_integer(frame_attempt) or frame_attempt < 0):
            fail("frames[%d].attempt must be a non-negative integer" % i)
    attempt = get("attempt")
    if attempt is not js.UNDEFINED and (not js.is_integer(attempt) or attempt < 0):
        fail("attempt must be a non-negative integer")
    not_before = get("notBefore")
    if not_before is not js.UNDEFINED:
        if not js.is_integer(not_before) or abs(not_before) > js.MAX_SAFE_INTEGER or not_before < 0:
            fail("notBefore must be a deadline in epoch milliseconds (a non-negative integer)")
        if attempt is js.UNDEFINED or not attempt >= 1:
            fail("notBefore delays a retry only: it needs attempt \u2265 1")
        now = expected.get("now")
        ahead = not_before - (time.time() * 1000 if now is None else now)
        if ahead > MAX_NOT_BEFORE_AHEAD_MS:
            fail("notBefore lies %s s ahead, more than the %s minutes one invocation can wait"
                 % (js.number_to_string(math.floor(ahead / 1000 + 0.5)), js.number_to_string(MAX_NOT_BEFORE_AHEAD_MS / 60000)))
    waits = get("waits")
    if waits is not js.UNDEFINED and (not isinstance(waits, dict) or not all(js.is_finite(d) for d in waits.values())):
        fail("waits must map Wait instance keys to deadlines in epoch milliseconds")
    stored = get("stored")
    if stored is not js.UNDEFINED:
        if not isinstance(stored, str):
            fail("stored must be the key of the stored envelope")
        _check_object_reference({"bucket": "" if bucket is js.UNDEFINED else bucket, "key": stored},
                                {"workflow": workflow, "session": session}, bucket, fail)
    callback = get("callback")
    if callback is not js.UNDEFINED and callback is not True:
        fail("callback must be true (a resume after a claimed task token) or absent")
    fanouts = get("fanouts")
    if fanouts is not js.UNDEFINED and (
            not isinstance(fanouts, dict) or not all(js.is_integer(n) and n >= 0 for n in fanouts.values())):
        fail("fanouts must map Map instance keys to the index of the next item to issue (a non-negative integer)")
    issue = get("issue")
    if issue is not js.UNDEFINED and (
            not isinstance(issue, dict) or not all(js.is_integer(n) and n >= 0 for n in issue.values())):
        fail("issue must map Map instance keys to the index of the item to issue (a non-negative integer)")
    failure = get("fanoutFailure")
    if failure is not js.UNDEFINED:
        if (not isinstance(failure, (dict, list)) or not isinstance(js.prop(failure, "instance"), str)
                or not (js.is_integer(js.prop(failure, "attempt")) and js.prop(failure, "attempt") >= 0)
                or not isinstance(js.prop(failure, "error"), str) or not isinstance(js.prop(failure, "cause"), str)
                or (js.prop(failure, "item") is not js.UNDEFINED and not (js.is_integer(js.prop(failure, "item")) and js.prop(failure, "item") >= 0))
                or (js.prop(failure, "notBefore") is not js.UNDEFINED
                    and not (js.is_integer(js.prop(failure, "notBefore")) and abs(js.prop(failure, "notBefore")) <= js.MAX_SAFE_INTEGER
                             and js.prop(failure, "notBefore") >= 0))):
            fail("fanoutFailure needs a string instance, error and cause, a non-negative integer attempt and, if present, a non-negative integer item")
    deadline = get("deadline")
    if deadline is not js.UNDEFINED and (not js.is_integer(deadline) or abs(deadline) > js.MAX_SAFE_INTEGER or deadline < 0):
        fail("deadline must be the session's deadline in epoch milliseconds (a non-negative integer)")
    variables = get("variables")
    if variables is not js.UNDEFINED and not isinstance(variables, dict):
        fail("variables must map workflow variable names to JSON values")
    _parse_input(get("input"), fail)
    s3 = js.prop(get("input"), "s3")
    if s3 is not js.UNDEFINED:
        _check_object_reference(s3, {"workflow": workflow, "session": session}, bucket, fail)
    return event


def _parse_input(value, fail):
    if not isinstance(value, dict):
        fail("input must be an object with one of value, s3, fanIn")
    keys = js.keys(value)
    if len(keys) != 1 or keys[0] not in _INPUT_KINDS:
        fail("input must have exactly one of value, s3, fanIn (got %s)" % js.dumps(keys))
    if "s3" in value:
        s3 = value["s3"]
        if not isinstance(js.prop(s3, "bucket"), str) or not isinstance(js.prop(s3, "key"), str):
            fail("input.s3 needs string bucket and key")
    if "fanIn" in value:
        fan_in = value["fanIn"]
        size = js.prop(fan_in, "size")
        if (not isinstance(js.prop(fan_in, "join"), str) or not isinstance(js.prop(fan_in, "instance"), str)
                or not js.is_integer(size) or size < 1):
            fail("input.fanIn needs string join and instance and a positive integer size")
        sources = js.prop(fan_in, "sources")
        if sources is not js.UNDEFINED and (not isinstance(sources, list) or not all(isinstance(s, str) for s in sources)):
            fail("input.fanIn.sources must be an array of node names")
        instances = js.prop(fan_in, "instances")
        if instances is not js.UNDEFINED and (
                not isinstance(instances, list) or len(instances) != size
                or not all(s is None or isinstance(s, str) for s in instances)):
            fail("input.fanIn.instances must list one instance key (or null) per slot")


def _check_object_reference(s3, ref, bucket, fail):
    """Only the configured bucket and this session's own prefix, without `.`/`..` segments that an
    HTTP layer might collapse: a crafted reference could otherwise name any object the role may read."""
    if bucket is js.UNDEFINED:
        fail("input.s3 references an object but this function has no payload bucket (UNUM_BUCKET)")
    if s3["bucket"] != bucket:
        fail("input.s3 must be in the store bucket '%s' (got '%s')" % (bucket, s3["bucket"]))
    prefix = session_object_prefix(ref)
    key = s3["key"]
    if not key.startswith(prefix) or any(segment in (".", "..") for segment in key.split("/")):
        fail("input.s3.key must lie under this session's prefix '%s' (got '%s')" % (prefix, key))
