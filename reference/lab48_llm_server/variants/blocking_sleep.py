"""The per-token delay uses time.sleep inside the event loop: one slow request blocks the whole server."""


async def _tokens(model, req, token_delay):
    stream = model.generate(req.prompt, req.max_tokens, req.temperature, req.seed)
    while True:
        if token_delay:
            time.sleep(token_delay)
        ch = next(stream, None)
        if ch is None:
            return
        yield ch
