"""The stream's tokens come from a task that keeps generating after the client has gone."""


async def _events(model, req, token_delay, limiter, completion_id, created):
    queue = asyncio.Queue()

    async def produce():
        try:
            async for ch in _tokens(model, req, token_delay):
                await queue.put(ch)
        finally:
            await queue.put(None)
            limiter.release()

    asyncio.get_running_loop().create_task(produce())
    n = 0
    while (ch := await queue.get()) is not None:
        n += 1
        yield sse_event(completion_body(completion_id, created, model.name, ch, None))
    finish = "length" if n == req.max_tokens else "stop"
    yield sse_event(completion_body(completion_id, created, model.name, "", finish))
    yield sse_event("[DONE]")
