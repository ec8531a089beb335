"""Reads v2 queryStringParameters (repeats joined by commas) and splits on ',' instead of parsing rawQueryString."""

_parse_event = parse_event


def parse_event(event: dict) -> dict:
    out = _parse_event(event)
    if out["version"] == "2.0":
        out["query"] = {name: value.split(",") for name, value in (event.get("queryStringParameters") or {}).items()}
    return out
