"""Step Functions' JSONata query language (port of src/protocol/jsonata.ts), evaluated with the
jsonata-python package (never with eval).

jsonata-python is not in Lambda's Python runtime: the layer ships it beside unum_runtime
(lambda-runtime/python/requirements-layer.txt). It is imported on first use, so only workflows
that use JSONata pay the import.

Where jsonata-python differs from jsonata-js, this wrapper makes it behave as jsonata-js (which the
vectors record): JSON null and JSONata's "no match" are both None in jsonata-python, so values go in
with null as its NULL_VALUE and come out with NULL_VALUE as None and a bare None as undefined; and
errors are named by their JSONata code only, which both implementations share.
"""
import random
import re

from . import js
from ._generated import ERROR_QUERY_EVALUATION as QUERY_EVALUATION_ERROR
from ._generated import STEP_FUNCTIONS_JSONATA_FUNCTIONS
from .dataflow_error import DataFlowError
from .intrinsics import call_intrinsic_function, seeded_random_fraction

__all__ = ["is_jsonata_expression", "evaluate_jsonata_template", "jsonata_input", "jsonata_output", "jsonata_item_selector", "jsonata_condition",
           "jsonata_template_problems", "jsonata_flow_problems", "jsonata_random", "call_step_functions_jsonata_function"]

_VARIABLE_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,79}$")
_FORBIDDEN_FUNCTIONS = ("eval",)
_module = None
# What jsonata-python's lambdas and function references are (Python callables or parse-tree symbols).
_FUNCTION_TYPES = ("JLambda", "JFunction", "JNativeFunction", "Symbol")


def _jsonata():
    global _module
    if _module is None:
        try:
            import jsonata  # noqa: PLC0415  lazy: only JSONata workflows import it
            from jsonata import functions, jexception  # noqa: PLC0415
            from jsonata.utils import Utils  # noqa: PLC0415
        except ImportError as e:  # pragma: no cover - the layer always ships it
            raise DataFlowError(QUERY_EVALUATION_ERROR, "the jsonata-python package is missing from the runtime layer (%s)" % e) from e
        _align_with_jsonata_js(jsonata.Jsonata, functions.Functions, jexception.JException, Utils)
        _module = (jsonata, Utils)
    return _module


def _align_with_jsonata_js(engine, functions, jexception, utils):
    """Where jsonata-python 0.7.1 gives another result than jsonata-js (which Step Functions runs and the
    vectors record), its function is replaced by one that gives jsonata-js's:
    - $string of an object or array: JSON.stringify's text (non-ASCII kept, not \\u-escaped) with every
      number at 15 significant digits, as jsonata-js's replacer does (jsonata-python rounds only a bare number);
    - $number of a string that is not a number: error D3030 (jsonata-python raises Python's ValueError)."""
    original_string, original_number = functions._string, functions.number

    def to_plain(value):
        if value is utils.NULL_VALUE:
            return None
        if isinstance(value, dict):
            return {k: to_plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [to_plain(v) for v in value]
        if isinstance(value, float) and js.is_finite(value):
            return float("%.15g" % value)
        if callable(value) or type(value).__name__ in _FUNCTION_TYPES:
            return ""
        return value

    def string(arg, prettify):
        if isinstance(arg, (dict, list)) and not prettify:
            return js.dumps(to_plain(arg))
        return original_string(arg, prettify)

    def number(arg):
        try:
            return original_number(arg)
        except ValueError as e:
            raise jexception("D3030", -1, arg) from e

    functions._string = staticmethod(string)
    # $number's native function captured Functions.number when the library defined it.
    engine.static_frame.lookup("number").method = number


def jsonata_random(args):
    """$random(): 0 <= n < 1; $random(seed): java.util.Random(seed).nextDouble(), the generator of a seeded States.MathRandom."""
    if len(args) > 1:
        raise DataFlowError(QUERY_EVALUATION_ERROR, "$random: takes 0 to 1 arguments, got %d" % len(args))
    if len(args) == 0 or args[0] is js.UNDEFINED:
        return random.random()
    seed = args[0]
    if not js.is_number(seed) or not js.is_integer(seed):
        raise DataFlowError(QUERY_EVALUATION_ERROR, "$random: the seed must be an integer, got %s" % js.dumps(seed))
    return seeded_random_fraction(int(seed))


def call_step_functions_jsonata_function(name, args):
    """One of Step Functions' JSONata functions applied: an intrinsic's failure is the expression's, named by the function."""
    if name == "random":
        return jsonata_random(args)
    intrinsic = STEP_FUNCTIONS_JSONATA_FUNCTIONS.get(name)
    if intrinsic is None:
        raise ValueError("'$%s' is not one of Step Functions' JSONata functions" % name)
    try:
        return call_intrinsic_function(intrinsic, args)
    except DataFlowError as e:
        raise DataFlowError(QUERY_EVALUATION_ERROR, "$%s: %s" % (name, str(e).replace("States.%s: " % intrinsic, "", 1))) from e


class _FunctionFailure(Exception):
    """A Step Functions function's failure inside jsonata-python, carried out to _evaluate with its message."""


def _function_bindings(jsonata, utils):
    """The functions as bindings, after the variables so that a variable of a function's name does not replace it (as in jsonata.ts)."""
    def bind(name):
        def call(*args):
            # jsonata-python's undefined (None) for an absent argument, its NULL_VALUE for null.
            plain = [js.UNDEFINED if a is None else _to_json(a, utils) for a in args]
            try:
                return _to_jsonata(call_step_functions_jsonata_function(name, plain), utils)
            except DataFlowError as e:
                raise _FunctionFailure(str(e)) from e
        return jsonata.Jsonata.JLambda(call)

    return {name: bind(name) for name in (*STEP_FUNCTIONS_JSONATA_FUNCTIONS, "random")}


def is_jsonata_expression(value):
    """Whether a value is a `{% ... %}` JSONata expression string."""
    return isinstance(value, str) and value.startswith("{%") and value.endswith("%}") and len(value) >= 4


def _body(text):
    return text[2:-2].strip()


def evaluate_jsonata_template(template, states, variables, field):
    """The value of a template: each `{% %}` string, at any depth and inside arrays, replaced by its value."""
    if is_jsonata_expression(template):
        return _evaluate(template, states, variables, field)
    if isinstance(template, list):
        return [evaluate_jsonata_template(t, states, variables, "%s[%d]" % (field, i)) for i, t in enumerate(template)]
    if not isinstance(template, dict):
        return template
    return {k: evaluate_jsonata_template(v, states, variables, "%s.%s" % (field, k)) for k, v in template.items()}


def jsonata_input(flow, input, context=js.UNDEFINED, variables=None):
    """The user code's input: Arguments evaluated on $states.input (absent: the input)."""
    arguments = js.prop(flow, "arguments")
    if arguments is js.UNDEFINED:
        return input
    return evaluate_jsonata_template(arguments, {"input": input, "context": context}, variables, "Arguments")


def jsonata_output(flow, states, variables=None):
    """The state's output and the variables after it: Output and every Assign value evaluated with the
    same $states and the variables from before the state, then the assignments applied."""
    if states.get("errorOutput", js.UNDEFINED) not in (js.UNDEFINED, None):
        fallback = states["errorOutput"]
    elif "result" in states:
        fallback = states["result"]
    else:
        fallback = states["input"]
    output_template = js.prop(flow, "output")
    output = fallback if output_template is js.UNDEFINED else evaluate_jsonata_template(output_template, states, variables, "Output")
    after = dict(variables or {})
    assign = js.prop(flow, "assign")
    for name, template in ({} if assign is js.UNDEFINED else assign).items():
        after[name] = evaluate_jsonata_template(template, states, variables, "Assign.%s" % name)
    return {"output": output, "variables": after}


def jsonata_choice_transition(state, rule, states, variables=None):
    """A JSONata Choice's way out, on $states.input: the matched rule's Output over the state's (neither: the
    input); the state's Assign and the rule's (a name in both: the rule's), all with the variables from before.
    `rule` None: the Default."""
    rule_output = js.prop(rule, "output") if rule is not None else js.UNDEFINED
    output = rule_output if rule_output is not js.UNDEFINED else (js.prop(state, "output") if state is not None else js.UNDEFINED)
    assign = {}
    for t in (state, rule):
        given = js.prop(t, "assign") if t is not None else js.UNDEFINED
        if given is not js.UNDEFINED:
            assign.update(given)
    flow = {"assign": assign} if output is js.UNDEFINED else {"output": output, "assign": assign}
    return jsonata_output(flow, {"input": states["input"], "context": states.get("context", js.UNDEFINED)}, variables)


def jsonata_item_selector(template, map_input, context=js.UNDEFINED, variables=None):
    """A JSONata Map's ItemSelector for one item: the template on the Map's input ($states.input), the context
    holding the item as $states.context.Map.Item.Index and .Value; its value is the item's input."""
    return evaluate_jsonata_template(template, {"input": map_input, "context": context}, variables, "ItemSelector")


def jsonata_condition(expression, input, context=js.UNDEFINED, variables=None):
    """A Choice rule's Condition: must evaluate to a boolean."""
    value = evaluate_jsonata_template(expression, {"input": input, "context": context}, variables, "Condition")
    if not isinstance(value, bool):
        raise DataFlowError(QUERY_EVALUATION_ERROR, "Condition '%s' must evaluate to a boolean, got %s" % (expression, js.dumps(value)))
    return value


def _evaluate(text, states, variables, field):
    jsonata, utils = _jsonata()
    try:
        compiled = jsonata.Jsonata(_body(text))
        compiled.set_output_convert_nulls(False)
        bindings = {k: _to_jsonata(v, utils) for k, v in (variables or {}).items()}
        bindings.update(_function_bindings(jsonata, utils))
        bindings["states"] = _to_jsonata(_states_binding(states), utils)
        # The input ($) is the state's input too, as in Step Functions.
        value = compiled.evaluate(_to_jsonata(states.get("input"), utils), bindings)
    except DataFlowError:
        raise
    except (ZeroDivisionError, OverflowError) as e:
        # jsonata-js computes Infinity (then fails on it); jsonata-python fails at once: one message for both.
        raise DataFlowError(QUERY_EVALUATION_ERROR, "%s: the JSONata expression '%s' failed: %s" % (field, text, _NOT_FINITE)) from e
    except Exception as e:  # noqa: BLE001  any failure of the expression is the state's QueryEvaluationError
        raise DataFlowError(QUERY_EVALUATION_ERROR, "%s: the JSONata expression '%s' failed: %s" % (field, text, _describe(e))) from e
    if value is None:
        raise DataFlowError(QUERY_EVALUATION_ERROR, "%s: the JSONata expression '%s' returned no value (undefined)" % (field, text))
    try:
        return _to_json(value, utils)
    except ValueError as e:
        raise DataFlowError(QUERY_EVALUATION_ERROR, "%s: the JSONata expression '%s' failed: %s" % (field, text, e)) from e


def _states_binding(states):
    out = {"input": states.get("input")}
    for key in ("result", "errorOutput", "context"):
        value = states.get(key, js.UNDEFINED)
        # A null context or error output is an absent one (the runtimes pass None when no expression reads the context).
        if value is not js.UNDEFINED and not (key != "result" and value is None):
            out[key] = value
    return out


def _to_jsonata(value, utils):
    if value is None:
        return utils.NULL_VALUE
    if isinstance(value, dict):
        return {k: _to_jsonata(v, utils) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_jsonata(v, utils) for v in value]
    return value


def _to_json(value, utils):
    if value is utils.NULL_VALUE:
        return None
    if callable(value) or type(value).__name__ in _FUNCTION_TYPES:
        raise ValueError("it returned a function, which has no JSON value")
    if isinstance(value, float) and not js.is_finite(value):
        raise ValueError(_NOT_FINITE)
    if isinstance(value, list):
        return [_to_json(v, utils) for v in value if v is not None]
    if isinstance(value, dict):
        return {k: _to_json(v, utils) for k, v in value.items() if v is not None}
    return value


_NOT_FINITE = "a number is not finite (Infinity or NaN, as of a division by zero)"


def _describe(e):
    code = getattr(e, "error", None)
    if code == "D3001":
        return _NOT_FINITE
    return "JSONata error %s" % code if isinstance(code, str) else str(e)


def jsonata_template_problems(template, field):
    """Problems of a JSONata template (each `{% %}` string must parse); each names the field."""
    if is_jsonata_expression(template):
        return _expression_problems(template, field)
    if isinstance(template, str) and (template.lstrip().startswith("{%") or template.rstrip().endswith("%}")):
        return ["%s: '%s' looks like a JSONata expression but is not of the form '{%% expression %%}' (no spaces outside the braces)" % (field, template)]
    if isinstance(template, list):
        return [p for i, t in enumerate(template) for p in jsonata_template_problems(t, "%s[%d]" % (field, i))]
    if not isinstance(template, dict):
        return []
    return [p for k, v in template.items() for p in jsonata_template_problems(v, "%s.%s" % (field, k))]


def _expression_problems(text, field):
    body = _body(text)
    if body == "":
        return ["%s: '%s' is an empty JSONata expression" % (field, text)]
    jsonata, _ = _jsonata()
    try:
        jsonata.Jsonata(body)
    except Exception as e:  # noqa: BLE001
        return ["%s: the JSONata expression '%s' does not parse (%s)" % (field, text, _describe(e))]
    return ["%s: '%s' calls $%s, which Step Functions' JSONata does not provide (use $parse)" % (field, text, f)
            for f in _FORBIDDEN_FUNCTIONS if re.search(r"\$%s\s*\(" % f, body)]


def jsonata_flow_problems(flow):
    """Problems of a JSONata data flow (Arguments, Output, Assign)."""
    problems = jsonata_template_problems(js.prop(flow, "arguments"), "arguments") + jsonata_template_problems(js.prop(flow, "output"), "outputs")
    assign = js.prop(flow, "assign")
    for name, value in ({} if assign is js.UNDEFINED else assign).items():
        if not _VARIABLE_PATTERN.match(name) or name == "states":
            problems.append("assign: '%s' is not a variable name (a letter or _, then letters, digits or _, at most 80; not 'states')" % name)
        problems.extend(jsonata_template_problems(value, "assign.%s" % name))
    return problems
