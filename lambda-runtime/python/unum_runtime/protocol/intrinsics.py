"""Step Functions' intrinsic functions (port of src/protocol/intrinsics.ts; protocol-vectors/intrinsics.json
checks both against the same cases): parsed into a tree, then evaluated against the state's input ($)
and the context object ($$)."""
import base64
import binascii
import hashlib
import random
import re
import uuid

from . import js
from ._generated import HASH_ALGORITHMS, INTRINSIC_LIMITS
from .dataflow_error import DataFlowError
from .jsonpath import parse_query, query_path

__all__ = ["is_intrinsic", "parse_intrinsic", "parsed_intrinsic", "intrinsic_paths", "evaluate_intrinsic", "json_equals", "seeded_random_int",
           "seeded_random_fraction", "call_intrinsic_function"]

NESTING = INTRINSIC_LIMITS["nesting"]
ARRAY_RANGE_ITEMS = INTRINSIC_LIMITS["arrayRangeItems"]
ENCODED_INPUT_CHARS = INTRINSIC_LIMITS["encodedInputChars"]
INT32_MIN, INT32_MAX = -2147483648, 2147483647

_START = re.compile(r"States\.[A-Za-z0-9]+\(")
_CALL = re.compile(r"States\.([A-Za-z0-9]+)\(")
_LITERAL = re.compile(r"(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)(?=\s*[,)])")


def is_intrinsic(expression):
    """True when a `.$` value is an intrinsic call rather than a path."""
    return isinstance(expression, str) and _START.match(expression) is not None


def parse_intrinsic(expression):
    """The call tree of an intrinsic expression; ValueError naming the position when it is not one."""
    parser = _Parser(expression)
    call = parser.call(1)
    parser.skip_spaces()
    if not parser.done():
        parser.fail("unexpected text after the closing parenthesis")
    return call


class _Parser:
    def __init__(self, text):
        self.text = text
        self.at = 0

    def done(self):
        return self.at >= len(self.text)

    def fail(self, what):
        raise ValueError("intrinsic function '%s' is not valid at position %d: %s" % (self.text, self._utf16_at(), what))

    def _utf16_at(self):
        return len(self.text[:self.at].encode("utf-16-le")) // 2

    def skip_spaces(self):
        while self.text[self.at:self.at + 1] == " ":
            self.at += 1

    def call(self, depth):
        if depth > NESTING:
            self.fail("intrinsic functions nest at most %d deep" % NESTING)
        m = _CALL.match(self.text, self.at)
        if m is None:
            self.fail("expected States.<Function>(")
        name = m.group(1)
        if name not in _FUNCTIONS:
            self.fail("States.%s is not an intrinsic function (known: %s)" % (name, ", ".join("States." + n for n in _FUNCTIONS)))
        self.at = m.end()
        args = []
        self.skip_spaces()
        if self.text[self.at:self.at + 1] == ")":
            self.at += 1
            return {"name": name, "args": args}
        while True:
            self.skip_spaces()
            args.append(self._argument(depth))
            self.skip_spaces()
            c = self.text[self.at:self.at + 1]
            self.at += 1
            if c == ")":
                return {"name": name, "args": args}
            if c != ",":
                self.at -= 1
                self.fail("expected ',' or ')'")

    def _argument(self, depth):
        rest = self.text[self.at:]
        if rest.startswith("'"):
            return self._string_literal()
        if rest.startswith("States."):
            return {"kind": "call", "call": self.call(depth + 1)}
        if rest.startswith("$"):
            return {"kind": "path", "path": self._path()}
        m = _LITERAL.match(rest)
        if m is None:
            self.fail("expected a string in single quotes, a number, true, false, null, a JSONPath or States.<Function>(...)")
        self.at += m.end()
        return {"kind": "literal", "value": js.loads(m.group(1))}

    def _string_literal(self):
        self.at += 1
        start = self.at
        value = []
        while True:
            c = self.text[self.at:self.at + 1]
            if c == "":
                self.fail("unterminated string (a quote inside a string is written \\')")
            if c == "'":
                break
            if c == "\\":
                escaped = self.text[self.at + 1:self.at + 2]
                if escaped == "" or escaped not in "'{}\\":
                    self.fail("in a string, \\ escapes only ', {, } and \\")
                value.append(escaped)
                self.at += 2
                continue
            value.append(c)
            self.at += 1
        raw = self.text[start:self.at]
        self.at += 1
        return {"kind": "string", "value": "".join(value), "raw": raw}

    def _path(self):
        """A path runs to the ',' or ')' that is outside brackets, parentheses and quotes."""
        start = self.at
        depth = 0
        quote = None
        while self.at < len(self.text):
            c = self.text[self.at]
            if quote:
                if c == "\\":
                    self.at += 1
                elif c == quote:
                    quote = None
            elif c in "'\"":
                quote = c
            elif c in "[(":
                depth += 1
            elif c in "])":
                if depth == 0:
                    break
                depth -= 1
            elif c == "," and depth == 0:
                break
            self.at += 1
        path = self.text[start:self.at].rstrip()
        try:
            parse_query(path[1:] if path.startswith("$$") else path)
        except ValueError as e:
            self.fail(str(e))
        return path


def intrinsic_paths(call):
    """Every path argument of a call, nested calls included (`$$` ones read the context object)."""
    paths = []
    for arg in call["args"]:
        if arg["kind"] == "path":
            paths.append(arg["path"])
        elif arg["kind"] == "call":
            paths.extend(intrinsic_paths(arg["call"]))
    return paths


# Parsed calls by expression (as src/protocol/intrinsics.ts): a template's expressions come from the
# configuration, so each is parsed once per runtime, not per evaluation (nor per Map item); bounded in
# case expressions were ever built at run time. The trees are read-only.
_PARSED = {}
_PARSED_LIMIT = 1024


def parsed_intrinsic(expression):
    """parse_intrinsic, memoized by expression (one that does not parse is not kept and raises each time)."""
    call = _PARSED.get(expression)
    if call is None:
        call = parse_intrinsic(expression)
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.clear()
        _PARSED[expression] = call
    return call


def evaluate_intrinsic(expression, document, context=js.UNDEFINED):
    """The value of an intrinsic expression for the state's input and the context object."""
    try:
        call = parsed_intrinsic(expression)
    except ValueError as e:
        raise DataFlowError("States.IntrinsicFailure", str(e)) from None
    return _evaluate_call(call, document, context)


def _evaluate_call(call, document, context):
    args = [_argument_value(arg, document, context) for arg in call["args"]]
    return _FUNCTIONS[call["name"]](args, call)


def _argument_value(arg, document, context):
    kind = arg["kind"]
    if kind in ("string", "literal"):
        return arg["value"]
    if kind == "call":
        return _evaluate_call(arg["call"], document, context)
    path = arg["path"]
    from_context = path.startswith("$$")
    if from_context and context is js.UNDEFINED:
        raise DataFlowError("States.Runtime", "the context path '%s' cannot be read here: no context object" % path)
    found = query_path(context if from_context else document, path[1:] if from_context else path)
    if not found["found"]:
        raise DataFlowError("States.Runtime", "the path '%s' does not match any field of the value" % path)
    return found["value"]


def _failure(name, message):
    return DataFlowError("States.IntrinsicFailure", "States.%s: %s" % (name, message))


def _arity(name, args, low, high=None):
    high = low if high is None else high
    if len(args) < low or len(args) > high:
        expected = str(low) if low == high else "%d to %d" % (low, high)
        raise _failure(name, "takes %s argument%s, got %d" % (expected, "" if high == 1 else "s", len(args)))


def _describe(value):
    kind = js.json_type(value)
    if kind == "null":
        return kind
    return "an %s" % kind if kind in ("array", "object") else "%s %s" % (kind, js.dumps(value))


def _array(name, value, what):
    if not isinstance(value, list):
        raise _failure(name, "%s must be an array, got %s" % (what, _describe(value)))
    return value


def _string(name, value, what):
    if not isinstance(value, str):
        raise _failure(name, "%s must be a string, got %s" % (what, _describe(value)))
    return value


def _integer(name, value, what):
    if not js.is_number(value) or not js.is_integer(value):
        raise _failure(name, "%s must be an integer, got %s" % (what, _describe(value)))
    return int(value)


def _object(name, value, what):
    if not isinstance(value, dict):
        raise _failure(name, "%s must be a JSON object, got %s" % (what, _describe(value)))
    return value


def _utf16_length(text):
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _limit_length(name, text):
    length = _utf16_length(text)
    if length > ENCODED_INPUT_CHARS:
        raise _failure(name, "the input has %d characters; Step Functions allows at most %d" % (length, ENCODED_INPUT_CHARS))
    return text


def json_equals(a, b):
    """JSON equality (key order ignored; true is not 1), as Step Functions compares array elements."""
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return type(a) is type(b) and a == b
    if js.is_number(a) or js.is_number(b):
        return js.is_number(a) and js.is_number(b) and a == b
    if isinstance(a, list) or isinstance(b, list):
        return isinstance(a, list) and isinstance(b, list) and len(a) == len(b) and all(json_equals(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) or isinstance(b, dict):
        return (isinstance(a, dict) and isinstance(b, dict) and len(a) == len(b)
                and all(k in b and json_equals(v, b[k]) for k, v in a.items()))
    return a == b


def _format_value(value):
    return value if isinstance(value, str) else js.dumps(value)


def _format_pieces(raw):
    """The text around a Format template's {} placeholders; escaped braces are literal."""
    pieces = [""]
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == "\\":
            pieces[-1] += raw[i + 1:i + 2]
            i += 2
        elif c == "{" and raw[i + 1:i + 2] == "}":
            pieces.append("")
            i += 2
        else:
            pieces[-1] += c
            i += 1
    return pieces


def _java_random(seed):
    """java.util.Random(seed)'s next(bits): the 48-bit linear congruential generator."""
    mask = (1 << 48) - 1
    multiplier = 0x5DEECE66D
    state = [(seed ^ multiplier) & mask]

    def next_bits(bits):
        state[0] = (state[0] * multiplier + 11) & mask
        value = state[0] >> (48 - bits)
        return value - (1 << 32) if value >= (1 << 31) else value

    return next_bits


def seeded_random_int(seed, bound):
    """java.util.Random(seed).nextInt(bound), so a seeded States.MathRandom is the same in every runtime."""
    next_bits = _java_random(seed)
    if bound & -bound == bound:
        return (bound * next_bits(31)) >> 31
    while True:
        bits = next_bits(31)
        value = bits % bound
        if bits - value + (bound - 1) <= INT32_MAX:
            return value


def seeded_random_fraction(seed):
    """java.util.Random(seed).nextDouble(): 0 <= n < 1 from 53 random bits (26 then 27, as Java draws them)."""
    next_bits = _java_random(seed)
    high = next_bits(26)
    return (high * 2 ** 27 + next_bits(27)) / 2 ** 53


def _format(args, call):
    if len(args) < 1:
        raise _failure("Format", "takes a template string and one argument per {}")
    first = call["args"][0]
    template = _string("Format", args[0], "the template")
    pieces = _format_pieces(first["raw"] if first["kind"] == "string" else template.replace("\\", "\\\\"))
    values = args[1:]
    if len(pieces) - 1 != len(values):
        raise _failure("Format", "the template has %d placeholder%s {} but %d argument%s given" % (
            len(pieces) - 1, "" if len(pieces) == 2 else "s", len(values), " was" if len(values) == 1 else "s were"))
    out = pieces[0]
    for value, piece in zip(values, pieces[1:]):
        out += _format_value(value) + piece
    return out


def _string_to_json(args, call):
    _arity("StringToJson", args, 1)
    text = _string("StringToJson", args[0], "the argument")
    try:
        return js.loads(text)
    except ValueError:
        shown = text[:80] + "\u2026" if _utf16_length(text) > 80 else text
        raise _failure("StringToJson", "the string is not JSON: %s" % js.dumps(shown)) from None


def _json_to_string(args, call):
    _arity("JsonToString", args, 1)
    return js.dumps(args[0])


def _array_partition(args, call):
    _arity("ArrayPartition", args, 2)
    array = _array("ArrayPartition", args[0], "the first argument")
    size = _integer("ArrayPartition", args[1], "the chunk size")
    if size < 1:
        raise _failure("ArrayPartition", "the chunk size must be positive, got %d" % size)
    return [array[i:i + size] for i in range(0, len(array), size)]


def _array_contains(args, call):
    _arity("ArrayContains", args, 2)
    return any(json_equals(x, args[1]) for x in _array("ArrayContains", args[0], "the first argument"))


def _array_range(args, call):
    _arity("ArrayRange", args, 3)
    start, end, step = (_integer("ArrayRange", a, w) for a, w in zip(args, ("the start", "the end", "the step")))
    if step == 0:
        raise _failure("ArrayRange", "the step must not be 0")
    count = 0 if (end - start) / step < 0 else (end - start) // step + 1
    if count > ARRAY_RANGE_ITEMS:
        raise _failure("ArrayRange", "the range has %d items; Step Functions allows at most %d" % (count, ARRAY_RANGE_ITEMS))
    return [start + i * step for i in range(count)]


def _array_get_item(args, call):
    _arity("ArrayGetItem", args, 2)
    array = _array("ArrayGetItem", args[0], "the first argument")
    index = _integer("ArrayGetItem", args[1], "the index")
    if index < 0 or index >= len(array):
        raise _failure("ArrayGetItem", "index %d is outside the array of %d items" % (index, len(array)))
    return array[index]


def _array_length(args, call):
    _arity("ArrayLength", args, 1)
    return len(_array("ArrayLength", args[0], "the argument"))


def _array_unique(args, call):
    _arity("ArrayUnique", args, 1)
    unique = []
    for x in _array("ArrayUnique", args[0], "the argument"):
        if not any(json_equals(u, x) for u in unique):
            unique.append(x)
    return unique


def _base64_encode(args, call):
    _arity("Base64Encode", args, 1)
    text = _limit_length("Base64Encode", _string("Base64Encode", args[0], "the argument"))
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _base64_decode(args, call):
    _arity("Base64Decode", args, 1)
    text = _limit_length("Base64Decode", _string("Base64Decode", args[0], "the argument"))
    if re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", text) is None or len(text) % 4 == 1:
        raise _failure("Base64Decode", "the argument is not base64")
    try:
        data = base64.b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error:
        raise _failure("Base64Decode", "the argument is not base64") from None
    return data.decode("utf-8", errors="replace")


def _hash(args, call):
    _arity("Hash", args, 2)
    data = _limit_length("Hash", args[0] if isinstance(args[0], str) else js.dumps(args[0]))
    algorithm = _string("Hash", args[1], "the algorithm")
    if algorithm not in HASH_ALGORITHMS:
        raise _failure("Hash", "the algorithm must be one of %s, got %s" % (", ".join(HASH_ALGORITHMS), js.dumps(algorithm)))
    return hashlib.new(HASH_ALGORITHMS[algorithm], data.encode("utf-8")).hexdigest()


def _json_merge(args, call):
    _arity("JsonMerge", args, 3)
    left = _object("JsonMerge", args[0], "the first argument")
    right = _object("JsonMerge", args[1], "the second argument")
    if args[2] is not False:
        raise _failure("JsonMerge", "the third argument (deep merge) must be false: Step Functions merges shallowly only, got %s"
                       % _describe(args[2]))
    merged = dict(left)
    merged.update(right)
    return merged


def _math_random(args, call):
    _arity("MathRandom", args, 2, 3)
    start = _integer("MathRandom", args[0], "the start")
    end = _integer("MathRandom", args[1], "the end")
    if end <= start:
        raise _failure("MathRandom", "the end (%d) must be greater than the start (%d)" % (end, start))
    if len(args) == 3:
        return start + seeded_random_int(_integer("MathRandom", args[2], "the seed"), end - start)
    return start + random.randrange(end - start)


def _math_add(args, call):
    _arity("MathAdd", args, 2)
    numbers = []
    for x, what in zip(args, ("the first argument", "the step")):
        n = _integer("MathAdd", x, what)
        if n < INT32_MIN or n > INT32_MAX:
            raise _failure("MathAdd", "%d is outside the 32-bit integer range" % n)
        numbers.append(n)
    return numbers[0] + numbers[1]


def _string_split(args, call):
    _arity("StringSplit", args, 2)
    text = _string("StringSplit", args[0], "the first argument")
    delimiters = _string("StringSplit", args[1], "the delimiters")
    tokens, token = [], ""
    for c in text:
        if c in delimiters:
            if token:
                tokens.append(token)
            token = ""
        else:
            token += c
    if token:
        tokens.append(token)
    return tokens


def _uuid(args, call):
    _arity("UUID", args, 0)
    return str(uuid.uuid4())


_FUNCTIONS = {
    "Format": _format, "StringToJson": _string_to_json, "JsonToString": _json_to_string, "Array": lambda args, call: list(args),
    "ArrayPartition": _array_partition, "ArrayContains": _array_contains, "ArrayRange": _array_range,
    "ArrayGetItem": _array_get_item, "ArrayLength": _array_length, "ArrayUnique": _array_unique,
    "Base64Encode": _base64_encode, "Base64Decode": _base64_decode, "Hash": _hash, "JsonMerge": _json_merge,
    "MathRandom": _math_random, "MathAdd": _math_add, "StringSplit": _string_split, "UUID": _uuid,
}


def call_intrinsic_function(name, args):
    """One intrinsic applied to argument values (not Format, whose template is its source text): Step Functions'
    JSONata functions ($partition, $range, $hash, $uuid, $parse) are these intrinsics under other names (jsonata.py)."""
    fn = _FUNCTIONS.get(name)
    if fn is None or name == "Format":
        raise ValueError("'%s' is not an intrinsic that takes argument values only" % name)
    return fn(list(args), {"name": name, "args": []})
