"""The JSONPath subset of conditions, itemsPath and resultPath (port of src/protocol/jsonpath.ts):
`$`, `$.field`, `$.a.b`, `$.list[0]`, `$['odd key']`. Paths are data, never evaluated as code."""
import re

from . import js

__all__ = ["parse_path", "read_path", "write_path"]

# JavaScript's \w and \d are ASCII, and its `.` stops at line terminators.
_NOT_LINE_END = "[^\n\r\u2028\u2029]"
_SEGMENT = re.compile(
    r"(?:\.([A-Za-z_$][A-Za-z0-9_$-]*)|\[([0-9]+)\]|\['((?:[^'\\]|\\" + _NOT_LINE_END + r")*)'\]"
    r"|\[\"((?:[^\"\\]|\\" + _NOT_LINE_END + r")*)\"\])")
_UNESCAPE = re.compile(r"\\(" + _NOT_LINE_END + ")")


def _index(digits):
    """Number(digits): exact up to 2^53, a double beyond, as JavaScript reads it."""
    n = int(digits)
    return n if n <= js.MAX_SAFE_INTEGER else float(digits)


def parse_path(path):
    """The segments of a path (str for a field, int for an index); ValueError outside the subset."""
    if not isinstance(path, str) or not path.startswith("$"):
        raise ValueError("JSONPath '%s' must start with '$'" % js.to_string(path))
    segments = []
    rest = path[1:]
    while rest:
        m = _SEGMENT.match(rest)
        if m is None:
            raise ValueError("JSONPath '%s' is not supported at '%s': use $.field, $.list[0] or $['key']" % (path, rest))
        if m.group(1) is not None:
            segments.append(m.group(1))
        elif m.group(2) is not None:
            segments.append(_index(m.group(2)))
        else:
            quoted = m.group(3) if m.group(3) is not None else m.group(4)
            segments.append(_UNESCAPE.sub(lambda e: e.group(1), quoted))
        rest = rest[m.end():]
    return segments


def read_path(document, path):
    """{'found': True, 'value': v}, or {'found': False} when any segment is missing."""
    current = document
    for segment in parse_path(path):
        if not isinstance(segment, str):
            if not isinstance(current, list) or segment >= len(current):
                return {"found": False}
            current = current[int(segment)]
        else:
            if not isinstance(current, dict) or segment not in current:
                return {"found": False}
            current = current[segment]
    return {"found": True, "value": current}


def write_path(document, path, value):
    """A copy of `document` with `value` at `path` (ResultPath): `$` replaces it, missing objects are created."""
    segments = parse_path(path)
    if not segments:
        return value
    root = dict(document) if isinstance(document, dict) else {}
    cursor = root
    for i, segment in enumerate(segments):
        if not isinstance(segment, str):
            raise ValueError("ResultPath '%s' cannot index into arrays" % path)
        if i == len(segments) - 1:
            cursor[segment] = value
        else:
            existing = cursor.get(segment)
            cursor[segment] = dict(existing) if isinstance(existing, dict) else {}
            cursor = cursor[segment]
    return root
