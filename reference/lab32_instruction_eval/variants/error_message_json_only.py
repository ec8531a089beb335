"""The server's message is read only from the APIs' JSON error bodies: a plain-text or HTML error body is replaced by the reason phrase."""


def _error_message(exc):
    try:
        text = exc.read().decode("utf-8", errors="replace").strip()
        error = json.loads(text)["error"]
    except (OSError, HTTPException, ValueError, KeyError, TypeError):
        return str(exc.reason)
    return str(error["message"]) if isinstance(error, dict) and "message" in error else str(error)
