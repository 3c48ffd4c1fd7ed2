"""Branch 2, step 1 (Python): the http(s) URLs in the text, each once, in order.

Punctuation that ends a sentence is not part of the URL. The draft travels on:
the join delivers only branch outputs, and CreatePost needs it.
"""
import re

URL = re.compile(r"https?://[^\s<>\"]+")
TRAILING = re.compile(r"[.,;:!?)\]]+$")


def lambda_handler(event, context):
    urls = []
    for raw in URL.findall(event["text"]):
        url = TRAILING.sub("", raw)
        if url not in urls:
            urls.append(url)
    return {"draft": {"author": event["author"], "text": event["text"]}, "urls": urls}
