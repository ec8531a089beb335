"""format_chat learns only the LAST assistant turn; earlier assistant turns are masked."""

_chat_ref = format_chat


def format_chat(messages, eos_id=EOS_ID):
    out = _chat_ref(messages, eos_id)
    last = max(i for i, m in enumerate(messages) if m["role"] == "assistant")
    labels, pos = list(out["labels"]), 0
    for i, m in enumerate(messages):
        n = len(encode(f"<|{m['role']}|>\n")) + len(encode(m["content"])) + 1
        if i != last:
            labels[pos : pos + n] = [IGNORE_INDEX] * n
        pos += n
    out["labels"] = labels
    return out
