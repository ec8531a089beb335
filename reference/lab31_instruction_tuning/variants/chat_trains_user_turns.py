"""format_chat learns the user turns as well as the assistant turns (only the system prompt is masked)."""

_chat_ref = format_chat


def format_chat(messages, eos_id=EOS_ID):
    out = _chat_ref(messages, eos_id)
    labels, pos = [], 0
    for m in messages:
        header, body = encode(f"<|{m['role']}|>\n"), encode(m["content"]) + [eos_id]
        labels += [IGNORE_INDEX] * len(header) + (body if m["role"] != "system" else [IGNORE_INDEX] * len(body))
    out["labels"] = labels
    return out
