"""The data path's hot loop (as test/protocol/parse-once.test.ts): a template's intrinsics are parsed,
and its $$ paths scanned, once per template, not once per invocation or Map item. Counted, not timed."""
from unum_runtime.protocol import apply_template, context_reads
from unum_runtime.protocol import context as context_module
from unum_runtime.protocol import intrinsics


def test_a_thousand_item_map_item_selector_parses_its_intrinsics_once(monkeypatch):
    item_selector = {
        'label.$': "States.Format('py parse-once {} of {}', $$.Map.Item.Index, $.total)",
        'nested': [{'id.$': 'States.ArrayGetItem($$.Map.Item.Value, 0)'}],
    }
    checked, scanned = [], []
    real_parse_query, real_paths = intrinsics.parse_query, context_module.intrinsic_paths
    # The parser checks each path argument with parse_query; only the scan for $$ lists an expression's paths.
    monkeypatch.setattr(intrinsics, 'parse_query', lambda path: checked.append(path) or real_parse_query(path))
    monkeypatch.setattr(context_module, 'intrinsic_paths', lambda call: scanned.append(call) or real_paths(call))
    out = []
    for index in range(1000):
        assert context_reads([item_selector], []) == {'context': True, 'sessionRecord': False}
        context = {'Map': {'Item': {'Index': index, 'Value': ['i%d' % index]}}}
        out.append(apply_template(item_selector, {'total': 1000}, 'ItemSelector', context))
    assert out[999] == {'label': 'py parse-once 999 of 1000', 'nested': [{'id': 'i999'}]}
    assert len(checked) == 3
    assert len(scanned) == 2
