"""Branch 1 (Python): the @handles in the text, each once, in order of first mention.

An @ inside a word (an e-mail address) is not a mention. ASCII word characters,
as in the TypeScript branch it replaces.
"""
import re

MENTION = re.compile(r"(?<![\w@.])@(\w{1,30})", re.ASCII)


def lambda_handler(event, context):
    mentions = []
    for handle in MENTION.findall(event["text"]):
        handle = handle.lower()
        if handle not in mentions:
            mentions.append(handle)
    return {"mentions": mentions}
