"""After the join (Python): the post body with short links, and what it mentions.

The FanIn delivers the branch outputs in branch order: [mentions, shortened links].
"""


def lambda_handler(event, context):
    mentioned, shortened = event
    body = shortened["draft"]["text"]
    # Longest first, so a URL that is a prefix of another does not cut into it.
    for link in sorted(shortened["links"], key=lambda l: -len(l["url"])):
        body = body.replace(link["url"], link["short"])
    return {
        "author": shortened["draft"]["author"],
        "body": body,
        "mentions": mentioned["mentions"],
        "links": shortened["links"],
    }
