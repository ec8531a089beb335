"""Streaming that buffers: the whole completion is generated before the first chunk is sent."""


async def _events(model, req, token_delay, limiter, completion_id, created):
    try:
        text = "".join([ch async for ch in _tokens(model, req, token_delay)])
        for ch in text:
            yield sse_event(completion_body(completion_id, created, model.name, ch, None))
        finish = "length" if len(text) == req.max_tokens else "stop"
        yield sse_event(completion_body(completion_id, created, model.name, "", finish))
        yield sse_event("[DONE]")
    finally:
        limiter.release()
