"""Compiled workflows run end to end by the Python runtime: exact results."""
import pytest


def test_chain(world):
    w = world('chain').deploy({
        'A': lambda x, ctx: x + 1,
        'B': lambda x, ctx: x * 2,
        'C': lambda x, ctx: f'{ctx.node} got {x}',
    })
    session = w.run(20)
    assert w.result(session) == 'C got 42'
    assert w.status(session) == 'SUCCEEDED'
    assert len(w.commits(session)) == 3
