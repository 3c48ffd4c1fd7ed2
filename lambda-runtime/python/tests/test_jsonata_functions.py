"""Step Functions' JSONata functions whose values no vector can hold ($uuid(), an unseeded $random()):
their shape, as test/protocol/jsonata.test.ts checks it in Node."""
import re

from unum_runtime.protocol import evaluate_jsonata_template, jsonata_condition, jsonata_input

UUID_V4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def test_uuid_is_a_new_v4_uuid_at_each_call():
    ids = evaluate_jsonata_template(["{% $uuid() %}", "{% $uuid() %}"], {"input": {}}, None, "Output")
    assert all(UUID_V4.match(i) for i in ids)
    assert ids[0] != ids[1]


def test_unseeded_random_is_in_zero_one_and_varies():
    numbers = evaluate_jsonata_template("{% [1..20].$random() %}", {"input": {}}, None, "Output")
    assert len(numbers) == 20
    assert all(isinstance(n, float) and 0 <= n < 1 for n in numbers)
    assert len(set(numbers)) > 1


def test_functions_are_there_in_arguments_and_conditions_and_not_shadowed_by_variables():
    flow = {"arguments": {"chunks": "{% $partition($states.input.ids, 2) %}"}}
    assert jsonata_input(flow, {"ids": [1, 2, 3]}) == {"chunks": [[1, 2], [3]]}
    assert jsonata_condition("{% $parse($states.input.doc).ok %}", {"doc": '{"ok": true}'}) is True
    assert evaluate_jsonata_template("{% $range(0, 2, 1) %}", {"input": {}}, {"range": "mine"}, "Output") == [0, 1, 2]
