"""delimit removes the nonce from the text in a single pass, so nested copies leave a nonce that closes the block."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)


def delimit(text, nonce):
    _require_str(text)
    _require_str(nonce, "nonce")
    if not _NONCE.fullmatch(nonce):
        raise ValueError("bad nonce")
    text = text.replace(nonce, "")
    return f"<<UNTRUSTED {nonce}>>\n{text}\n<<END UNTRUSTED {nonce}>>"
