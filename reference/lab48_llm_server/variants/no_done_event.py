"""The stream ends without the final 'data: [DONE]' event."""


def sse_event(data):
    if isinstance(data, str):
        return ""
    return f"data: {json.dumps(data)}\n\n"
