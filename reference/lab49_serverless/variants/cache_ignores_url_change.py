"""Caches the first model forever: a changed MODEL_URL is never read again."""

_only_model = None


def get_model() -> TinyClassifier:
    global _only_model
    url = os.environ.get("MODEL_URL", "")
    if not url:
        raise RuntimeError("MODEL_URL is not set")
    if _only_model is None:
        _only_model = load_model(url)
    return _only_model
