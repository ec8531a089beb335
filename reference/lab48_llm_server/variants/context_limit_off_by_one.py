"""The context check uses >= : a request that exactly fills CONTEXT_LENGTH is refused."""

_refusal_orig = _refusal


def _refusal(model, req):
    refused = _refusal_orig(model, req)
    if refused is None and len(req.prompt) + req.max_tokens >= CONTEXT_LENGTH:
        return _error(400, "too long", "invalid_request_error", "max_tokens", "context_length_exceeded")
    return refused
