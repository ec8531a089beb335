"""Forgets that payload 2.0 moves cookies out of the headers into the ``cookies`` list."""

_parse_event = parse_event


def parse_event(event: dict) -> dict:
    out = _parse_event(event)
    if out["version"] == "2.0" and event.get("cookies"):
        out["headers"].pop("cookie", None)
    return out
