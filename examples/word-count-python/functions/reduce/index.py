"""One Map item of the second map: sums the counts of one partition, sorted by word."""
from collections import Counter


def handler(event, context):
    totals = Counter()
    for word, count in event["counts"]:
        totals[word] += count
    return {"partition": event["partition"], "counts": sorted([w, n] for w, n in totals.items())}
