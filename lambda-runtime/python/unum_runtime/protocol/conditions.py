"""The rule language of Condition (port of src/protocol/conditions.ts), Step Functions' Choice
semantics: a comparison whose variable (or other path) is missing is a States.Runtime error, one on
a value of another type is false; the type tests never fail."""
import re

from . import js
from ._generated import COMPARISON_OPERATORS, TYPE_TEST_OPERATORS
from .context import query_state_path
from .dataflow import parse_state_path
from .dataflow_error import DataFlowError
from .jsonata import is_jsonata_expression, jsonata_template_problems

__all__ = ["COMPARISON_OPERATORS", "TYPE_TEST_OPERATORS", "evaluate_condition", "validate_condition", "condition_paths"]

def evaluate_condition(condition, document, context=js.UNDEFINED):
    """Evaluates a condition (its JSON form) against a document (the node's output); `$$` paths read `context`."""
    op = condition["op"]
    if op == "and":
        return all(evaluate_condition(c, document, context) for c in condition["conditions"])
    if op == "or":
        return any(evaluate_condition(c, document, context) for c in condition["conditions"])
    if op == "not":
        return not evaluate_condition(condition["condition"], document, context)
    if op == "jsonata":
        raise ValueError("the JSONata condition '%s' is evaluated with jsonataCondition, not evaluateCondition" % condition["expression"])
    left = query_state_path(document, js.prop(condition, "path"), context)
    if op in TYPE_TEST_OPERATORS:
        value = js.prop(condition, "value")
        return isinstance(value, bool) and _test_type(op, left) is value
    if not left["found"]:
        raise _missing_path(js.prop(condition, "path"))
    if "otherPath" in condition:
        other = query_state_path(document, js.prop(condition, "otherPath"), context)
        if not other["found"]:
            raise _missing_path(js.prop(condition, "otherPath"))
        right = other["value"]
        op = op[:-len("Path")]
    else:
        right = js.prop(condition, "value")
    return _compare(op, left["value"], right)


def _missing_path(path):
    """Step Functions fails the execution rather than take the Default (IsPresent tests for a field)."""
    return DataFlowError("States.Runtime", "Invalid path '%s': The choice state's condition path references an invalid value." % js.to_string(path))


def condition_paths(condition):
    """Every path a condition reads (variables and other paths), in rule order."""
    op = condition["op"]
    if op in ("and", "or"):
        return [p for c in condition["conditions"] for p in condition_paths(c)]
    if op == "not":
        return condition_paths(condition["condition"])
    if op == "jsonata":
        return []
    return [condition["path"], condition["otherPath"]] if "otherPath" in condition else [condition["path"]]


def validate_condition(condition):
    """The problems of a condition's structure, operators, value types and paths (empty when valid)."""
    problems = []

    def visit(c, top=False):
        op = c["op"]
        if op == "jsonata":
            expression = js.prop(c, "expression")
            if not top:
                problems.append("a JSONata condition is a whole rule: combine conditions inside its expression, not with and/or/not")
            elif not is_jsonata_expression(expression):
                problems.append("a JSONata condition must be a '{%% expression %%}' string, got %s" % js.stringify(expression))
            else:
                problems.extend(jsonata_template_problems(expression, "condition"))
            return
        if op in ("and", "or"):
            conditions = js.prop(c, "conditions")
            if not isinstance(conditions, list) or len(conditions) == 0:
                problems.append("'%s' needs at least one condition" % op)
            else:
                for sub in conditions:
                    visit(sub)
            return
        if op == "not":
            return visit(c["condition"])
        path_op = op.endswith("Path")
        base = op[:-len("Path")] if path_op else op
        is_comparison = base in COMPARISON_OPERATORS
        is_type_test = op in TYPE_TEST_OPERATORS
        if not is_comparison and not is_type_test:
            problems.append("unknown operator '%s': use one of %s" % (
                op, ", ".join(list(COMPARISON_OPERATORS) + list(TYPE_TEST_OPERATORS) + ["and", "or", "not"])))
            return
        paths = [js.prop(c, "path"), js.prop(c, "otherPath")] if path_op else [js.prop(c, "path")]
        for path in paths:
            try:
                parse_state_path(path)
            except ValueError as e:
                problems.append(str(e))
        if path_op:
            return
        expected = "boolean" if is_type_test or base == "booleanEquals" else "number" if base.startswith("number") else "string"
        value = js.prop(c, "value")
        if js.json_type(value) != expected:
            problems.append("%s on '%s' needs a %s value (got %s)" % (op, js.to_string(js.prop(c, "path")), expected, js.stringify(value)))

    visit(condition, True)
    return problems


def _test_type(op, left):
    found = left["found"]
    v = left.get("value")
    if op == "isPresent":
        return found
    if op == "isNull":
        return found and v is None
    if op == "isString":
        return found and isinstance(v, str)
    if op == "isNumeric":
        return found and js.is_number(v)
    if op == "isBoolean":
        return found and isinstance(v, bool)
    if op == "isTimestamp":
        return found and isinstance(v, str) and _timestamp_ms(v) is not None
    raise ValueError("unknown type test '%s'" % op)


def _compare(op, left, right):
    if op.startswith("string"):
        if not isinstance(left, str) or not isinstance(right, str):
            return False
        if op == "stringMatches":
            return _glob_match(left, right)
        return _ordered(op[len("string"):], js.utf16_compare(left, right))
    if op.startswith("number"):
        if not js.is_number(left) or not js.is_number(right):
            return False
        # JavaScript numbers are doubles: compare as doubles, as the Node runtime does.
        a, b = float(left), float(right)
        return _ordered(op[len("number"):], (a > b) - (a < b))
    if op == "booleanEquals":
        return isinstance(left, bool) and left is right
    if not isinstance(left, str) or not isinstance(right, str):
        return False
    a, b = _timestamp_ms(left), _timestamp_ms(right)
    if a is None or b is None:
        return False
    return _ordered(op[len("timestamp"):], (a > b) - (a < b))


def _ordered(relation, cmp):
    if relation == "Equals":
        return cmp == 0
    if relation == "LessThan":
        return cmp < 0
    if relation == "GreaterThan":
        return cmp > 0
    if relation == "LessThanEquals":
        return cmp <= 0
    if relation == "GreaterThanEquals":
        return cmp >= 0
    raise ValueError("unknown comparison '%s'" % relation)


def _glob_match(text, pattern):
    """Step Functions' StringMatches: `*` matches any run of characters, `\\*` a literal star."""
    regex = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            i += 1
            regex.append(re.escape(pattern[i]))
        elif ch == "*":
            regex.append(".*")
        else:
            regex.append(re.escape(ch))
        i += 1
    return re.fullmatch("".join(regex), text, re.DOTALL) is not None


_RFC3339 = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?(Z|([+-])([0-9]{2}):([0-9]{2}))")


def _days_from_civil(y, m, d):
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _timestamp_ms(text):
    """Date.parse of an RFC 3339 timestamp as V8 reads it, None where it gives NaN: day 1-31 in any
    month (rolling over), 24:00:00 with a zero fraction, the fraction truncated to milliseconds."""
    m = _RFC3339.fullmatch(text)
    if m is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.group(1, 2, 3, 4, 5, 6))
    fraction = m.group(7) or ""
    if not (1 <= month <= 12 and 1 <= day <= 31 and minute <= 59 and second <= 59):
        return None
    if hour > 24 or (hour == 24 and (minute or second or fraction.strip("0"))):
        return None
    ms = int((fraction + "000")[:3])
    offset = 0
    if m.group(8) != "Z":
        oh, om = int(m.group(10)), int(m.group(11))
        if oh > 23 or om > 59:
            return None
        offset = (oh * 60 + om) * (1 if m.group(9) == "+" else -1)
    days = _days_from_civil(year, month, 1) + day - 1
    return ((days * 24 + hour) * 60 + minute - offset) * 60000 + second * 1000 + ms
