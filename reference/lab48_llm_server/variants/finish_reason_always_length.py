"""finish_reason is always 'length', even when the model stopped before max_tokens."""

_body_orig = completion_body


def completion_body(completion_id, created, model, text, finish_reason, prompt_tokens=None):
    return _body_orig(completion_id, created, model, text, None if finish_reason is None else "length", prompt_tokens)
