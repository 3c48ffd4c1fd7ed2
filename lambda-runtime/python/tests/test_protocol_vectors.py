"""The Python protocol against the conformance vectors the TypeScript protocol generated
(protocol-vectors/, `npx projen protocol:vectors`): same results, same errors, same bytes."""
import os
import re

import pytest

import unum_runtime.protocol as protocol
from unum_runtime.protocol import js

VECTOR_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "..", "protocol-vectors")
FILES = sorted(f for f in os.listdir(VECTOR_DIR) if f.endswith(".json"))
# A TypeScript error class and the Python exception that stands for it.
ERRORS = {
    "Error": (ValueError,),
    "Unum.InvalidEnvelope": (protocol.EnvelopeError,),
    "States.Runtime": (protocol.DataFlowError,),
    "States.ResultPathMatchFailure": (protocol.DataFlowError,),
    "States.IntrinsicFailure": (protocol.DataFlowError,),
    "States.QueryEvaluationError": (protocol.DataFlowError,),
}


def load(name):
    with open(os.path.join(VECTOR_DIR, name), encoding="utf-8") as f:
        return js.loads(f.read())


def snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def cases():
    for name in FILES:
        for case in load(name)["cases"]:
            yield pytest.param(case, id="%s: %s" % (name[:-5], case["name"]))


def test_vector_files_are_present():
    assert set(FILES) >= {"keys.json", "envelopes.json", "conditions.json", "jsonpath.json", "join.json", "dataflow.json", "config.json", "trace.json", "deadline.json", "intrinsics.json", "context.json", "jsonata.json", "schedule.json", "callback.json"}


@pytest.mark.parametrize("case", cases())
def test_vector(case):
    fn = getattr(protocol, snake(case["function"]))
    args = js.loads(case["argsJson"]) if "argsJson" in case else case["args"]
    if "error" in case:
        expected = case["error"]
        with pytest.raises(ERRORS[expected["name"]]) as raised:
            fn(*args)
        assert str(raised.value) == expected["message"]
        assert getattr(raised.value, "name", "Error") == expected["name"]
        return
    result = fn(*args)
    # JSON equality as JavaScript sees it: true is not 1, but 1.0 is 1.
    assert js.dumps(result) == js.dumps(case["result"])
    if "resultJson" in case:
        assert js.dumps(result) == case["resultJson"]


def test_every_exported_function_has_vectors():
    """A function of the port without a vector is unproven: list the ones the vectors call."""
    called = {snake(c["function"]) for name in FILES for c in load(name)["cases"]}
    exported = {n for n in dir(protocol) if callable(getattr(protocol, n)) and n[0].islower() and not n.startswith("js_")}
    assert exported - called == {"render_key"}
