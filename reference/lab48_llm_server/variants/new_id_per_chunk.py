"""Every streamed chunk gets a fresh id instead of the stream's one id."""

_body_orig = completion_body


def completion_body(completion_id, created, model, text, finish_reason, prompt_tokens=None):
    if prompt_tokens is None:
        completion_id = f"cmpl-{uuid.uuid4().hex}"
    return _body_orig(completion_id, created, model, text, finish_reason, prompt_tokens)
