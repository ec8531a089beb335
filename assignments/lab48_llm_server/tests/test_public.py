"""Public sanity checks for lab 48 (an LLM server).

Run with ``autograder test lab48_llm_server``. Passing these does not mean
the hidden tests pass: they run your app in your own uvicorn (your ``serve``)
and drive it over HTTP with httpx, several clients at once; they compare
every completion with the model's own sampling rule (greedy, seeded
temperatures, early stops), check every field of the replies and of the
streamed chunks, both ends of every bound, the 400/404/422 error bodies,
that streams send each token as it is generated and that a slow generation
does not block ``/health``, the 503 (and its ``Retry-After``) when all slots
are taken, and that slots come back after replies, streams, refused requests
and clients that hang up. A slow per-token delay (``create_app(...,
token_delay=0.2)``) is the easiest way to try the last three yourself.
"""

from __future__ import annotations

import json

import pytest

from autograder.testing import check


@pytest.fixture
def server(lab):
    """Your app on a free port of 127.0.0.1, and an httpx client for it."""
    model = lab.TinyLM(0)
    running = lab.serve(lab.create_app(model, 2))
    http = lab.http_client(f"http://127.0.0.1:{running.port}", timeout=30)
    yield model, http
    http.close()
    running.stop()


def test_sse_event_frames(lab):
    """An SSE event is 'data: <payload>' and a blank line."""
    check(lab.sse_event({"a": 1}) == 'data: {"a": 1}\n\n', f"got {lab.sse_event({'a': 1})!r}")


def test_limiter_counts(lab):
    """A limiter of 1 refuses a second holder until the first releases."""
    one = lab.ConcurrencyLimiter(1)
    check(one.try_acquire(), "the first try_acquire should succeed")
    check(not one.try_acquire(), "the second should fail while the first holds the slot")
    one.release()
    check(one.in_flight == 0, f"in_flight after release: {one.in_flight}")


def test_health(server):
    """GET /health reports the model and the free server."""
    _, http = server
    reply = http.get("/health")
    check(reply.status_code == 200, f"/health answered {reply.status_code}")
    check(reply.json()["status"] == "ok" and reply.json()["in_flight"] == 0, f"got {reply.json()}")


def test_greedy_completion(server):
    """A greedy completion is the model's own text, in an OpenAI text_completion body."""
    model, http = server
    text, finish = model.complete("Hello", 10, 0.0)
    reply = http.post("/v1/completions", json={"prompt": "Hello", "max_tokens": 10, "temperature": 0})
    check(reply.status_code == 200, f"status {reply.status_code}: {reply.text[:200]}")
    body = reply.json()
    check(body["object"] == "text_completion", f"object is {body.get('object')!r}")
    check(body["choices"][0]["text"] == text, f"text {body['choices'][0]['text']!r}, the model says {text!r}")
    check(body["choices"][0]["finish_reason"] == finish, f"finish_reason {body['choices'][0]['finish_reason']!r}")
    check(body["usage"]["total_tokens"] == 5 + len(text), f"usage {body['usage']}")


def test_stream_ends_with_done(server):
    """A stream is a text/event-stream of JSON chunks that ends with data: [DONE]."""
    model, http = server
    reply = http.post("/v1/completions", json={"prompt": "Hi", "max_tokens": 5, "temperature": 0, "stream": True})
    check(reply.headers["content-type"].startswith("text/event-stream"), f"content-type {reply.headers['content-type']!r}")
    events = [e for e in reply.text.split("\n\n") if e]
    check(events[-1] == "data: [DONE]", f"last event {events[-1]!r}")
    pieces = [json.loads(e[6:])["choices"][0]["text"] for e in events[:-1]]
    check("".join(pieces) == model.complete("Hi", 5, 0.0)[0], f"streamed {''.join(pieces)!r}")


def test_too_many_tokens_is_422(server):
    """max_tokens above MAX_TOKENS_LIMIT is refused by validation."""
    _, http = server
    reply = http.post("/v1/completions", json={"prompt": "Hi", "max_tokens": 100_000})
    check(reply.status_code == 422, f"max_tokens=100000 answered {reply.status_code}, expected 422")
