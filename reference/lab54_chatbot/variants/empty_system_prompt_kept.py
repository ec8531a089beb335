"""from_gradio adds a system message for system_prompt="" (only None is treated as "no system prompt")."""
# ruff: noqa: F821 (appended to chatbot.py, whose names it uses)


def from_gradio(history, message, system_prompt=None):
    messages = [{"role": "system", "content": system_prompt}] if system_prompt is not None else []
    for item in history:
        content = item["content"]
        if isinstance(content, list):
            content = "\n".join(part["text"] for part in content if part.get("type") == "text")
        messages.append({"role": item["role"], "content": content})
    messages.append({"role": "user", "content": message})
    return check_messages(messages)
