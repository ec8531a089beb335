"""Uses the v2 rawPath as it is: on a named stage '/prod/predict' is not found."""

_parse_event = parse_event


def parse_event(event: dict) -> dict:
    out = _parse_event(event)
    if out["version"] == "2.0":
        out["path"] = event["rawPath"]
    return out
