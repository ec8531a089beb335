"""The nonce is checked with re.match(pattern + "$"), which accepts a trailing line break."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)


def delimit(text, nonce):
    _require_str(text)
    _require_str(nonce, "nonce")
    if not re.match(NONCE_PATTERN + "$", nonce):
        raise ValueError("bad nonce")
    while nonce in text:
        text = text.replace(nonce, "")
    return f"<<UNTRUSTED {nonce}>>\n{text}\n<<END UNTRUSTED {nonce}>>"
