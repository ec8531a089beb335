"""Ignores isBase64Encoded: a base64 body is passed on as its base64 text."""

_parse_event = parse_event


def parse_event(event: dict) -> dict:
    out = _parse_event(event)
    body = event.get("body")
    out["body"] = b"" if body is None else body.encode("utf-8")
    return out
