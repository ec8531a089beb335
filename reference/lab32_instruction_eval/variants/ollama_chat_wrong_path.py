"""ollama_chat POSTs to /api/generate's sibling /chat (the path of an old proxy) instead of /api/chat."""


def ollama_chat(base_url, model, messages, *, options=None, timeout=60.0, max_retries=2, backoff=0.5):
    body = {"model": model, "messages": list(messages), "stream": True}
    if options is not None:
        body["options"] = options
    return _post(base_url.rstrip("/") + "/chat", body, _read_ndjson(_chat_content),
                 timeout=timeout, max_retries=max_retries, backoff=backoff)
