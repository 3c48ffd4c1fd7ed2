"""Callbacks (src/protocol/callback.ts): the task token a parked attempt hands out, and where its large values go."""
import base64

from . import js
from ._generated import CALLBACK_OBJECT_DIR, TASK_TOKEN_PREFIX
from .keys import session_object_prefix


def encode_task_token(binding, secret):
    """`unum1.` + base64url (unpadded) of the JSON [workflow, session, instance, attempt], `.`, the secret."""
    fields = [binding["workflow"], binding["session"], binding["instance"], binding["attempt"]]
    bound = base64.urlsafe_b64encode(js.dumps(fields).encode("utf-8")).decode("ascii").rstrip("=")
    return "%s%s.%s" % (TASK_TOKEN_PREFIX, bound, secret)


def callback_object_key(binding, kind):
    """Where a callback's output or resume envelope too large for the item is kept."""
    return "%s%s/%s/%s/%s.json" % (session_object_prefix(binding), CALLBACK_OBJECT_DIR, js.encode_uri_component(binding["instance"]),
                                  js.to_string(binding["attempt"]), kind)
