"""Inputs for the timed kernel ``serve_completions``.

The engine calls ``benchmark_completions(bodies, model_seed=0)``: 24
non-streamed completion requests served one after another through the
student's app, in-process (``fastapi.testclient.TestClient``, no sockets), so
the time is the app's own per-request work (validation, the checks, the
generation loop, building the reply) plus the model's sampling steps. Work
repeated per request or per token that the reference does not do (rebuilding
the model, re-encoding the reply, a thread hop per token) shows up in the
requests per second.
"""

from __future__ import annotations

import numpy as np

VOCAB = " abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;:!?'\"-()\n"
REQUESTS = 24


def completion_inputs(seed: int) -> tuple[tuple, dict]:
    """24 valid request bodies: random prompts, max_tokens 16-96, greedy or sampled, seeded."""
    rng = np.random.default_rng(seed)
    bodies = []
    for _ in range(REQUESTS):
        prompt = "".join(rng.choice(list(VOCAB), size=int(rng.integers(1, 40))))
        body = {"prompt": prompt, "max_tokens": int(rng.integers(16, 97)), "seed": int(rng.integers(0, 2**32))}
        if rng.random() < 0.25:
            body["temperature"] = 0.0
        else:
            body["temperature"] = float(np.round(rng.uniform(0.2, 1.8), 3))
        bodies.append(body)
    return (bodies,), {"model_seed": 0}
