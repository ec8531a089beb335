"""The slot is taken before the 404/400 checks and not given back when they refuse the request."""


def create_app(model=None, max_concurrency=4, token_delay=0.0):
    if token_delay < 0:
        raise ValueError(f"token_delay must be >= 0, got {token_delay}")
    limiter = ConcurrencyLimiter(max_concurrency)
    model = TinyLM() if model is None else model
    app = FastAPI(title="tiny LM server")

    @app.get("/health")
    async def health() -> dict:
        return {"status": "ok", "model": model.name, "in_flight": limiter.in_flight, "max_concurrency": limiter.limit}

    @app.get("/v1/models")
    async def models() -> dict:
        return {"object": "list", "data": [{"id": model.name, "object": "model", "owned_by": "lab48"}]}

    @app.post("/v1/completions")
    async def completions(req: CompletionRequest):
        if not limiter.try_acquire():
            return _error(503, "the server is busy: try again later", "server_overloaded", headers={"Retry-After": "1"})
        refused = _refusal(model, req)
        if refused is not None:
            return refused
        completion_id, created = f"cmpl-{uuid.uuid4().hex}", int(time.time())
        if req.stream:
            return StreamingResponse(_events(model, req, token_delay, limiter, completion_id, created),
                                     media_type="text/event-stream")
        try:
            text = "".join([ch async for ch in _tokens(model, req, token_delay)])
        finally:
            limiter.release()
        finish = "length" if len(text) == req.max_tokens else "stop"
        return completion_body(completion_id, created, model.name, text, finish, prompt_tokens=len(req.prompt))

    return app
