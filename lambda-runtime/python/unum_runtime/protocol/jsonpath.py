"""The JSONPath subset of conditions, itemsPath and resultPath (port of src/protocol/jsonpath.ts):
`$`, `$.field`, `$.a.b`, `$.list[0]`, `$['odd key']`. Paths are data, never evaluated as code."""
import re

from . import js

__all__ = ["parse_path", "read_path", "write_path", "parse_query", "query_path"]

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
            if _is_query(path):
                raise ValueError("JSONPath '%s' is not a reference path: this field names one node, with fields "
                                 "and indexes ($.field, $.list[0], $['key']), no wildcards, slices, filters or '..'" % path)
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


def _is_query(path):
    try:
        parse_query(path)
        return True
    except ValueError:
        return False


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


# Step Functions' full paths (port of parseQuery/queryPath in src/protocol/jsonpath.ts). The Node
# runtime finds matches with jsonpath-plus; Lambda's Python runtime ships no JSONPath library and
# the build downloads nothing, so this evaluates the same grammar the same way (match order
# included), and the conformance vectors generated from the Node side keep the two equal.

_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$-]*")
_INTEGER = re.compile(r"-?[0-9]+")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_DIGITS = re.compile(r"[0-9]+")
_LIBRARY_SAFE_NAME = re.compile(r"[^'\"\[\]\\;~^`,:()?@*#$%]+")
_ONLY_DOTS = re.compile(r"\.*")
_ARRAY_INDEX = re.compile(r"0|[1-9][0-9]*")
_OPERATORS = ("==", "!=", "<=", ">=", "<", ">")


class _Scanner:
    def __init__(self, text):
        self.text = text
        self.pos = 0

    @property
    def rest(self):
        return self.text[self.pos:]

    @property
    def done(self):
        return self.pos >= len(self.text)

    def peek(self):
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def skip_spaces(self):
        while self.peek() == " ":
            self.pos += 1

    def eat(self, token):
        if not self.text.startswith(token, self.pos):
            return False
        self.pos += len(token)
        return True

    def match(self, pattern):
        m = pattern.match(self.text, self.pos)
        if m is None:
            return None
        self.pos = m.end()
        return m.group(0)

    def fail(self, what):
        raise ValueError("JSONPath '%s' is not supported at '%s': %s" % (self.text, self.rest, what))

    def quoted(self):
        quote = self.peek()
        if quote not in ("'", '"'):
            return None
        out = []
        i = self.pos + 1
        while i < len(self.text):
            ch = self.text[i]
            if ch == "\\" and i + 1 < len(self.text):
                i += 1
                out.append(self.text[i])
            elif ch == quote:
                self.pos = i + 1
                return "".join(out)
            else:
                out.append(ch)
            i += 1
        return self.fail("the quoted name is not closed")


def parse_query(path):
    """{'definite': bool, 'segments': [...]}; ValueError when `path` is not a Step Functions path."""
    if not isinstance(path, str) or not path.startswith("$"):
        raise ValueError("JSONPath '%s' must start with '$'" % js.to_string(path))
    if path.startswith("$$"):
        raise ValueError("JSONPath '%s' reads the context object, which is not a path of the input" % path)
    scanner = _Scanner(path)
    scanner.pos = 1
    segments = []
    while not scanner.done:
        if scanner.eat(".."):
            name = scanner.match(_IDENTIFIER)
            if name is not None:
                segments.append({"kind": "descent", "then": {"kind": "field", "name": name}})
            elif scanner.eat("*"):
                segments.append({"kind": "descent", "then": {"kind": "wildcard"}})
            elif scanner.peek() == "[":
                segments.append({"kind": "descent", "then": _bracket(scanner)})
            else:
                scanner.fail("'..' must be followed by a field name, '*' or a bracket")
        elif scanner.eat("."):
            name = scanner.match(_IDENTIFIER)
            if name is not None:
                segments.append({"kind": "field", "name": name})
            elif scanner.eat("*"):
                segments.append({"kind": "wildcard"})
            else:
                scanner.fail("'.' must be followed by a field name or '*'; use $['key'] for other names")
        elif scanner.peek() == "[":
            segments.append(_bracket(scanner))
        else:
            scanner.fail("use $.field, $['key'], $.list[0], [*], [1:], [0,2], [?(@.x > 1)] or ..field")
    definite = all(s["kind"] in ("field", "index") for s in segments)
    if not definite:
        for s in segments:
            _check_query_segment(path, s["then"] if s["kind"] == "descent" else s)
    return {"definite": definite, "segments": segments}


def _check_query_segment(path, segment):
    if segment["kind"] == "field" and (_LIBRARY_SAFE_NAME.fullmatch(segment["name"]) is None
                                       or _ONLY_DOTS.fullmatch(segment["name"]) is not None):
        raise ValueError("JSONPath '%s': the field name '%s' can only be used in a path of fields and indexes, "
                         "without wildcards, slices, filters or '..'" % (path, segment["name"]))
    if segment["kind"] == "union" and any(i < 0 for i in segment["indexes"]):
        raise ValueError("JSONPath '%s': an index union takes non-negative indexes only, such as [0,2]" % path)


def _bracket(scanner):
    scanner.eat("[")
    name = scanner.quoted()
    if name is not None:
        segment = {"kind": "field", "name": name}
    elif scanner.eat("*"):
        segment = {"kind": "wildcard"}
    elif scanner.eat("?("):
        expr = _filter_or(scanner)
        scanner.skip_spaces()
        if not scanner.eat(")"):
            scanner.fail("the filter must end with ')'")
        segment = {"kind": "filter", "filter": expr}
    else:
        segment = _indexes(scanner)
    if not scanner.eat("]"):
        scanner.fail("expected ']'")
    return segment


def _indexes(scanner):
    def integer():
        text = scanner.match(_INTEGER)
        if text is None:
            return None
        n = int(text)
        if abs(n) > js.MAX_SAFE_INTEGER:
            scanner.fail("the index is too large")
        return n

    first = integer()
    if scanner.peek() == ":":
        scanner.eat(":")
        end = integer()
        step = None
        if scanner.eat(":"):
            step = integer()
            if step is not None and step <= 0:
                scanner.fail("a slice step must be a positive integer")
        segment = {"kind": "slice"}
        for key, value in (("start", first), ("end", end), ("step", step)):
            if value is not None:
                segment[key] = value
        return segment
    if first is None:
        scanner.fail("expected an index, a slice, '*', a quoted name or a filter")
    indexes = [first]
    while scanner.eat(","):
        nxt = integer()
        if nxt is None:
            scanner.fail("an index union lists integers only, such as [0,2]")
        indexes.append(nxt)
    return {"kind": "union", "indexes": indexes} if len(indexes) > 1 else {"kind": "index", "index": first}


def _filter_or(scanner):
    left = _filter_and(scanner)
    while True:
        scanner.skip_spaces()
        if not scanner.eat("||"):
            return left
        left = {"kind": "or", "left": left, "right": _filter_and(scanner)}


def _filter_and(scanner):
    left = _filter_term(scanner)
    while True:
        scanner.skip_spaces()
        if not scanner.eat("&&"):
            return left
        left = {"kind": "and", "left": left, "right": _filter_term(scanner)}


def _filter_term(scanner):
    scanner.skip_spaces()
    if scanner.eat("("):
        inner = _filter_or(scanner)
        scanner.skip_spaces()
        if not scanner.eat(")"):
            scanner.fail("expected ')'")
        return inner
    left = _operand(scanner)
    scanner.skip_spaces()
    op = next((o for o in _OPERATORS if scanner.eat(o)), None)
    if op is None:
        if left["kind"] != "current":
            scanner.fail("a literal alone is not a filter; compare it with an @ path")
        return {"kind": "exists", "path": left["path"]}
    right = _operand(scanner)
    return {"kind": "compare", "op": op, "left": left, "right": right}


def _operand(scanner):
    scanner.skip_spaces()
    if scanner.eat("@"):
        path = []
        while True:
            if scanner.eat("."):
                name = scanner.match(_IDENTIFIER)
                if name is None:
                    scanner.fail("'@.' must be followed by a field name")
                path.append(name)
            elif scanner.peek() == "[":
                scanner.eat("[")
                name = scanner.quoted()
                index = scanner.match(_DIGITS) if name is None else None
                if name is None and index is None:
                    scanner.fail("inside a filter, '@' paths take fields and indexes only")
                path.append(name if name is not None else js._number(index))
                if not scanner.eat("]"):
                    scanner.fail("expected ']'")
            else:
                return {"kind": "current", "path": path}
    text = scanner.quoted()
    if text is not None:
        return {"kind": "literal", "value": text}
    for word, value in (("true", True), ("false", False), ("null", None)):
        if scanner.eat(word):
            return {"kind": "literal", "value": value}
    number = scanner.match(_NUMBER)
    if number is not None:
        plain = _INTEGER.fullmatch(number) is not None
        return {"kind": "literal", "value": js._number(number) if plain else float(number)}
    return scanner.fail("a filter compares '@' paths with string, number, true, false or null literals (no scripts)")


def query_path(document, path):
    """A definite path: {'found', 'value'}; an indefinite one: found, with the list of its matches."""
    query = parse_query(path)
    if query["definite"]:
        return _walk(document, [s["name"] if s["kind"] == "field" else s["index"] for s in query["segments"]])
    if not isinstance(document, (dict, list)):
        return {"found": True, "value": []}
    return {"found": True, "value": [v for v in _trace(query["segments"], document)]}


def _walk(document, segments):
    current = document
    for segment in segments:
        if not isinstance(segment, str):
            if not isinstance(current, list):
                return {"found": False}
            index = len(current) + segment if segment < 0 else segment
            if index < 0 or index >= len(current):
                return {"found": False}
            current = current[int(index)]
        else:
            if not isinstance(current, dict) or segment not in current:
                return {"found": False}
            current = current[segment]
    return {"found": True, "value": current}


def _children(value):
    """jsonpath-plus's walk: an array's indexes, an object's keys in Object.keys order."""
    if isinstance(value, list):
        return [(i, v) for i, v in enumerate(value)]
    if isinstance(value, dict):
        return [(k, value[k]) for k in js.keys(value)]
    return []


def _member(value, key):
    """A JSON member by name or index, as jsonpath-plus follows it and the JSON location check keeps it."""
    if isinstance(value, list):
        text = key if isinstance(key, str) else str(key)
        if _ARRAY_INDEX.fullmatch(text) and int(text) < len(value):
            return [value[int(text)]]
        return []
    if isinstance(value, dict):
        name = key if isinstance(key, str) else str(key)
        return [value[name]] if name in value else []
    return []


def _slice_indexes(length, start, end, step):
    start = 0 if start is None else start
    end = length if end is None else end
    start = max(0, start + length) if start < 0 else min(length, start)
    end = max(0, end + length) if end < 0 else min(length, end)
    return range(start, end, step or 1)


def _trace(segments, value):
    """Matches of `segments` under `value`, in jsonpath-plus's order."""
    if not segments:
        yield value
        return
    segment, rest = segments[0], segments[1:]
    kind = segment["kind"]
    if kind == "field":
        for child in _member(value, segment["name"]):
            yield from _trace(rest, child)
    elif kind == "index":
        index = segment["index"]
        if index >= 0:
            for child in _member(value, index):
                yield from _trace(rest, child)
        elif isinstance(value, list):
            for i in _slice_indexes(len(value), index, None if index == -1 else index + 1, None):
                yield from _trace(rest, value[i])
    elif kind == "wildcard":
        for _, child in _children(value):
            yield from _trace(rest, child)
    elif kind == "union":
        for index in segment["indexes"]:
            for child in _member(value, index):
                yield from _trace(rest, child)
    elif kind == "slice":
        if isinstance(value, list) and segment.get("end") != 0:
            for i in _slice_indexes(len(value), segment.get("start"), segment.get("end"), segment.get("step")):
                yield from _trace(rest, value[i])
    elif kind == "filter":
        for _, child in _children(value):
            if _test_filter(segment["filter"], child):
                yield from _trace(rest, child)
    else:  # descent: this level first, then each object or array child, recursively
        yield from _trace([segment["then"]] + rest, value)
        for _, child in _children(value):
            if isinstance(child, (dict, list)):
                yield from _trace(segments, child)


def _test_filter(expr, item):
    """Jayway's filter semantics: a missing field or a comparison across types is false, never an error."""
    kind = expr["kind"]
    if kind == "and":
        return _test_filter(expr["left"], item) and _test_filter(expr["right"], item)
    if kind == "or":
        return _test_filter(expr["left"], item) or _test_filter(expr["right"], item)
    if kind == "exists":
        return _walk(item, expr["path"])["found"]
    left = _operand_value(expr["left"], item)
    right = _operand_value(expr["right"], item)
    op = expr["op"]
    if not left["found"] or not right["found"]:
        return op == "!=" and left["found"] != right["found"]
    a, b = left["value"], right["value"]
    if op == "==":
        return _json_equal(a, b)
    if op == "!=":
        return not _json_equal(a, b)
    if js.is_number(a) and js.is_number(b):
        cmp = -1 if a < b else 1 if a > b else 0
    elif isinstance(a, str) and isinstance(b, str):
        cmp = js.utf16_compare(a, b)
    else:
        return False
    return {"<": cmp < 0, "<=": cmp <= 0, ">": cmp > 0, ">=": cmp >= 0}[op]


def _operand_value(operand, item):
    if operand["kind"] == "literal":
        return {"found": True, "value": operand["value"]}
    return _walk(item, operand["path"])


def _json_equal(a, b):
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and len(a) == len(b) and all(k in b and _json_equal(a[k], b[k]) for k in a)
    if js.is_number(a) or js.is_number(b):
        return js.is_number(a) and js.is_number(b) and a == b
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return a == b
