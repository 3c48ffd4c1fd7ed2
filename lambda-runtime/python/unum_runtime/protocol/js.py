"""JavaScript semantics the protocol depends on, so both runtimes produce the same bytes.

Keys, messages and stored JSON are built by the Node runtime with String(), template
literals, JSON.parse/JSON.stringify and encodeURIComponent; these functions reproduce
them (the conformance vectors in protocol-vectors/ pin each one).
"""
import json
import math
import re
from urllib.parse import quote


class _Undefined:
    """JavaScript's `undefined`: a property that is absent, as opposed to one that is null."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self):
        return "undefined"

    def __bool__(self):
        return False


UNDEFINED = _Undefined()
MAX_SAFE_INTEGER = 2 ** 53 - 1


def prop(value, key):
    """`value[key]` (or `value?.[key]`) of a JSON value: UNDEFINED unless `value` is an object holding `key`."""
    if isinstance(value, dict) and key in value:
        return value[key]
    return UNDEFINED


def is_number(value):
    """`typeof value === 'number'` (a Python bool is not a number in JSON)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def json_type(value):
    """The JSON type of a value as error messages name it (src/protocol/json-type.ts): 'null', 'array',
    'object', 'string', 'number', 'boolean', or 'undefined' for UNDEFINED."""
    if value is None:
        return "null"
    if isinstance(value, list):
        return "array"
    if isinstance(value, bool):
        return "boolean"
    if is_number(value):
        return "number"
    if isinstance(value, str):
        return "string"
    return "undefined" if value is UNDEFINED else "object"


def is_integer(value):
    """Number.isInteger: 1.0 is an integer, true is not."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and math.isfinite(value) and value.is_integer()


def is_finite(value):
    """Number.isFinite."""
    return is_number(value) and math.isfinite(value)


def is_object(value):
    """A JSON object (not null, not an array)."""
    return isinstance(value, dict)


def number_to_string(value):
    """Number.prototype.toString(): `1.0` is `1`, 1e21 is `1e+21`, 1e-7 is `1e-7`."""
    if isinstance(value, int) and not isinstance(value, bool):
        if abs(value) <= MAX_SAFE_INTEGER:
            return str(value)
        value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    mantissa, _, exponent = repr(abs(value)).partition("e")
    point = mantissa.find(".")
    point = len(mantissa) if point < 0 else point
    all_digits = mantissa.replace(".", "")
    leading = len(all_digits) - len(all_digits.lstrip("0"))
    digits = all_digits.strip("0")
    # repr gives the shortest round-tripping digits, as ECMAScript's Number::toString does;
    # n places the decimal point: value = 0.<digits> * 10^n.
    n = point - leading + int(exponent or 0)
    k = len(digits)
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    e = n - 1
    head = digits[0] + ("." + digits[1:] if k > 1 else "")
    return sign + head + "e" + ("+" if e >= 0 else "-") + str(abs(e))


def to_string(value):
    """String(value), as a template literal converts it."""
    if value is UNDEFINED:
        return "undefined"
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if is_number(value):
        return number_to_string(value)
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return ",".join("" if v is None or v is UNDEFINED else to_string(v) for v in value)
    return "[object Object]"


_ARRAY_INDEX = re.compile(r"0|[1-9][0-9]*")


def _is_array_index(key):
    return _ARRAY_INDEX.fullmatch(key) is not None and int(key) < 2 ** 32 - 1


def keys(obj):
    """Object.keys order: array-index keys ascending, then the others in insertion order."""
    indexes = sorted((k for k in obj if _is_array_index(k)), key=int)
    return indexes + [k for k in obj if not _is_array_index(k)]


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f\ud800-\udfff]')


def _escape(match):
    ch = match.group(0)
    return _ESCAPES.get(ch) or "\\u%04x" % ord(ch)


def _quote(text):
    return '"' + _NEEDS_ESCAPE.sub(_escape, text) + '"'


def dumps(value):
    """JSON.stringify(value) (compact); UNDEFINED at the top gives None, as JSON.stringify gives undefined."""
    if value is UNDEFINED:
        return None
    parts = []
    _dump(value, parts)
    return "".join(parts)


def _dump(value, out):
    if value is None or value is UNDEFINED:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_quote(value))
    elif is_number(value):
        out.append(number_to_string(value) if math.isfinite(value) else "null")
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _dump(item, out)
        out.append("]")
    elif isinstance(value, dict):
        out.append("{")
        first = True
        for key in keys(value):
            item = value[key]
            if item is UNDEFINED:
                continue
            if not first:
                out.append(",")
            first = False
            out.append(_quote(key))
            out.append(":")
            _dump(item, out)
        out.append("}")
    else:
        raise TypeError("%s is not JSON" % type(value).__name__)


def _number(text):
    """A JSON integer as JavaScript reads it: exact up to 2^53, a double beyond."""
    n = int(text)
    return n if abs(n) <= MAX_SAFE_INTEGER else float(text)


def _no_constant(name):
    raise ValueError("%s is not JSON" % name)


def loads(text):
    """JSON.parse: every number a double (integers kept as int where exact), no NaN/Infinity literals."""
    return json.loads(text, parse_int=_number, parse_constant=_no_constant)


def encode_uri_component(text):
    """encodeURIComponent: UTF-8, uppercase hex, A-Z a-z 0-9 - _ . ! ~ * ' ( ) kept."""
    return quote(text, safe="!~*'()", encoding="utf-8", errors="strict")


def to_base36(n):
    """Number.prototype.toString(36) of a non-negative integer."""
    n = int(n)
    if n == 0:
        return "0"
    digits = []
    while n:
        n, r = divmod(n, 36)
        digits.append("0123456789abcdefghijklmnopqrstuvwxyz"[r])
    return "".join(reversed(digits))


_BASE36_PREFIX = re.compile(r"[\s\ufeff]*([+-]?)([0-9a-zA-Z]*)")


def parse_int36(text):
    """parseInt(text, 36): the longest prefix of base-36 digits; NaN when there is none."""
    m = _BASE36_PREFIX.match(text)
    if not m or not m.group(2):
        return float("nan")
    value = int(m.group(2), 36)
    return -value if m.group(1) == "-" else value


def utf16_compare(a, b):
    """JavaScript compares strings by UTF-16 code units, not code points."""
    if a == b:
        return 0
    ea, eb = a.encode("utf-16-be", "surrogatepass"), b.encode("utf-16-be", "surrogatepass")
    return -1 if ea < eb else 1


def stringify(value):
    """`${JSON.stringify(value)}` in a message: `undefined` for an absent value."""
    text = dumps(value)
    return "undefined" if text is None else text
