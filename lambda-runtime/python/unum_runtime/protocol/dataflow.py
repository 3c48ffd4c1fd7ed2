"""Step Functions' input and output processing (port of src/protocol/dataflow.ts):

    raw input -> InputPath -> Parameters -> [user code, or Pass `result`]
      -> ResultSelector -> ResultPath (into the raw input) -> OutputPath

A field absent from the DataFlow differs from one that is null (Step Functions' `null`), so
absence is js.UNDEFINED here, never None.
"""
from . import js
from .context import context_path_problem, query_state_path, read_context_path
from .dataflow_error import DataFlowError
from .intrinsics import evaluate_intrinsic, intrinsic_paths, is_intrinsic, parse_intrinsic
from ._generated import QUERY_LANGUAGE_JSONATA
from .jsonata import jsonata_flow_problems
from .jsonpath import parse_path, parse_query, query_path

_JSONPATH_FIELDS = ("inputPath", "parameters", "resultSelector", "resultPath", "outputPath")
_JSONATA_FIELDS = ("arguments", "output", "assign")

__all__ = ["DataFlowError", "is_jsonata_flow", "needs_raw_input", "effective_input", "state_output", "pass_output", "apply_template",
           "validate_data_flow", "template_problems"]


def is_jsonata_flow(flow):
    """Whether a data flow is evaluated with JSONata."""
    return flow is not None and flow is not js.UNDEFINED and js.prop(flow, "queryLanguage") == QUERY_LANGUAGE_JSONATA


def effective_input(flow, raw, context=js.UNDEFINED):
    """The user code's input: InputPath, then Parameters."""
    if flow is None or flow is js.UNDEFINED:
        return raw
    selected = _select(raw, js.prop(flow, "inputPath"), "InputPath", context)
    parameters = js.prop(flow, "parameters")
    return selected if parameters is js.UNDEFINED else apply_template(parameters, selected, "Parameters", context)


def state_output(flow, raw, result, executed_version="$LATEST", context=js.UNDEFINED):
    """The state's output from its result: the lambda:invoke response when `lambdaResponse` (with the
    function's `executed_version`), ResultSelector, ResultPath into the raw input, OutputPath."""
    if flow is None or flow is js.UNDEFINED:
        return result
    response = _lambda_invoke_response(result, executed_version) if js.prop(flow, "lambdaResponse") is True else result
    selector = js.prop(flow, "resultSelector")
    selected = response if selector is js.UNDEFINED else apply_template(selector, response, "ResultSelector", context)
    placed = _place_result(raw, js.prop(flow, "resultPath"), selected)
    return _select(placed, js.prop(flow, "outputPath"), "OutputPath", context)


def pass_output(flow, raw, context=js.UNDEFINED):
    """A Pass state: its result is `result` when set, else the effective input."""
    value = effective_input(flow, raw, context)
    without_selector = {k: v for k, v in flow.items() if k not in ("resultSelector", "lambdaResponse")}
    result = js.prop(flow, "result")
    return state_output(without_selector, raw, value if result is js.UNDEFINED else result, context=context)


def _lambda_invoke_response(payload, executed_version):
    """What Step Functions' lambda:invoke integration returns for a successful synchronous invocation:
    Lambda's Invoke response with the function's result as Payload (the SDK's HTTP metadata is not reproduced)."""
    return {"ExecutedVersion": executed_version, "Payload": payload, "StatusCode": 200}


def needs_raw_input(flow):
    """Whether a state's output reads its raw input: a ResultPath that places the result into it (or discards it),
    or a JSONata Output or Assign (which may read $states.input, or $, at a Parallel's or Map's join)."""
    if flow is None or flow is js.UNDEFINED:
        return False
    if is_jsonata_flow(flow):
        return js.prop(flow, "output") is not js.UNDEFINED or js.prop(flow, "assign") is not js.UNDEFINED
    path = js.prop(flow, "resultPath")
    return path is not js.UNDEFINED and path != "$"


def _select(document, path, field, context):
    if path is js.UNDEFINED or path == "$":
        return document
    if path is None:
        return {}
    found = query_state_path(document, path, context)
    if not found["found"]:
        raise DataFlowError("States.Runtime", "%s '%s' does not match any field of the value" % (field, js.to_string(path)))
    return found["value"]


def _place_result(raw, path, result):
    if path is js.UNDEFINED:
        return result
    if path is None:
        return raw
    segments = parse_path(path)
    if not segments:
        return result
    if not isinstance(raw, dict):
        raise DataFlowError("States.ResultPathMatchFailure", "ResultPath '%s' cannot be applied: the input is not a JSON object" % path)
    root = dict(raw)
    cursor = root
    for i, segment in enumerate(segments):
        if not isinstance(segment, str):
            raise DataFlowError("States.ResultPathMatchFailure", "ResultPath '%s' cannot index into arrays" % path)
        if i == len(segments) - 1:
            cursor[segment] = result
            break
        existing = cursor.get(segment, js.UNDEFINED)
        if existing is not js.UNDEFINED and not isinstance(existing, dict):
            raise DataFlowError("States.ResultPathMatchFailure",
                                "ResultPath '%s' cannot be applied: '%s' is not a JSON object in the input" % (path, segment))
        copy = dict(existing) if isinstance(existing, dict) else {}
        cursor[segment] = copy
        cursor = copy
    return root


def apply_template(template, document, field, context=js.UNDEFINED):
    """Step Functions' payload template: keys ending in `.$` take the value at their path or of their intrinsic function."""
    if isinstance(template, list):
        return [apply_template(t, document, field, context) for t in template]
    if not isinstance(template, dict):
        return template
    out = {}
    for key in js.keys(template):
        value = template[key]
        if key.endswith(".$"):
            out[key[:-2]] = _template_value(value, document, field, key, context)
        else:
            out[key] = apply_template(value, document, field, context)
    return out


def _template_value(expression, document, field, key, context):
    if is_intrinsic(expression):
        try:
            return evaluate_intrinsic(expression, document, context)
        except DataFlowError as e:
            raise DataFlowError(e.name, "%s: '%s': %s" % (field, key, e)) from None
    is_context = isinstance(expression, str) and expression.startswith("$$")
    found = read_context_path(context, expression) if is_context else query_path(document, expression)
    if not found["found"]:
        raise DataFlowError("States.Runtime", "%s: the path '%s' of '%s' does not match any field of the value"
                            % (field, js.to_string(expression), key))
    return found["value"]


def parse_state_path(path):
    """Checks a path of the input or (`$$`) of the context object (InputPath, OutputPath, Choice variables); raises naming the problem."""
    if isinstance(path, str) and path.startswith("$$"):
        problem = context_path_problem(path, False)
        if problem is not None:
            raise ValueError(problem)
        return None
    parse_query(path)
    return None


def validate_data_flow(flow):
    """The problems of a data flow's paths and templates, each naming the field."""
    problems = []
    language = js.prop(flow, "queryLanguage")
    if language is not js.UNDEFINED and language != QUERY_LANGUAGE_JSONATA:
        problems.append("queryLanguage must be '%s' or absent (JSONPath), got %s" % (QUERY_LANGUAGE_JSONATA, js.dumps(language)))
    jsonata = language == QUERY_LANGUAGE_JSONATA
    for field in _JSONPATH_FIELDS if jsonata else _JSONATA_FIELDS:
        if js.prop(flow, field) is not js.UNDEFINED:
            problems.append("%s is a JSONPath field: a JSONata state uses arguments and outputs instead" % field if jsonata
                            else "%s is a JSONata field: set the query language to JSONata to use it" % field)
    if jsonata:
        assign = js.prop(flow, "assign")
        if assign is not js.UNDEFINED and not isinstance(assign, dict):
            problems.append("assign must be an object of variable names to values")
        else:
            problems.extend(jsonata_flow_problems(flow))

    def check_path(path, field, parse):
        if path is js.UNDEFINED or path is None:
            return
        try:
            parse(path)
        except ValueError as e:
            problems.append("%s: %s" % (field, e))

    check_path(js.prop(flow, "inputPath"), "inputPath", parse_state_path)
    check_path(js.prop(flow, "outputPath"), "outputPath", parse_state_path)
    result_path = js.prop(flow, "resultPath")
    check_path(result_path, "resultPath", parse_path)
    if isinstance(result_path, str):
        try:
            if any(not isinstance(s, str) for s in parse_path(result_path)):
                problems.append("resultPath '%s' cannot index into arrays" % result_path)
        except ValueError:
            pass  # reported above
    problems.extend(template_problems(js.prop(flow, "parameters"), "parameters"))
    problems.extend(template_problems(js.prop(flow, "resultSelector"), "resultSelector"))
    lambda_response = js.prop(flow, "lambdaResponse")
    if lambda_response is not js.UNDEFINED and not isinstance(lambda_response, bool):
        problems.append("lambdaResponse must be true or false")
    return problems


def template_problems(template, field):
    """Problems of a payload template: `.$` values, at any depth and inside arrays, must be paths."""
    if isinstance(template, list):
        return [p for i, t in enumerate(template) for p in template_problems(t, "%s[%d]" % (field, i))]
    if not isinstance(template, dict):
        return []
    problems = []
    for key in js.keys(template):
        value = template[key]
        if not key.endswith(".$"):
            problems.extend(template_problems(value, "%s.%s" % (field, key)))
            continue
        if not isinstance(value, str):
            problems.append("%s: '%s' must be a JSONPath string" % (field, key))
        elif value.startswith("$$"):
            problem = context_path_problem(value, field.startswith("itemSelector"))
            if problem is not None:
                problems.append("%s: '%s': %s" % (field, key, problem))
        elif is_intrinsic(value):
            problems.extend(_intrinsic_problems(value, field, key))
        elif not value.startswith("$"):
            problems.append("%s: '%s' must be a JSONPath such as $.field or an intrinsic function such as States.Format('{}', $.x), got '%s'"
                            % (field, key, value))
        else:
            try:
                parse_query(value)
            except ValueError as e:
                problems.append("%s: '%s': %s" % (field, key, e))
    return problems


def _intrinsic_problems(expression, field, key):
    """Problems of an intrinsic expression: its syntax, and the context fields its `$$` arguments read."""
    try:
        paths = intrinsic_paths(parse_intrinsic(expression))
    except ValueError as e:
        return ["%s: '%s': %s" % (field, key, e)]
    problems = [context_path_problem(path, field.startswith("itemSelector")) for path in paths if path.startswith("$$")]
    return ["%s: '%s': %s" % (field, key, p) for p in problems if p is not None]
