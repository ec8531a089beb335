"""Trimming drops one message at a time instead of whole turns (an assistant reply can open the kept history)."""
# ruff: noqa: F821 (appended to chatbot.py, whose names it uses)


def trim_to_budget(messages, tokenizer, max_tokens):
    if max_tokens < 1:
        raise ValueError("max_tokens must be at least 1")
    checked = check_messages(messages)
    if not checked or checked[-1]["role"] != "user":
        raise ValueError("the conversation must end with a user message")
    pinned = checked[:1] if checked[0]["role"] == "system" else []
    body = checked[len(pinned):]
    for start in range(len(body)):
        kept = pinned + body[start:]
        if count_tokens(kept, tokenizer) <= max_tokens:
            return kept
    raise ValueError("the system prompt and the last message alone exceed the budget")
