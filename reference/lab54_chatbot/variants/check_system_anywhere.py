"""check_messages accepts a system message anywhere (and several of them)."""
# ruff: noqa: F821 (appended to chatbot.py, whose names it uses)


def check_messages(messages):
    checked = []
    for i, message in enumerate(messages):
        if not isinstance(message, Mapping):
            raise TypeError(f"message {i} is not a dict")
        if "role" not in message or "content" not in message:
            raise ValueError(f"message {i} needs a 'role' and a 'content'")
        role, content = message["role"], message["content"]
        if role not in ROLES:
            raise ValueError(f"message {i} has the unknown role {role!r}")
        if not isinstance(content, str):
            raise TypeError(f"the content of message {i} is not a str")
        if role != "system":
            turn = sum(1 for m in checked if m["role"] != "system")
            if role != ("user" if turn % 2 == 0 else "assistant"):
                raise ValueError(f"message {i} breaks the alternation")
        checked.append({"role": role, "content": content})
    return checked
