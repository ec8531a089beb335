"""Compares the whole content-type header with 'application/json': a charset parameter or capitals give 415."""

_dispatch = dispatch


def dispatch(request: dict) -> tuple[int, Any, dict[str, str]]:
    if request["path"] == "/predict" and request["method"] == "POST" and len(request["body"]) <= MAX_BODY_BYTES:
        if request["headers"].get("content-type") != "application/json":
            return 415, {"error": "expected application/json"}, {}
    return _dispatch(request)
