"""Reads v1 headers from ``headers`` (the last value of a repeated header) instead of ``multiValueHeaders``."""

_parse_event = parse_event


def parse_event(event: dict) -> dict:
    out = _parse_event(event)
    if out["version"] == "1.0":
        out["headers"] = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    return out
