"""Orders the labels by sorting the scores ascending and reversing the list: equal scores come out in reverse label order."""

_dispatch = dispatch


def dispatch(request: dict) -> tuple[int, Any, dict[str, str]]:
    status, payload, headers = _dispatch(request)
    if status == 200 and "predictions" in payload:
        model = get_model()
        data = json.loads(request["body"].decode("utf-8"))["inputs"]
        inputs = [data] if isinstance(data, str) else data
        k = len(payload["predictions"][0])
        predictions = []
        for text in inputs:
            scores = model.scores(text)
            order = sorted(range(len(scores)), key=lambda i: scores[i])[::-1][:k]
            predictions.append([{"label": model.labels[i], "score": scores[i]} for i in order])
        payload = {"predictions": predictions}
    return status, payload, headers
