"""The per-function configuration (port of parseConfig in src/protocol/config.ts)."""
from . import js
from ._generated import CONFIG_VERSION

__all__ = ["CONFIG_VERSION", "parse_config"]


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
