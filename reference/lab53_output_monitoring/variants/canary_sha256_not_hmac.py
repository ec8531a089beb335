"""make_canary hashes secret + session_id with plain SHA-256 instead of HMAC."""


def make_canary(secret, session_id):
    return "canary-" + hashlib.sha256((secret + session_id).encode("utf-8")).hexdigest()[:16]
