"""The shuffle, after the first join.

Gets the per-chunk counts in chunk order and sends each word to partition
fnv1a(word) mod P, so every occurrence of a word meets in the same Reduce.
"""


def fnv1a(word):
    """FNV-1a (32 bit) of the word's UTF-8 bytes: stable on every machine and run."""
    h = 0x811C9DC5
    for byte in word.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def handler(chunks, context):
    p = chunks[0]["partitions"] if chunks else 0
    partitions = [{"partition": i, "counts": []} for i in range(p)]
    for chunk in chunks:
        for word, count in chunk["counts"]:
            partitions[fnv1a(word) % p]["counts"].append([word, count])
    return {"partitions": partitions}
