"""Hidden tests for lab 48 (a FastAPI server for a tiny language model).

The student's app runs in a real uvicorn (their ``serve``) in a thread of
their worker, on its own loopback; the tests drive it from the runner with a
real HTTP client (``lab.http_client``: httpx, several threads at once).

Oracles:

* the completion text: the sampling rule of ``TinyLM.generate`` written out
  here (greedy argmax, or ``torch.multinomial`` on ``softmax(logits / T)``
  with a generator seeded by the request's seed), applied to the served
  model's own logit table read from the worker;
* the body shapes: OpenAI's ``text_completion`` object, its error object, and
  the SSE framing of its streams (``data: {...}\\n\\n`` ... ``data: [DONE]\\n\\n``);
* the validation bounds and status codes: the docstrings (pydantic's 422 as
  FastAPI sends it);
* streaming really streams and the slow paths do not block the server:
  ordering facts, read from the model's step counter (``tokens_generated``,
  given code) when a chunk or a ``/health`` reply arrives, with a per-token
  delay (0.2 s and more) that makes a whole generation take seconds; no test
  bounds a duration tightly;
* the concurrency limit: slots held by slow requests that are known to be in
  flight (``/health`` or their first chunk says so) before the test asks for
  one more.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import torch

from autograder.testing import check

torch.set_num_threads(1)

NAME = "tiny-char-lm"
VOCAB = " abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;:!?'\"-()\n"
CONTEXT = 512
LIMIT = 256


# ---- the oracle --------------------------------------------------------------------------------------------


def oracle(table, prompt, max_tokens, temperature=1.0, seed=0):
    """The documented sampling rule on ``table``: (text, finish_reason)."""
    g = torch.Generator().manual_seed(seed)
    last = VOCAB.index(prompt[-1]) + 1
    out = []
    for _ in range(max_tokens):
        logits = table[last]
        if temperature == 0:
            nxt = int(torch.argmax(logits))
        else:
            nxt = int(torch.multinomial(torch.softmax(logits / temperature, dim=-1), 1, generator=g))
        if nxt == 0:
            return "".join(out), "stop"
        out.append(VOCAB[nxt - 1])
        last = nxt
    return "".join(out), "length"


def seed_for(table, prompt, max_tokens, finish, temperature=1.0, start=0):
    """The first seed >= start whose completion ends with ``finish`` ("stop": before max_tokens)."""
    for seed in range(start, start + 1000):
        if oracle(table, prompt, max_tokens, temperature, seed)[1] == finish:
            return seed
    raise AssertionError(f"no seed gives {finish}")


class Server:
    """The student's app in the student's uvicorn, and our client."""

    def __init__(self, lab, seed=0, max_concurrency=4, token_delay=0.0):
        self.model = lab.TinyLM(seed)
        self.table = self.model.table
        self.app = lab.create_app(self.model, max_concurrency, token_delay)
        self.handle = lab.serve(self.app)
        self.port = self.handle.port
        check(isinstance(self.port, int) and 0 < self.port < 65536, "serve(...).port should be the bound port (an int)")
        self.http = lab.http_client(f"http://127.0.0.1:{self.port}", timeout=30)

    def post(self, **body):
        return self.http.post("/v1/completions", json=body)

    def in_flight(self):
        reply = self.http.get("/health")
        check(reply.status_code == 200, f"GET /health answered {reply.status_code}")
        return reply.json()["in_flight"]

    def wait_in_flight(self, n, what, timeout=15.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.in_flight() == n:
                return
            time.sleep(0.02)
        check(False, f"/health never showed in_flight == {n} {what}")

    def close(self):
        self.http.close()
        self.handle.stop()


@pytest.fixture
def start(lab):
    running = []

    def make(**kwargs):
        server = Server(lab, **kwargs)
        running.append(server)
        return server

    yield make
    for server in running:
        try:
            server.close()
        except Exception:  # noqa: BLE001 - a broken stop must not hide the test's verdict
            pass


def sse_events(raw: str):
    """Split an SSE body into its data payloads, checking the framing."""
    check(raw.endswith("\n\n"), "an SSE stream should end with a blank line after its last event")
    events = raw[:-2].split("\n\n")
    payloads = []
    for event in events:
        check(event.startswith("data: ") and "\n" not in event, "each SSE event should be one line 'data: <payload>' followed by a blank line")
        payloads.append(event[len("data: "):])
    return payloads


def check_completion(body, text, finish, prompt, t0, t1, what):
    check(set(body) == {"id", "object", "created", "model", "choices", "usage"}, f"{what}: the reply should have exactly id, object, created, model, choices, usage")
    check(isinstance(body["id"], str) and body["id"].startswith("cmpl-") and len(body["id"]) > 5, f"{what}: id should be 'cmpl-' + a unique string")
    check(body["object"] == "text_completion", f"{what}: object should be 'text_completion'")
    check(isinstance(body["created"], int) and t0 - 1 <= body["created"] <= t1 + 1, f"{what}: created should be the Unix time in whole seconds")
    check(body["model"] == NAME, f"{what}: model should be the served model's name")
    check(isinstance(body["choices"], list) and len(body["choices"]) == 1, f"{what}: choices should be a list of one choice")
    choice = body["choices"][0]
    check(set(choice) == {"text", "index", "logprobs", "finish_reason"} and choice["index"] == 0 and choice["logprobs"] is None,
          f"{what}: a choice is {{text, index: 0, logprobs: null, finish_reason}}")
    check(choice["text"] == text, f"{what}: the text is not the model's completion for this prompt, temperature and seed")
    check(choice["finish_reason"] == finish, f"{what}: finish_reason should be {finish!r}")
    check(body["usage"] == {"prompt_tokens": len(prompt), "completion_tokens": len(text), "total_tokens": len(prompt) + len(text)},
          f"{what}: usage should count the prompt's and the completion's characters")


# ---- the pieces ---------------------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_sse_event(lab):
    """sse_event frames a dict as one 'data: <json>' line plus a blank line, and a string as it is."""
    data = {"text": "line one\nline two", "n": 3, "nested": {"a": [1, None]}, "é": "东京"}
    event = lab.sse_event(data)
    check(event.startswith("data: ") and event.endswith("\n\n"), "an event is 'data: ' + payload + '\\n\\n'")
    check("\n" not in event[:-2], "the payload must be a single line (a newline inside would end the event)")
    check(json.loads(event[len("data: "):-2]) == data, "the payload should be the dict as JSON")
    check(lab.sse_event("[DONE]") == "data: [DONE]\n\n", "a string payload is sent as it is")


@pytest.mark.points(3)
def test_completion_body(lab):
    """completion_body builds OpenAI's text_completion object, with usage only when prompt_tokens is given (0 included)."""
    body = lab.completion_body("cmpl-x1", 1700000000, NAME, "abc", "length", prompt_tokens=5)
    check(body == {"id": "cmpl-x1", "object": "text_completion", "created": 1700000000, "model": NAME,
                   "choices": [{"text": "abc", "index": 0, "logprobs": None, "finish_reason": "length"}],
                   "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8}},
          "the whole reply's fields (id, object, created, model, choices, usage)")
    chunk = lab.completion_body("cmpl-x2", 5, "m", "Z", None)
    check("usage" not in chunk and chunk["choices"] == [{"text": "Z", "index": 0, "logprobs": None, "finish_reason": None}],
          "a chunk (prompt_tokens None) has no usage and a null finish_reason")
    zero = lab.completion_body("cmpl-x3", 5, "m", "", "stop", prompt_tokens=0)
    check(zero.get("usage") == {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}, "prompt_tokens=0 still gives a usage")


@pytest.mark.points(1)
def test_error_body(lab):
    """error_body is OpenAI's error object with message, type, param and code."""
    check(lab.error_body("bad", "invalid_request_error", "prompt", "invalid_prompt") ==
          {"error": {"message": "bad", "type": "invalid_request_error", "param": "prompt", "code": "invalid_prompt"}}, "all four fields")
    check(lab.error_body("busy", "server_overloaded") ==
          {"error": {"message": "busy", "type": "server_overloaded", "param": None, "code": None}}, "param and code default to None")


@pytest.mark.points(4)
def test_concurrency_limiter(lab):
    """ConcurrencyLimiter hands out at most `limit` slots, never waits, and refuses extra releases."""
    lim = lab.ConcurrencyLimiter(2)
    check(lim.limit == 2 and lim.in_flight == 0, "a new limiter holds nothing")
    check(lim.try_acquire() is True and lim.in_flight == 1, "the first acquire succeeds")
    check(lim.try_acquire() is True and lim.in_flight == 2, "the second acquire succeeds")
    check(lim.try_acquire() is False and lim.in_flight == 2, "a third acquire fails at once and holds nothing")
    lim.release()
    check(lim.in_flight == 1 and lim.try_acquire() is True, "a released slot can be taken again")
    lim.release()
    lim.release()
    check(lim.in_flight == 0, "all slots released")
    with pytest.raises(RuntimeError):
        lim.release()
    check(lim.in_flight == 0 and lim.try_acquire() and lim.try_acquire() and not lim.try_acquire(),
          "a refused release changes nothing")
    big = lab.ConcurrencyLimiter(300)
    check(all(lab.map(big.try_acquire, [()] * 300)) and big.in_flight == 300 and big.try_acquire() is False,
          "a limit of 300 admits exactly 300")
    one = lab.ConcurrencyLimiter(1)
    check(one.try_acquire() is True and one.try_acquire() is False, "limit 1: one slot")
    for bad in (0, -3):
        with pytest.raises(ValueError):
            lab.ConcurrencyLimiter(bad)


@pytest.mark.points(4)
def test_request_model_bounds(lab):
    """CompletionRequest accepts the documented ranges (both ends) and rejects just outside them."""
    req = lab.CompletionRequest(prompt="x")
    check((req.max_tokens, req.temperature, req.stream, req.seed, req.model) == (16, 1.0, False, None, None),
          "defaults: max_tokens 16, temperature 1.0, stream False, seed None, model None")
    good = [dict(max_tokens=1), dict(max_tokens=LIMIT), dict(temperature=0.0), dict(temperature=2.0),
            dict(seed=0), dict(seed=2**32 - 1), dict(stream=True), dict(model=NAME)]
    for extra in good:
        lab.CompletionRequest(prompt="hi", **extra)
    check(lab.CompletionRequest(prompt="hi", max_tokens=LIMIT).max_tokens == LIMIT, "max_tokens = MAX_TOKENS_LIMIT is allowed")
    bad = [dict(max_tokens=0), dict(max_tokens=-1), dict(max_tokens=LIMIT + 1), dict(max_tokens=10**6), dict(max_tokens=2.5),
           dict(temperature=-0.01), dict(temperature=2.01), dict(temperature=1e9), dict(seed=-1), dict(seed=2**32),
           dict(max_token=5)]
    for extra in bad:
        with pytest.raises(ValueError):
            lab.CompletionRequest(prompt="hi", **extra)
    with pytest.raises(ValueError):
        lab.CompletionRequest(prompt="")
    with pytest.raises(ValueError):
        lab.CompletionRequest(max_tokens=3)


# ---- the server ---------------------------------------------------------------------------------------------


@pytest.mark.points(4)
def test_serve_health_and_stop(lab, start):
    """serve runs the app on a free port; /health and /v1/models answer; two servers are independent; stop ends one."""
    a = start(max_concurrency=3)
    b = start(seed=1, max_concurrency=1)
    check(a.port != b.port, "port=0 should give each server its own free port")
    check(a.handle.url == f"http://127.0.0.1:{a.port}", "RunningServer's url is http://HOST:PORT")
    check(a.handle.thread.daemon is True, "the server runs in a daemon thread")
    health = a.http.get("/health")
    check(health.status_code == 200 and health.json() == {"status": "ok", "model": NAME, "in_flight": 0, "max_concurrency": 3},
          "GET /health: status, model, in_flight, max_concurrency")
    models = a.http.get("/v1/models")
    check(models.status_code == 200 and models.json() == {"object": "list", "data": [{"id": NAME, "object": "model", "owned_by": "lab48"}]},
          "GET /v1/models lists the served model")
    a.http.close()
    a.handle.stop()
    with lab.http_client(f"http://127.0.0.1:{a.port}", timeout=5) as gone:
        with pytest.raises(httpx.TransportError):
            gone.get("/health")
    check(b.http.get("/health").status_code == 200, "stopping one server leaves the other running")
    default = lab.serve(lab.create_app())
    try:
        with lab.http_client(f"http://127.0.0.1:{default.port}", timeout=30) as http:
            reply = http.post("/v1/completions", json=dict(prompt="Default", max_tokens=20, seed=8))
            table = lab.TinyLM(0).table
            check(reply.status_code == 200 and reply.json()["choices"][0]["text"] == oracle(table, "Default", 20, 1.0, 8)[0],
                  "create_app() without a model serves TinyLM() (seed 0)")
            check(http.get("/health").json()["max_concurrency"] == 4, "max_concurrency defaults to 4")
    finally:
        default.stop()
    with pytest.raises(RuntimeError):  # at once: the server's thread ends when it cannot bind
        lab.serve(lab.create_app(), port=b.port, timeout=120)
    check(b.http.get("/health").status_code == 200, "a failed serve leaves the server on that port alone")
    for args in ((None, 0), (None, -1), (None, 2, -0.5)):
        with pytest.raises(ValueError):
            lab.create_app(*args)


CASES = {
    "seeded": ("The cat sat", 40, 1.0, 7),
    "greedy": ("Hello", 30, 0.0, 3),
    "hot": ("Why?", 50, 2.0, 11),
    "cold": ("a", 60, 0.3, 5),
    "all_of_it": ("x", LIMIT, 1.0, None),
}


@pytest.mark.points(3)
@pytest.mark.parametrize("case", list(CASES))
def test_completion_matches_model(lab, start, case):
    """POST /v1/completions returns the model's own completion in OpenAI's text_completion shape."""
    server = start(seed=2)
    prompt, max_tokens, temperature, seed = CASES[case]
    if seed is None:  # a seed whose completion runs to max_tokens
        seed = seed_for(server.table, prompt, max_tokens, "length", temperature)
    text, finish = oracle(server.table, prompt, max_tokens, temperature, seed)
    t0 = time.time()
    reply = server.post(prompt=prompt, max_tokens=max_tokens, temperature=temperature, seed=seed)
    t1 = time.time()
    check(reply.status_code == 200, f"a valid request should get 200, got {reply.status_code}")
    check(reply.headers.get("content-type", "").startswith("application/json"), "the reply should be JSON")
    check_completion(reply.json(), text, finish, prompt, t0, t1, f"{case} request")


@pytest.mark.points(2)
def test_completion_stops_early(lab, start):
    """A completion that the model ends before max_tokens has finish_reason 'stop' and counts only its characters."""
    server = start()
    seed = seed_for(server.table, "Stop here.", 120, "stop")
    text, finish = oracle(server.table, "Stop here.", 120, 1.0, seed)
    t0 = time.time()
    before = server.model.tokens_generated
    reply = server.post(prompt="Stop here.", max_tokens=120, seed=seed, model=NAME)
    check(reply.status_code == 200, f"got {reply.status_code}")
    check_completion(reply.json(), text, finish, "Stop here.", t0, time.time(), "an early stop")
    check(server.model.tokens_generated - before == len(text) + 1, "a completion should be one call of model.generate "
          "run to its end (the model's step count is off)")
    before = server.model.tokens_generated
    server.post(prompt="Stop here.", max_tokens=7, temperature=0.0, stream=True)
    check(server.model.tokens_generated - before == 7, "a stream should be one call of model.generate")


@pytest.mark.points(3)
def test_defaults_and_randomness(lab, start):
    """Omitted fields take their defaults; unseeded requests differ, seeded ones repeat; ids are unique."""
    server = start(seed=4)
    seed = seed_for(server.table, "Q", 16, "length")
    one, two = server.post(prompt="Q", seed=seed).json(), server.post(prompt="Q", seed=seed).json()
    text, _ = oracle(server.table, "Q", 16, 1.0, seed)
    check(one["choices"][0]["text"] == text == two["choices"][0]["text"], "the defaults are max_tokens 16 and temperature 1.0; a seed repeats")
    check(one["id"] != two["id"], "each completion needs its own id")
    free = [server.post(prompt="Random", max_tokens=100, temperature=2.0).json()["choices"][0]["text"] for _ in range(3)]
    check(len(set(free)) == 3, "requests without a seed should sample independently (got identical texts)")


@pytest.mark.points(4)
def test_max_tokens_bounds_over_http(lab, start):
    """max_tokens outside [1, MAX_TOKENS_LIMIT] (or not an int) is a 422 naming the field; both ends are served."""
    server = start()
    for value in (0, -5, LIMIT + 1, 100_000, 2.5, "many"):
        reply = server.post(prompt="hi", max_tokens=value, seed=1)
        check(reply.status_code == 422, f"max_tokens={value!r} should be refused with 422, got {reply.status_code}")
        detail = reply.json().get("detail")
        check(isinstance(detail, list) and any("max_tokens" in map(str, d.get("loc", [])) for d in detail),
              "a 422 should carry FastAPI's detail list naming the field")
    for value in (1, LIMIT):
        reply = server.post(prompt="hi", max_tokens=value, temperature=0.0)
        check(reply.status_code == 200, f"max_tokens={value} is allowed, got {reply.status_code}")
        check(reply.json()["choices"][0]["text"] == oracle(server.table, "hi", value, 0.0)[0], f"max_tokens={value}: wrong text")


@pytest.mark.points(3)
def test_temperature_and_seed_bounds_over_http(lab, start):
    """temperature outside [0, 2] and seed outside [0, 2**32 - 1] are 422; the ends are served."""
    server = start()
    for field, value in (("temperature", -0.5), ("temperature", 2.001), ("temperature", "hot"), ("seed", -1), ("seed", 2**32)):
        reply = server.post(prompt="hi", max_tokens=4, **{field: value})
        check(reply.status_code == 422, f"{field}={value!r} should be refused with 422, got {reply.status_code}")
    for field, value in (("temperature", 0.0), ("temperature", 2.0), ("seed", 0), ("seed", 2**32 - 1)):
        args = dict(temperature=1.0, seed=0)
        args[field] = value
        reply = server.post(prompt="hi", max_tokens=8, **args)
        check(reply.status_code == 200, f"{field}={value!r} is allowed, got {reply.status_code}")
        check(reply.json()["choices"][0]["text"] == oracle(server.table, "hi", 8, args["temperature"], args["seed"])[0],
              f"{field}={value!r}: wrong text")


@pytest.mark.points(3)
def test_malformed_bodies_are_422(lab, start):
    """A missing or empty prompt, an unknown field, a wrong type or a body that is not JSON is a 422."""
    server = start()
    bodies = [{}, {"max_tokens": 4}, {"prompt": ""}, {"prompt": 42}, {"prompt": "hi", "max_token": 4},
              {"prompt": "hi", "stream": "sometimes"}, {"prompt": ["a", "b"]}]
    for body in bodies:
        reply = server.http.post("/v1/completions", json=body)
        check(reply.status_code == 422, f"body {json.dumps(body)} should be refused with 422, got {reply.status_code}")
    reply = server.http.post("/v1/completions", content=b"{not json", headers={"content-type": "application/json"})
    check(reply.status_code == 422, f"a body that is not JSON should be a 422, got {reply.status_code}")
    check(server.post(prompt="hi", max_tokens=2).status_code == 200, "a valid request after the bad ones is served")


@pytest.mark.points(4)
def test_prompt_and_context_errors_are_400(lab, start):
    """Characters outside the vocabulary and prompts too long for the context are 400s with OpenAI's error body."""
    server = start()
    for prompt in ("héllo", "tab\there", "emoji 🙂", "~"):
        reply = server.post(prompt=prompt, max_tokens=4)
        check(reply.status_code == 400, f"a prompt with a character outside VOCAB should be a 400, got {reply.status_code}")
        err = reply.json().get("error", {})
        check(isinstance(err.get("message"), str) and err.get("message") and err.get("type") == "invalid_request_error"
              and err.get("param") == "prompt" and err.get("code") == "invalid_prompt", "the 400's error body for a bad prompt")
    long = ("abc " * 200)[:CONTEXT - 12]
    ok = server.post(prompt=long, max_tokens=12, temperature=0.0)
    check(ok.status_code == 200, f"len(prompt) + max_tokens == CONTEXT_LENGTH is allowed, got {ok.status_code}")
    check(ok.json()["choices"][0]["text"] == oracle(server.table, long, 12, 0.0)[0], "the long prompt's completion")
    for prompt, max_tokens in ((long, 13), ("a" * CONTEXT, 1), ("b" * 300, LIMIT)):
        reply = server.post(prompt=prompt, max_tokens=max_tokens)
        check(reply.status_code == 400, f"len(prompt) + max_tokens > CONTEXT_LENGTH should be a 400, got {reply.status_code}")
        err = reply.json().get("error", {})
        check(err.get("type") == "invalid_request_error" and err.get("param") == "max_tokens" and err.get("code") == "context_length_exceeded",
              "the 400's error body for a context overflow")
    reply = server.post(prompt="hé" * 300, max_tokens=4)
    check(reply.status_code == 400 and reply.json()["error"]["code"] == "invalid_prompt", "a bad character is reported before the length")


@pytest.mark.points(2)
def test_unknown_model_is_404(lab, start):
    """A model the server does not serve is a 404 with code model_not_found; its own name is served."""
    server = start()
    reply = server.post(prompt="hi", max_tokens=3, model="gpt-4")
    check(reply.status_code == 404, f"an unknown model should be a 404, got {reply.status_code}")
    err = reply.json().get("error", {})
    check(err.get("type") == "invalid_request_error" and err.get("param") == "model" and err.get("code") == "model_not_found",
          "the 404's error body")
    reply = server.post(prompt="hé", max_tokens=3, model="other")
    check(reply.status_code == 404, "the model is checked before the prompt")
    check(server.post(prompt="hi", max_tokens=3, model="zephyr").status_code == 404, "any other model name is a 404")
    check(server.post(prompt="hi", max_tokens=3, model=NAME).status_code == 200, "the served model's name is accepted")


# ---- streaming ----------------------------------------------------------------------------------------------


STREAMS = {"length": ("Stream me", 30, 1.0, None), "stop": ("Stop", 150, 1.0, None), "greedy": ("Hi", 25, 0.0, 0)}


@pytest.mark.points(3)
@pytest.mark.parametrize("case", list(STREAMS))
def test_stream_framing(lab, start, case):
    """A streamed completion is text/event-stream: one chunk per character, a final chunk, then data: [DONE]."""
    server = start(seed=5)
    prompt, max_tokens, temperature, seed = STREAMS[case]
    if seed is None:
        seed = seed_for(server.table, prompt, max_tokens, case, temperature)
    text, finish = oracle(server.table, prompt, max_tokens, temperature, seed)
    t0 = time.time()
    reply = server.post(prompt=prompt, max_tokens=max_tokens, temperature=temperature, seed=seed, stream=True)
    check(reply.status_code == 200, f"a valid streamed request should get 200, got {reply.status_code}")
    check(reply.headers.get("content-type", "").startswith("text/event-stream"), "a stream's content-type is text/event-stream")
    payloads = sse_events(reply.text)
    check(payloads[-1] == "[DONE]", "the stream should end with 'data: [DONE]'")
    chunks = [json.loads(p) for p in payloads[:-1]]
    check(len(chunks) == len(text) + 1, "one chunk per generated character, then one final chunk")
    ids = {c.get("id") for c in chunks}
    check(len(ids) == 1 and str(next(iter(ids))).startswith("cmpl-"), "every chunk of a stream has the same 'cmpl-' id")
    check(len({c.get("created") for c in chunks}) == 1 and t0 - 1 <= chunks[0]["created"] <= time.time() + 1,
          "every chunk has the same created time")
    for c in chunks:
        check(c.get("object") == "text_completion" and c.get("model") == NAME and "usage" not in c,
              "a chunk is a text_completion of the served model without usage")
        check(len(c["choices"]) == 1 and c["choices"][0]["index"] == 0 and c["choices"][0]["logprobs"] is None, "a chunk has one choice")
    check(all(c["choices"][0]["finish_reason"] is None for c in chunks[:-1]), "only the final chunk has a finish_reason")
    check(all(len(c["choices"][0]["text"]) == 1 for c in chunks[:-1]), "each chunk but the last carries one character")
    check("".join(c["choices"][0]["text"] for c in chunks) == text, "the streamed text is not the model's completion")
    check(chunks[-1]["choices"][0]["text"] == "" and chunks[-1]["choices"][0]["finish_reason"] == finish,
          f"the final chunk has empty text and finish_reason {finish!r}")


@pytest.mark.points(6)
def test_stream_sends_tokens_as_they_come(lab, start):
    """The first chunk arrives while the model is still generating, and /health answers during a stream."""
    server = start(token_delay=0.25)
    seed = seed_for(server.table, "Go", 12, "length")
    text, _ = oracle(server.table, "Go", 12, 1.0, seed)
    got, steps_at_first = [], None
    with server.http.stream("POST", "/v1/completions", json=dict(prompt="Go", max_tokens=12, seed=seed, stream=True)) as reply:
        check(reply.status_code == 200, f"got {reply.status_code}")
        for line in reply.iter_lines():
            if not line.startswith("data: "):
                continue
            if steps_at_first is None:
                steps_at_first = server.model.tokens_generated
                check(steps_at_first < 12, "the first chunk arrived only after the whole completion was generated: "
                      "send each token as soon as it is generated")
                check(server.in_flight() == 1, "/health should answer (in_flight 1) while a stream is running")
                check(server.model.tokens_generated < 12, "/health waited for the stream to finish: a slow generation "
                      "must not block the server (sleep with asyncio, or run blocking work in a thread)")
            if line != "data: [DONE]":
                got.append(json.loads(line[6:])["choices"][0]["text"])
    check("".join(got) == text, "the streamed text")
    server.wait_in_flight(0, "after the stream ended")


# ---- concurrency --------------------------------------------------------------------------------------------


@pytest.mark.points(7)
def test_full_server_answers_503(lab, start):
    """With max_concurrency requests in flight, one more is a 503 at once; /health and 4xx still answer."""
    server = start(max_concurrency=2, token_delay=0.25)
    with ThreadPoolExecutor(2) as pool:
        seeds = [seed_for(server.table, "slow", 12, "length", start=k * 100) for k in range(2)]
        slow = [pool.submit(server.post, prompt="slow", max_tokens=12, seed=s) for s in seeds]
        server.wait_in_flight(2, "while two slow requests run")
        reply = server.post(prompt="one more", max_tokens=2, seed=0)
        check(reply.status_code == 503, f"a request beyond max_concurrency should be a 503, got {reply.status_code}")
        check(reply.headers.get("retry-after") == "1", "a 503 should carry the header Retry-After: 1")
        err = reply.json().get("error", {})
        check(err.get("type") == "server_overloaded" and err.get("param") is None and err.get("code") is None
              and isinstance(err.get("message"), str), "the 503's error body")
        streamed = server.post(prompt="one more", max_tokens=2, stream=True)
        check(streamed.status_code == 503, f"a streamed request beyond the limit is a 503 too, got {streamed.status_code}")
        check(server.post(prompt="hé", max_tokens=2).status_code == 400, "a bad prompt is a 400 even when the server is full")
        check(server.post(prompt="hi", max_tokens=0).status_code == 422, "a bad body is a 422 even when the server is full")
        health = server.http.get("/health")
        check(health.status_code == 200 and health.json()["in_flight"] == 2, "/health answers while the server is full")
        steps = server.model.tokens_generated
        check(steps < 24, "the 503 waited for a slot: answer it at once")
        results = [f.result() for f in slow]
    for s, r in zip(seeds, results):
        check(r.status_code == 200 and r.json()["choices"][0]["text"] == oracle(server.table, "slow", 12, 1.0, s)[0],
              "the requests in flight complete normally")
    server.wait_in_flight(0, "after the slow requests ended")
    check(server.post(prompt="again", max_tokens=3).status_code == 200, "a freed server serves again")


@pytest.mark.points(6)
def test_slots_are_released(lab, start):
    """Slots come back after replies, finished streams, client disconnects and refused requests."""
    server = start(max_concurrency=1, token_delay=0.2)
    seed = seed_for(server.table, "held", 40, "length")
    with server.http.stream("POST", "/v1/completions", json=dict(prompt="held", max_tokens=40, stream=True, seed=seed)) as reply:
        lines = reply.iter_lines()
        first = next(line for line in lines if line.startswith("data: "))
        check(first != "data: [DONE]", "the stream's first event")
        check(server.in_flight() == 1, "a running stream holds a slot")
        check(server.post(prompt="x", max_tokens=1).status_code == 503, "a running stream holds its slot")
    server.wait_in_flight(0, "after the client closed a stream early (the slot must be released when the client goes away)")
    steps = server.model.tokens_generated
    time.sleep(0.7)
    check(server.model.tokens_generated == steps < 40, "the server went on generating for a client that had gone away")
    fast = start(max_concurrency=1)
    for _ in range(3):
        check(fast.post(prompt="ok", max_tokens=5).status_code == 200, "sequential requests with max_concurrency=1")
        check(fast.post(prompt="ok", max_tokens=5, stream=True).status_code == 200, "sequential streams with max_concurrency=1")
        for bad in (dict(prompt="hé"), dict(prompt="a" * CONTEXT), dict(prompt="ok", model="nope"), dict(prompt="ok", max_tokens=0)):
            check(fast.post(**bad).status_code in (400, 404, 422), "a refused request")
    check(fast.in_flight() == 0, "refused and finished requests hold no slot")
    with server.http.stream("POST", "/v1/completions", json=dict(prompt="held", max_tokens=40, stream=True, seed=seed)) as reply:
        next(line for line in reply.iter_lines() if line.startswith("data: "))
        server.handle.stop()
        check(not server.handle.thread.is_alive(), "stop() should end the server even with a stream in flight")


@pytest.mark.points(5)
def test_concurrent_clients(lab, start):
    """Many clients at once (threads sharing a client, and separate clients) each get their own completion."""
    server = start(seed=6, max_concurrency=8)
    jobs = [(f"Client {i}", 20 + i, 1.0 if i % 3 else 0.0, 100 + i, i % 2 == 0) for i in range(24)]

    def run(job, http=server.http):
        prompt, max_tokens, temperature, seed, stream = job
        reply = http.post("/v1/completions", json=dict(prompt=prompt, max_tokens=max_tokens, temperature=temperature,
                                                       seed=seed, stream=stream))
        if reply.status_code != 200:
            return None
        if not stream:
            return reply.json()["choices"][0]["text"]
        return "".join(json.loads(p)["choices"][0]["text"] for p in sse_events(reply.text)[:-1])

    with ThreadPoolExecutor(8) as pool:
        texts = list(pool.map(run, jobs))
    for job, text in zip(jobs, texts):
        check(text is not None, "a request within max_concurrency was refused")
        check(text == oracle(server.table, job[0], job[1], job[2], job[3])[0], "concurrent requests got a wrong or mixed-up completion")
    others = [lab.http_client(f"http://127.0.0.1:{server.port}", timeout=30) for _ in range(3)]
    try:
        with ThreadPoolExecutor(3) as pool:
            texts = list(pool.map(lambda k: run(jobs[k], others[k]), range(3)))
    finally:
        for h in others:
            h.close()
    check(texts == [oracle(server.table, *jobs[k][:4])[0] for k in range(3)], "separate clients at once")


@pytest.mark.points(3)
def test_benchmark_completions(lab):
    """benchmark_completions serves a batch in-process and returns (text, finish_reason, completion_tokens) per request."""
    table = lab.TinyLM(9).table
    recipe = 2.5 * torch.randn(len(VOCAB) + 1, len(VOCAB) + 1, generator=torch.Generator().manual_seed(9))
    recipe[:, 0] -= 1.0
    check(table.dtype == torch.float32 and torch.equal(table, recipe), "TinyLM is given code: do not change it")
    model = lab.TinyLM(9)
    check(model.tokens_generated == 0, "TinyLM is given code: do not change it")
    steps = 0
    for prompt, n, temperature, finish in (("Bench", 40, 1.0, "length"), ("Stop", 200, 1.0, "stop"), ("x y", 9, 0.0, "length"),
                                           ("Long", 300, 1.0, "length")):
        seed = seed_for(table, prompt, n, finish, temperature)
        want = oracle(table, prompt, n, temperature, seed)
        check(tuple(model.complete(prompt, n, temperature, seed)) == want, "TinyLM is given code: do not change it")
        steps += len(want[0]) + (want[1] == "stop")
        check(model.tokens_generated == steps, "TinyLM is given code: do not change it")
    seed = seed_for(table, "Dflt", 30, "length")
    check(tuple(model.complete("Dflt", 30, seed=seed)) == oracle(table, "Dflt", 30, 1.0, seed), "TinyLM is given code")
    check("".join(model.generate("Dflt", 30, seed=seed)) == oracle(table, "Dflt", 30, 1.0, seed)[0], "TinyLM is given code")
    for prompt in ("", "é"):
        with pytest.raises(ValueError):
            model.complete(prompt, 3)
    bodies = [dict(prompt="Bench", max_tokens=30, seed=1), dict(prompt="x", max_tokens=5, temperature=0.0),
              dict(prompt="Stop", max_tokens=200, seed=seed_for(table, "Stop", 200, "stop")), dict(prompt="q", max_tokens=64, temperature=1.5, seed=2)]
    got = lab.benchmark_completions(bodies, model_seed=9)
    check(len(got) == len(bodies), "one result per request")
    for body, g in zip(bodies, got):
        text, finish = oracle(table, body["prompt"], body["max_tokens"], body.get("temperature", 1.0), body.get("seed", 0))
        check(tuple(g) == (text, finish, len(text)), "a batch result is not (text, finish_reason, completion_tokens) of the model's completion")
    check(lab.benchmark_completions([], model_seed=9) == [], "an empty batch")
    table0 = lab.TinyLM(0).table
    got = lab.benchmark_completions([dict(prompt="Zero", max_tokens=12, temperature=0.0)])
    text, finish = oracle(table0, "Zero", 12, 0.0)
    check([tuple(g) for g in got] == [(text, finish, len(text))], "model_seed defaults to 0")
    with pytest.raises(RuntimeError):
        lab.benchmark_completions([dict(prompt="ok", max_tokens=1), dict(prompt="hé")])
