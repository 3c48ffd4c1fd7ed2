"""X-Ray trace headers as Lambda sets them per invocation (port of src/protocol/trace.ts)."""
from __future__ import annotations

from typing import Dict, Mapping, Optional


def parse_trace_header(header: Optional[str]) -> Dict[str, str]:
    """`Root=…;Parent=…;Sampled=…` (any order, other fields ignored) → its parts (absent ones left out)."""
    parts: Dict[str, str] = {}
    for field in (header or '').split(';'):
        eq = field.find('=')
        if eq > 0:
            parts[field[:eq].strip().lower()] = field[eq + 1:].strip()
    return {name: parts[name] for name in ('root', 'parent', 'sampled') if parts.get(name)}


def format_trace_header(t: Mapping[str, Optional[str]]) -> str:
    return ';'.join(f'{key}={t[name]}' for key, name in (('Root', 'root'), ('Parent', 'parent'), ('Sampled', 'sampled'))
                    if t.get(name) is not None)


def sampled_trace_id(header: Optional[str]) -> Optional[str]:
    """The trace id of a sampled (recorded) trace, which log lines and the session record carry; None otherwise."""
    t = parse_trace_header(header)
    return t.get('root') if t.get('sampled') == '1' else None
