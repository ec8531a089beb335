"""Loads the model before routing: GET /health and requests that fail a check download it too."""

_dispatch = dispatch


def dispatch(request: dict) -> tuple[int, Any, dict[str, str]]:
    try:
        get_model()
    except (RuntimeError, OSError, ValueError):
        if request["path"] == "/predict" and request["method"] == "POST":
            return 503, {"error": "model unavailable"}, {}
    return _dispatch(request)
