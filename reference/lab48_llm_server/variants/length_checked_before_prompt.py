"""The context length is checked before the prompt's characters."""


def _refusal(model, req):
    if req.model is not None and req.model != model.name:
        return _error(404, "no such model", "invalid_request_error", "model", "model_not_found")
    if len(req.prompt) + req.max_tokens > CONTEXT_LENGTH:
        return _error(400, "too long", "invalid_request_error", "max_tokens", "context_length_exceeded")
    try:
        model.encode(req.prompt)
    except ValueError as e:
        return _error(400, str(e), "invalid_request_error", "prompt", "invalid_prompt")
    return None
