"""One Map item: counts the words of a chunk.

A word is a run of ASCII letters, lower-cased, with inner apostrophes kept
("nation's"); digits, dashes and punctuation separate words ("battle-field"
is "battle" and "field"). The same rule as the TypeScript word-count.
"""
import re
from collections import Counter

# Compiled once per sandbox: module globals live as long as the warm container.
WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")


def handler(event, context):
    text = event["text"].lower().replace("\u2018", "'").replace("\u2019", "'")
    counts = Counter(WORD.findall(text))
    return {"chunk": event["chunk"], "partitions": event["partitions"], "counts": sorted([w, n] for w, n in counts.items())}
