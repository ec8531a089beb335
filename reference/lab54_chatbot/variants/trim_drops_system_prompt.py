"""Trimming treats the system prompt as just another old message: it is dropped first."""
# ruff: noqa: F821 (appended to chatbot.py, whose names it uses)


def trim_to_budget(messages, tokenizer, max_tokens):
    if max_tokens < 1:
        raise ValueError("max_tokens must be at least 1")
    checked = check_messages(messages)
    if not checked or checked[-1]["role"] != "user":
        raise ValueError("the conversation must end with a user message")
    start = 0
    while start < len(checked) - 1 and count_tokens(checked[start:], tokenizer) > max_tokens:
        start += 1 if checked[start]["role"] == "system" else 2
    if count_tokens(checked[start:], tokenizer) > max_tokens:
        raise ValueError("the last message alone exceeds the budget")
    return checked[start:]
