"""benchmark_completions builds a new app and TestClient for every request: right, but slow."""


def benchmark_completions(bodies, model_seed=0):
    out = []
    for body in bodies:
        with TestClient(create_app(TinyLM(model_seed))) as client:
            reply = client.post("/v1/completions", json=body)
        if reply.status_code != 200:
            raise RuntimeError(f"request {body} got {reply.status_code}")
        data = reply.json()
        choice = data["choices"][0]
        out.append((choice["text"], choice["finish_reason"], data["usage"]["completion_tokens"]))
    return out
