"""The entry: cuts the text into chunks of `chunkWords` words at whitespace, so no word is split."""


def handler(event, context):
    chunk_words = event.get("chunkWords", 40)
    partitions = event.get("partitions", 3)
    if not isinstance(chunk_words, int) or isinstance(chunk_words, bool) or chunk_words < 1:
        raise ValueError(f"chunkWords must be a positive integer (got {chunk_words!r})")
    if not isinstance(partitions, int) or isinstance(partitions, bool) or partitions < 1:
        raise ValueError(f"partitions must be a positive integer (got {partitions!r})")
    tokens = event["text"].split()
    chunks = [
        {"chunk": n, "text": " ".join(tokens[i:i + chunk_words]), "partitions": partitions}
        for n, i in enumerate(range(0, len(tokens), chunk_words))
    ]
    context.logger.info("split the text", tokens=len(tokens), chunks=len(chunks))
    return {"chunks": chunks}
