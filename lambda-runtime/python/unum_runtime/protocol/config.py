"""The per-function configuration (port of parseConfig in src/protocol/config.ts)."""
from . import js
from ._generated import CONFIG_VERSION

__all__ = ["CONFIG_VERSION", "parse_config", "handles_failures", "exceeds_tolerance"]


def handles_failures(action):
    """Whether a Parallel or Map handles its branches' failures (Retry, Catch, tolerated failures): its frames carry `attempt`."""
    if len(action.get("retry") or []) > 0 or len(action.get("catch") or []) > 0:
        return True
    return action.get("kind") == "map" and ("toleratedFailureCount" in action or "toleratedFailurePercentage" in action)


def exceeds_tolerance(tolerance, failed, size):
    """Whether `failed` failed items of `size` exceed a Map's ToleratedFailureCount / ToleratedFailurePercentage."""
    count = tolerance.get("toleratedFailureCount")
    percentage = tolerance.get("toleratedFailurePercentage")
    if count is None and percentage is None:
        return failed > 0
    if count is not None and failed > count:
        return True
    return percentage is not None and failed * 100 > percentage * size


def parse_config(value):
    """The configuration a runtime accepts: a JSON object of the version it speaks (else ValueError)."""
    if not js.is_object(value):
        raise ValueError("unum configuration must be a JSON object (got %s)" % js.stringify(value))
    v = js.prop(value, "v")
    if not (js.is_number(v) and v == CONFIG_VERSION):
        raise ValueError(
            "unum configuration version %s is not supported by this runtime (%s); deploy matching versions"
            % (js.to_string(v), js.number_to_string(CONFIG_VERSION)))
    return value
