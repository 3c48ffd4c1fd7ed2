def handler(values, context):
    # At a fan-in the event is the list of the branch outputs, in order.
    return {"values": values, "total": sum(values)}


def boom(event, context):
    raise ValueError(f"cannot total {event!r}")
