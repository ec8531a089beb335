"""format_chat masks the assistant's end-of-turn token, so the model never learns to end its turn."""

_chat_ref = format_chat


def format_chat(messages, eos_id=EOS_ID):
    out = _chat_ref(messages, eos_id)
    out["labels"] = [IGNORE_INDEX if t == eos_id else t for t in out["labels"]]
    return out
