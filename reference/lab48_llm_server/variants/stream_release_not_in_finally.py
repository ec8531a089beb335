"""A stream releases its slot after its last event, not in a finally: a client that hangs up leaks the slot."""


async def _events(model, req, token_delay, limiter, completion_id, created):
    n = 0
    async for ch in _tokens(model, req, token_delay):
        n += 1
        yield sse_event(completion_body(completion_id, created, model.name, ch, None))
    finish = "length" if n == req.max_tokens else "stop"
    yield sse_event(completion_body(completion_id, created, model.name, "", finish))
    yield sse_event("[DONE]")
    limiter.release()
