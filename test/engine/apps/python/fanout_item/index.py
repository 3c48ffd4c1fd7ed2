# A Map item for the fan-out failure tests: fails when asked, `failOnce` in the fan-out's first attempt only.
def handler(item, context):
    attempt = context.fanouts[-1].attempt if context.fanouts else 0
    if item.get("fail") or (item.get("failOnce") and attempt == 0):
        error = type("ItemFailed", (Exception,), {})
        raise error("item %d failed in attempt %d" % (item["n"], attempt))
    return {"n": item["n"] * 2, "attempt": attempt, "instance": context.instance}
