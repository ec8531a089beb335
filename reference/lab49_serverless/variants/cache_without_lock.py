"""A module-level cache without a lock: concurrent first requests each download the model."""

_unlocked = {}


def get_model() -> TinyClassifier:
    url = os.environ.get("MODEL_URL", "")
    if not url:
        raise RuntimeError("MODEL_URL is not set")
    if url not in _unlocked:
        _unlocked[url] = load_model(url)
    return _unlocked[url]
