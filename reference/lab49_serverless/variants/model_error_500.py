"""Maps a model that cannot be loaded to 500 instead of 503."""

_dispatch = dispatch


def dispatch(request: dict) -> tuple[int, Any, dict[str, str]]:
    status, payload, headers = _dispatch(request)
    return (500 if status == 503 else status), payload, headers
