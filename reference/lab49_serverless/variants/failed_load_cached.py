"""Remembers a failed download: the container answers 503 until it is recycled."""

_failed = set()
_loaded = {}


def get_model() -> TinyClassifier:
    url = os.environ.get("MODEL_URL", "")
    if not url:
        raise RuntimeError("MODEL_URL is not set")
    with _cache_lock:
        if url in _failed:
            raise RuntimeError("the model failed to load")
        if url not in _loaded:
            try:
                _loaded[url] = load_model(url)
            except (OSError, ValueError):
                _failed.add(url)
                raise
        return _loaded[url]
