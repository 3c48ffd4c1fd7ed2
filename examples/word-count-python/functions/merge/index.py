"""After the second join: the partitions are disjoint, so merging is concatenating and sorting."""


def handler(partitions, context):
    counts = sorted((pair for p in partitions for pair in p["counts"]), key=lambda wc: (-wc[1], wc[0]))
    return {
        "words": sum(n for _, n in counts),
        "distinct": len(counts),
        "partitionSizes": [len(p["counts"]) for p in partitions],
        "counts": [list(wc) for wc in counts],
    }
