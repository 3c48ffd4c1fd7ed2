"""What user code gets as `context`: Lambda's context, extended with where the instance sits in the workflow."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, List, Optional

from .log import Logger


@dataclass(frozen=True)
class FanOutPosition:
    """One enclosing fan-out, outermost first."""
    fanout: str
    index: int
    size: int
    # Retries of the whole fan-out made so far (its Retry re-runs every branch or item), from 0.
    attempt: int = 0


@dataclass(frozen=True)
class UnumContext:
    """
    The Lambda context (every attribute it has, e.g. `aws_request_id`,
    `function_name`, `memory_limit_in_mb`, is readable here too) plus the
    workflow position: `session`, `node`, `instance`, `fanouts`, `index` and
    `size` of the innermost fan-out (0 and 1 outside any), loop `iteration`,
    `attempt` (retries already made) and a JSON `logger`; in a function that
    waits for a callback, `task_token`: the token to hand to whoever answers.
    """
    workflow: str
    session: str
    node: str
    instance: str
    fanouts: List[FanOutPosition]
    index: int
    size: int
    iteration: int
    attempt: int
    logger: Logger
    lambda_context: Optional[Any] = None
    task_token: Optional[str] = None
    _remaining: Callable[[], float] = field(default=lambda: float('inf'), repr=False)

    def get_remaining_time_in_millis(self) -> float:
        """Milliseconds until the invocation times out (inf when unknown)."""
        return self._remaining()

    def __getattr__(self, name: str) -> Any:
        # Only called for attributes not defined above: Lambda's own context fields.
        lambda_context = self.__dict__.get('lambda_context')
        if name.startswith('_') or lambda_context is None:
            raise AttributeError(name)
        return getattr(lambda_context, name)
