"""The payload is pretty-printed JSON: its newlines break the one-line 'data:' event."""


def sse_event(data):
    payload = data if isinstance(data, str) else json.dumps(data, indent=2)
    return f"data: {payload}\n\n"
