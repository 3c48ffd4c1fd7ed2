"""
Fault injection: a crash at a named step of the per-invocation sequence, to
test that a redelivery heals it. Tests pass a hook; the local engine sets
UNUM_FAULT_CRASH_AT=step[,step...] for the invocations it wants to crash.
"""
from __future__ import annotations

from typing import Callable, Iterable, Mapping

from .protocol import FAULT_STEPS

# Called at every step with (step, {node, session, instance}); raising aborts the invocation there.
FaultHook = Callable[[str, Mapping[str, str]], None]


class SimulatedCrash(Exception):
    name = 'Unum.SimulatedCrash'

    def __init__(self, step: str, info: Mapping[str, str]):
        super().__init__(f"simulated crash {step} in {info['instance']} of session {info['session']}")
        self.step = step


def crash_at(steps: Iterable[str]) -> FaultHook:
    wanted = [s for s in steps]
    unknown = [s for s in wanted if s not in FAULT_STEPS]
    if unknown:
        raise ValueError(f"unknown fault step(s) {', '.join(unknown)}; known: {', '.join(FAULT_STEPS)}")

    def hook(step: str, info: Mapping[str, str]) -> None:
        if step in wanted:
            raise SimulatedCrash(step, info)

    return hook
