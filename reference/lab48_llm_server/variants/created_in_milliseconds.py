"""created is in milliseconds, not whole seconds."""

_body_orig = completion_body


def completion_body(completion_id, created, model, text, finish_reason, prompt_tokens=None):
    return _body_orig(completion_id, created * 1000, model, text, finish_reason, prompt_tokens)
