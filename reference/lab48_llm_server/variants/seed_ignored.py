"""The request's seed is not passed to the model: seeded requests are not reproducible."""


async def _tokens(model, req, token_delay):
    stream = model.generate(req.prompt, req.max_tokens, req.temperature)
    while True:
        if token_delay:
            await asyncio.sleep(token_delay)
        ch = next(stream, None)
        if ch is None:
            return
        yield ch
