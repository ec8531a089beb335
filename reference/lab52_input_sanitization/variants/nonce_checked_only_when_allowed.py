"""sanitize validates the nonce only when it calls delimit, so a bad nonce passes silently when the input is blocked."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)


def sanitize(text, *, nonce, max_chars=4000, max_lines=200, max_run=64, max_invisible=16):
    _require_str(text)
    violations = check_limits(text, max_chars=max_chars, max_lines=max_lines, max_run=max_run,
                              max_invisible=max_invisible)
    detection = detect_injection(text)
    normalized = normalize_text(text)
    allowed = not violations and not detection["is_attack"]
    return {"text": normalized, "violations": violations, "detection": detection, "allowed": allowed,
            "prompt": delimit(normalized, nonce) if allowed else None}
