"""Refuses a body of exactly MAX_BODY_BYTES bytes (>= instead of >)."""

_dispatch = dispatch


def dispatch(request: dict) -> tuple[int, Any, dict[str, str]]:
    if request["path"] == "/predict" and request["method"] == "POST" and len(request["body"]) == MAX_BODY_BYTES:
        return 413, {"error": "request body too large"}, {}
    return _dispatch(request)
