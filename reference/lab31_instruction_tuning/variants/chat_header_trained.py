"""format_chat also learns the assistant header "<|assistant|>\\n", not only the content and end token."""

_chat_ref = format_chat


def format_chat(messages, eos_id=EOS_ID):
    out = _chat_ref(messages, eos_id)
    labels, pos = list(out["labels"]), 0
    for m in messages:
        n = len(encode(f"<|{m['role']}|>\n"))
        if m["role"] == "assistant":
            labels[pos : pos + n] = out["input_ids"][pos : pos + n]
        pos += n + len(encode(m["content"])) + 1
    out["labels"] = labels
    return out
