import time


def handler(event, context):
    """Sleeps event['ms'] milliseconds and returns when it ran (epoch ms), for the overlap of bounded Map items."""
    start = int(time.time() * 1000)
    time.sleep(event['ms'] / 1000)
    return {'i': event['i'], 'start': start, 'end': int(time.time() * 1000)}
