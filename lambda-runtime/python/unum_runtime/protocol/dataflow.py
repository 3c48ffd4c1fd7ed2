"""Step Functions' input and output processing (port of src/protocol/dataflow.ts):

    raw input -> InputPath -> Parameters -> [user code, or Pass `result`]
      -> ResultSelector -> ResultPath (into the raw input) -> OutputPath

A field absent from the DataFlow differs from one that is null (Step Functions' `null`), so
absence is js.UNDEFINED here, never None.
"""
from . import js
from .context import context_path_problem, read_context_path
from .jsonpath import parse_path, read_path

__all__ = ["DataFlowError", "effective_input", "state_output", "pass_output", "apply_template",
           "validate_data_flow", "template_problems"]


class DataFlowError(Exception):
    """A path or template that does not fit the input: Step Functions fails the execution
    (not retriable, not catchable). `name` is States.Runtime or States.ResultPathMatchFailure."""

    def __init__(self, name, message):
        super().__init__(message)
        self.name = name


def effective_input(flow, raw, context=js.UNDEFINED):
    """The user code's input: InputPath, then Parameters."""
    if flow is None or flow is js.UNDEFINED:
        return raw
    selected = _select(raw, js.prop(flow, "inputPath"), "InputPath")
    parameters = js.prop(flow, "parameters")
    return selected if parameters is js.UNDEFINED else apply_template(parameters, selected, "Parameters", context)


def state_output(flow, raw, result, context=js.UNDEFINED):
    """The state's output from its result: ResultSelector, ResultPath into the raw input, OutputPath."""
    if flow is None or flow is js.UNDEFINED:
        return result
    selector = js.prop(flow, "resultSelector")
    selected = result if selector is js.UNDEFINED else apply_template(selector, result, "ResultSelector", context)
    placed = _place_result(raw, js.prop(flow, "resultPath"), selected)
    return _select(placed, js.prop(flow, "outputPath"), "OutputPath")


def pass_output(flow, raw, context=js.UNDEFINED):
    """A Pass state: its result is `result` when set, else the effective input."""
    value = effective_input(flow, raw, context)
    without_selector = {k: v for k, v in flow.items() if k != "resultSelector"}
    result = js.prop(flow, "result")
    return state_output(without_selector, raw, value if result is js.UNDEFINED else result, context)


def _select(document, path, field):
    if path is js.UNDEFINED or path == "$":
        return document
    if path is None:
        return {}
    found = read_path(document, path)
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
    """Step Functions' payload template: keys ending in `.$` take the value at their path (`$$`: of the context object)."""
    if not isinstance(template, dict):
        return template
    out = {}
    for key in js.keys(template):
        value = template[key]
        if key.endswith(".$"):
            is_context = isinstance(value, str) and value.startswith("$$")
            found = read_context_path(context, value) if is_context else read_path(document, value)
            if not found["found"]:
                raise DataFlowError("States.Runtime", "%s: the path '%s' of '%s' does not match any field of the value"
                                    % (field, js.to_string(value), key))
            out[key[:-2]] = found["value"]
        else:
            out[key] = apply_template(value, document, field, context)
    return out


def validate_data_flow(flow):
    """The problems of a data flow's paths and templates, each naming the field."""
    problems = []

    def check_path(path, field):
        if path is js.UNDEFINED or path is None:
            return
        try:
            parse_path(path)
        except ValueError as e:
            problems.append("%s: %s" % (field, e))

    check_path(js.prop(flow, "inputPath"), "inputPath")
    check_path(js.prop(flow, "outputPath"), "outputPath")
    result_path = js.prop(flow, "resultPath")
    check_path(result_path, "resultPath")
    if isinstance(result_path, str):
        try:
            if any(not isinstance(s, str) for s in parse_path(result_path)):
                problems.append("resultPath '%s' cannot index into arrays" % result_path)
        except ValueError:
            pass  # reported above
    problems.extend(template_problems(js.prop(flow, "parameters"), "parameters", False))
    problems.extend(template_problems(js.prop(flow, "resultSelector"), "resultSelector", False))
    return problems


def template_problems(template, field, in_array):
    """Problems of a payload template: `.$` values must be paths of the supported subset, never in arrays."""
    if isinstance(template, list):
        return [p for t in template for p in template_problems(t, field, True)]
    if not isinstance(template, dict):
        return []
    problems = []
    for key in js.keys(template):
        value = template[key]
        if not key.endswith(".$"):
            problems.extend(template_problems(value, "%s.%s" % (field, key), in_array))
            continue
        if in_array:
            problems.append("%s: '%s' is inside an array; paths are only supported in objects" % (field, key))
        elif not isinstance(value, str):
            problems.append("%s: '%s' must be a JSONPath string" % (field, key))
        elif value.startswith("$$"):
            problem = context_path_problem(value, field.startswith("itemSelector"))
            if problem is not None:
                problems.append("%s: '%s': %s" % (field, key, problem))
        elif not value.startswith("$"):
            problems.append("%s: '%s' is an intrinsic function or expression (%s); only JSONPaths such as $.field are supported"
                            % (field, key, value))
        else:
            try:
                parse_path(value)
            except ValueError as e:
                problems.append("%s: '%s': %s" % (field, key, e))
    return problems
