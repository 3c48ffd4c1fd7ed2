"""The entry: normalizes the input to {"greeting": ...} in lower case.

Aliases come from a data file next to the code, read once per sandbox with a
path relative to the working directory (Lambda's task root), as original unum
apps do.
"""
import json

with open("aliases.json", encoding="utf-8") as f:
    ALIASES = json.load(f)


def lambda_handler(event, context):
    raw = event if isinstance(event, str) else (event or {}).get("greeting")
    greeting = raw.strip().lower() if isinstance(raw, str) else ""
    greeting = ALIASES.get(greeting, greeting)
    context.logger.info("normalized the greeting", greeting=greeting)
    return {"greeting": greeting}
