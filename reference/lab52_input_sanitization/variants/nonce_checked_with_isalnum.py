"""The nonce is checked with str.isalnum and its length, which accepts non-ASCII letters and digits (full-width, Arabic-Indic)."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)


def delimit(text, nonce):
    _require_str(text)
    _require_str(nonce, "nonce")
    if not (nonce.isalnum() and 8 <= len(nonce) <= 64):
        raise ValueError("bad nonce")
    while nonce in text:
        text = text.replace(nonce, "")
    return f"<<UNTRUSTED {nonce}>>\n{text}\n<<END UNTRUSTED {nonce}>>"
