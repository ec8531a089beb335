"""Assumes a v1 event always has query parameters: a null queryStringParameters crashes (no null check)."""

_parse_event = parse_event


def parse_event(event: dict) -> dict:
    out = _parse_event(event)
    if out["version"] == "1.0":
        multi = event.get("multiValueQueryStringParameters")
        if isinstance(multi, dict):
            out["query"] = {name: list(values) for name, values in multi.items()}
        else:
            out["query"] = {name: [value] for name, value in event["queryStringParameters"].items()}
    return out
