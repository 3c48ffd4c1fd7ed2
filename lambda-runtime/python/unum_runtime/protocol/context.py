"""Step Functions' context object (`$$`): port of src/protocol/context.ts.

Facts are a dict with the keys of ContextFacts: workflow, session, state, enteredTime, attempt, and
optionally region, account, startTime, input, mapItem ({index, value}).
"""
import re

from . import js
from ._generated import CONTEXT_FIELDS
from .intrinsics import intrinsic_paths, is_intrinsic, parsed_intrinsic
from .jsonpath import parse_path, query_path, read_path

__all__ = ["account_of_function_arn", "context_object", "read_context_path", "context_path_problem", "reads_context",
           "reads_session_record", "query_state_path", "read_state_path", "context_reads"]

_ACCOUNT = re.compile(r"^[0-9]{12}$")


def account_of_function_arn(arn):
    """The account of a Lambda function ARN (`arn:aws:lambda:<region>:<account>:function:<name>`)."""
    if not isinstance(arn, str):
        return None
    parts = arn.split(":")
    return parts[4] if len(parts) > 4 and _ACCOUNT.match(parts[4]) else None


def context_object(facts):
    """The context object: Step Functions' field names and shapes."""
    region = js.prop(facts, "region")
    account = js.prop(facts, "account")
    prefix = "arn:aws:states:%s:%s" % ("local" if region in (js.UNDEFINED, None) else region,
                                       "000000000000" if account in (js.UNDEFINED, None) else account)
    execution = {
        "Id": "%s:execution:%s:%s" % (prefix, facts["workflow"], facts["session"]),
        "Name": facts["session"],
        "RedriveCount": 0 if js.prop(facts, "redriveCount") in (js.UNDEFINED, None) else facts["redriveCount"],
    }
    if js.prop(facts, "input") is not js.UNDEFINED:
        execution["Input"] = facts["input"]
    if js.prop(facts, "startTime") is not js.UNDEFINED:
        execution["StartTime"] = facts["startTime"]
    context = {
        "Execution": execution,
        "StateMachine": {"Id": "%s:stateMachine:%s" % (prefix, facts["workflow"]), "Name": facts["workflow"]},
        "State": {"Name": facts["state"], "EnteredTime": facts["enteredTime"], "RetryCount": facts["attempt"]},
    }
    token = js.prop(facts, "taskToken")
    if token not in (js.UNDEFINED, None):
        context["Task"] = {"Token": token}
    item = js.prop(facts, "mapItem")
    if item not in (js.UNDEFINED, None):
        context["Map"] = {"Item": {"Index": item["index"], "Value": item["value"]}}
    return context


def read_context_path(context, path):
    """Reads a `$$` path from the context object."""
    return read_path(context, "$" + path[2:])


def _field(path):
    return ".".join(s if isinstance(s, str) else js.to_string(s) for s in parse_path("$" + path[2:]))


def context_path_problem(path, in_item_selector):
    """Why a `$$` path cannot be read (None: it can); `$$.Map.Item` only in a Map's itemSelector."""
    try:
        dotted = _field(path)
    except ValueError as e:
        return "%s: %s" % (path, e)
    if dotted == "Task" or dotted.startswith("Task."):
        return ("%s: task tokens are only given to a task that waits for a callback (integrationPattern WAIT_FOR_TASK_TOKEN,"
                " .waitForTaskToken), in its parameters" % path)
    if (dotted == "Map" or dotted.startswith("Map.")) and not in_item_selector:
        return "%s: $$.Map.Item is only available in a Map's itemSelector" % path
    for field in CONTEXT_FIELDS:
        is_open = field.endswith(".*")
        base = field[:-2] if is_open else field
        if dotted == base or base.startswith(dotted + ".") or dotted == "" or (is_open and dotted.startswith(base + ".")):
            return None
    return "%s is not a field of the context object; the fields are %s" % (
        path, ", ".join("$$." + f.replace(".*", "", 1) for f in CONTEXT_FIELDS))


def query_state_path(document, path, context=js.UNDEFINED):
    """A path a state reads (InputPath, OutputPath, Choice variables), of its input or (`$$`) of the context object."""
    return read_context_path(context, path) if isinstance(path, str) and path.startswith("$$") else query_path(document, path)


def read_state_path(document, path, context=js.UNDEFINED):
    """A reference path a state reads (ItemsPath), of its input or (`$$`) of the context object."""
    return read_context_path(context, path) if isinstance(path, str) and path.startswith("$$") else read_path(document, path)


def context_reads(templates, paths):
    """What templates and paths (None where absent) read of the context object: {context, sessionRecord}."""
    read = [p for t in templates for p in _context_paths(t)] + [p for p in paths if isinstance(p, str) and p.startswith("$$")]
    return {"context": len(read) > 0, "sessionRecord": any(_reads_session_field(p) for p in read)}


def reads_context(template):
    """Whether a template has a `$$` path anywhere (then the runtime builds the context object)."""
    return len(_context_paths(template)) > 0


def reads_session_record(template):
    """Whether a template reads the session record's facts (Execution.Input or StartTime, or an object holding them)."""
    return any(_reads_session_field(p) for p in _context_paths(template))


def _reads_session_field(path):
    try:
        dotted = _field(path)
    except ValueError:
        return False
    return dotted in ("", "Execution", "Execution.StartTime", "Execution.Input", "Execution.RedriveCount") or dotted.startswith("Execution.Input.")


# The `$$` paths of a template, by template object (dicts cannot be weakly referenced, so by id, the
# entry holding the template so that the id stays its own): the runtime asks for every invocation and
# every Map item, and the templates are the configuration's, loaded once, so each is scanned once.
_CONTEXT_PATHS = {}
_CONTEXT_PATHS_LIMIT = 4096


def _context_paths(template):
    """The `$$` paths of a template: its `.$` values (JSONPath), and the `$states.context` reads of its
    `{% %}` strings (JSONata), as the `$$` paths they stand for."""
    if isinstance(template, str):
        if not (template.startswith("{%") and template.endswith("%}")):
            return []
        return ["$$" + m.group(1) for m in _JSONATA_CONTEXT.finditer(template)]
    if not isinstance(template, (list, dict)):
        return []
    entry = _CONTEXT_PATHS.get(id(template))
    if entry is not None and entry[0] is template:
        return entry[1]
    paths = _scan_context_paths(template)
    if len(_CONTEXT_PATHS) >= _CONTEXT_PATHS_LIMIT:
        _CONTEXT_PATHS.clear()
    _CONTEXT_PATHS[id(template)] = (template, paths)
    return paths


def _scan_context_paths(template):
    if isinstance(template, list):
        return [p for t in template for p in _context_paths(t)]
    out = []
    for key in js.keys(template):
        value = template[key]
        if key.endswith(".$"):
            out.extend(_expression_context_paths(value))
        else:
            out.extend(_context_paths(value))
    return out


# `$states.context` followed by its dotted field names, in a `{% %}` string.
_JSONATA_CONTEXT = re.compile(r"\$states\.context((?:\.[A-Za-z_][A-Za-z0-9_]*)*)")


def _expression_context_paths(value):
    """The `$$` paths a `.$` value reads: itself, or the arguments of its intrinsic function."""
    if not isinstance(value, str):
        return []
    if is_intrinsic(value):
        try:
            return [p for p in intrinsic_paths(parsed_intrinsic(value)) if p.startswith("$$")]
        except ValueError:
            return []
    return [value] if value.startswith("$$") else []
