"""Loads the model inside the handler at every call (no module-level cache): a download per request."""


def get_model() -> TinyClassifier:
    url = os.environ.get("MODEL_URL", "")
    if not url:
        raise RuntimeError("MODEL_URL is not set")
    return load_model(url)
