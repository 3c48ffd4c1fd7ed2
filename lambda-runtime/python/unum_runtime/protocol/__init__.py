"""Pure port of src/protocol (snake_case names mirroring its exports); standard library only.

Constants and key formats come from _generated.py (`npx projen protocol:vectors`); the
conformance vectors in protocol-vectors/ check every function against the TypeScript.
"""
from ._generated import *  # noqa: F401,F403  every protocol constant, generated from src/protocol
from .config import parse_config  # noqa: F401
from .envelope import EnvelopeError, looks_like_envelope, parse_envelope  # noqa: F401
from .keys import (  # noqa: F401
    checkpoint_item_key, checkpoint_key_prefix, failure_item_key, fanout_progress_item_key, garbage_key,
    instance_key, item_kind, join_instance_key, join_key_base, payload_object_key, render_key, scope_key,
    session_item_key, session_object_prefix, start_object_key, workflow_key_prefix, workflow_object_prefix,
)
from .js import UNDEFINED, dumps as js_dumps, loads as js_loads  # noqa: F401
