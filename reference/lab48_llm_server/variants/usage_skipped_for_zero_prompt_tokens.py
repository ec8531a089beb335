"""`if prompt_tokens:` instead of `is not None`: prompt_tokens=0 gives no usage."""

_body_orig = completion_body


def completion_body(completion_id, created, model, text, finish_reason, prompt_tokens=None):
    return _body_orig(completion_id, created, model, text, finish_reason, prompt_tokens or None)
