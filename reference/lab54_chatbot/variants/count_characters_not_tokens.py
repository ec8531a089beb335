"""Token counting by the rule of thumb "four characters a token" instead of the tokenizer."""
# ruff: noqa: F821 (appended to chatbot.py, whose names it uses)


def count_tokens(messages, tokenizer, add_generation_prompt=True):
    text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=add_generation_prompt)
    return len(text) // 4
