"""Events end with one newline instead of a blank line, so SSE clients never see an event end."""


def sse_event(data):
    payload = data if isinstance(data, str) else json.dumps(data)
    return f"data: {payload}\n"
