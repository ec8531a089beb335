"""Lab 48: serving a language model over HTTP.

A FastAPI app that serves a tiny character-level language model the way an
OpenAI-compatible inference server does:

* ``POST /v1/completions``: a request body validated by pydantic (bounds on
  ``max_tokens`` and ``temperature``), answered with an OpenAI-style
  ``text_completion`` object, or, with ``"stream": true``, streamed token by
  token as server-sent events (SSE) ending with ``data: [DONE]``;
* ``GET /health`` and ``GET /v1/models``;
* a limit on the completions in flight: a request that finds every slot taken
  is answered at once with ``503 Service Unavailable`` instead of queueing;
* clear client errors: 422 for a body that fails validation, 400 for a prompt
  the model cannot take, 404 for a model it does not serve.

``serve`` runs an app in a real uvicorn server in a background thread, and
``benchmark_completions`` drives an app in-process (the timed kernel).

``TinyLM`` and ``RunningServer`` are given: the model is not the subject of
this lab, and its exact sampling rule lets a test check your server's text
against the model's own.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator

import torch
import uvicorn
from fastapi import FastAPI
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict, Field

MODEL_NAME = "tiny-char-lm"
VOCAB = " abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;:!?'\"-()\n"
EOS = 0                  # token id 0 is end-of-text; character VOCAB[i] has id i + 1
MAX_TOKENS_LIMIT = 256   # the most tokens one request may ask for
CONTEXT_LENGTH = 512     # len(prompt) + max_tokens may not exceed this


# ---- given: the model --------------------------------------------------------------------------------------


class TinyLM:
    """A tiny character-level bigram language model (given, do not change).

    ``table`` is a ``(len(VOCAB) + 1, len(VOCAB) + 1)`` float32 tensor of
    logits: row ``a`` holds the logits of the token that follows token ``a``.
    It is ``2.5 * torch.randn(n, n, generator=torch.Generator().manual_seed(seed))``
    with 1.0 subtracted from the end-of-text column, so two models built with
    the same seed are identical. ``name`` is ``MODEL_NAME``.
    ``tokens_generated`` counts every sampling step of every ``generate``
    call so far (the end-of-text token included).
    """

    def __init__(self, seed: int = 0) -> None:
        g = torch.Generator().manual_seed(seed)
        n = len(VOCAB) + 1
        table = torch.randn(n, n, generator=g) * 2.5
        table[:, EOS] -= 1.0
        self.table = table
        self.name = MODEL_NAME
        self.tokens_generated = 0

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text``, one per character; ValueError names the first character not in ``VOCAB``."""
        ids = []
        for ch in text:
            i = VOCAB.find(ch)
            if i < 0:
                raise ValueError(f"character {ch!r} is not in the model's vocabulary")
            ids.append(i + 1)
        return ids

    def generate(self, prompt: str, max_tokens: int, temperature: float = 1.0, seed: int | None = None) -> Iterator[str]:
        """Yield the completion of ``prompt`` one character at a time, lazily.

        The state is the last token (the last prompt character, then the last
        yielded one). Each step takes ``logits = table[last]``; with
        ``temperature == 0`` the next token is ``argmax(logits)`` (greedy),
        otherwise it is ``torch.multinomial(softmax(logits / temperature), 1,
        generator=g)`` with ``g = torch.Generator().manual_seed(seed)`` made
        once per call (a randomly seeded generator when ``seed`` is None).
        End-of-text stops the generation (it is not yielded); otherwise it
        stops after ``max_tokens`` characters. So fewer than ``max_tokens``
        characters means the model chose to stop.

        Raises ValueError for an empty prompt or a character outside ``VOCAB``.
        """
        ids = self.encode(prompt)
        if not ids:
            raise ValueError("the prompt is empty")
        g = torch.Generator()
        if seed is None:
            g.seed()
        else:
            g.manual_seed(seed)
        last = ids[-1]
        for _ in range(max_tokens):
            logits = self.table[last]
            if temperature == 0:
                nxt = int(torch.argmax(logits))
            else:
                probs = torch.softmax(logits / temperature, dim=-1)
                nxt = int(torch.multinomial(probs, 1, generator=g))
            self.tokens_generated += 1
            if nxt == EOS:
                return
            yield VOCAB[nxt - 1]
            last = nxt

    def complete(self, prompt: str, max_tokens: int, temperature: float = 1.0, seed: int | None = None) -> tuple[str, str]:
        """``(text, finish_reason)``: the whole of ``generate``; finish_reason is "length" when
        ``max_tokens`` characters were produced, "stop" when the model stopped first."""
        text = "".join(self.generate(prompt, max_tokens, temperature, seed))
        return text, ("length" if len(text) == max_tokens else "stop")


# ---- the request and the pieces of a reply -----------------------------------------------------------------


class CompletionRequest(BaseModel):
    """The body of ``POST /v1/completions`` (a subset of OpenAI's).

    Fields, all validated by pydantic (a violation is FastAPI's 422):

    * ``prompt``: str, at least 1 character (required);
    * ``max_tokens``: int in ``[1, MAX_TOKENS_LIMIT]``, default 16;
    * ``temperature``: float in ``[0, 2]``, default 1.0 (0 means greedy);
    * ``stream``: bool, default False;
    * ``seed``: int in ``[0, 2**32 - 1]`` or None (default): the sampling seed;
    * ``model``: str or None (default): the model asked for.

    Unknown fields are rejected (``extra="forbid"``), so a misspelt
    ``max_token`` is a 422, not silently ignored.
    """

    model_config = ConfigDict(extra="forbid")

    prompt: str = Field(min_length=1)
    max_tokens: int = Field(default=16, ge=1, le=MAX_TOKENS_LIMIT)
    temperature: float = Field(default=1.0, ge=0.0, le=2.0)
    stream: bool = False
    seed: int | None = Field(default=None, ge=0, le=2**32 - 1)
    model: str | None = None


def error_body(message: str, type: str, param: str | None = None, code: str | None = None) -> dict:
    """OpenAI's error object: ``{"error": {"message", "type", "param", "code"}}`` with the given values."""
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


def completion_body(completion_id: str, created: int, model: str, text: str, finish_reason: str | None,
                    prompt_tokens: int | None = None) -> dict:
    """One OpenAI ``text_completion`` object (a whole reply, or one streamed chunk).

    ``{"id": completion_id, "object": "text_completion", "created": created,
    "model": model, "choices": [{"text": text, "index": 0, "logprobs": None,
    "finish_reason": finish_reason}]}``, plus, when ``prompt_tokens`` is not
    None, ``"usage": {"prompt_tokens": prompt_tokens, "completion_tokens":
    len(text), "total_tokens": prompt_tokens + len(text)}`` (a token is a
    character). Streamed chunks carry no usage.
    """
    body = {
        "id": completion_id,
        "object": "text_completion",
        "created": created,
        "model": model,
        "choices": [{"text": text, "index": 0, "logprobs": None, "finish_reason": finish_reason}],
    }
    if prompt_tokens is not None:
        body["usage"] = {"prompt_tokens": prompt_tokens, "completion_tokens": len(text),
                         "total_tokens": prompt_tokens + len(text)}
    return body


def sse_event(data: dict | str) -> str:
    """One server-sent event: ``"data: " + payload + "\\n\\n"``, where the payload is
    ``json.dumps(data)`` for a dict and the string itself otherwise (``"[DONE]"``)."""
    payload = data if isinstance(data, str) else json.dumps(data)
    return f"data: {payload}\n\n"


class ConcurrencyLimiter:
    """At most ``limit`` holders at a time, never waiting (thread-safe).

    ``try_acquire()`` takes a slot and returns True, or returns False at once
    when all ``limit`` are taken; ``release()`` gives one back (RuntimeError
    when none is held); ``in_flight`` is the number held now. ``limit`` below
    1 is a ValueError.
    """

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        self.limit = limit
        self._held = 0
        self._lock = threading.Lock()

    @property
    def in_flight(self) -> int:
        """How many slots are held now."""
        return self._held

    def try_acquire(self) -> bool:
        """Take a slot if one is free (True), else False at once."""
        with self._lock:
            if self._held >= self.limit:
                return False
            self._held += 1
            return True

    def release(self) -> None:
        """Give a slot back; RuntimeError when none is held."""
        with self._lock:
            if self._held == 0:
                raise RuntimeError("release() without a slot held")
            self._held -= 1


# ---- the app -----------------------------------------------------------------------------------------------


def create_app(model: TinyLM | None = None, max_concurrency: int = 4, token_delay: float = 0.0) -> FastAPI:
    """The FastAPI app serving ``model`` (a new ``TinyLM()`` when None).

    Routes:

    * ``GET /health``: 200 ``{"status": "ok", "model": model.name,
      "in_flight": n, "max_concurrency": max_concurrency}``, where ``n`` is
      the number of completions in flight; always answered, even when full.
    * ``GET /v1/models``: 200 ``{"object": "list", "data": [{"id": model.name,
      "object": "model", "owned_by": "lab48"}]}``.
    * ``POST /v1/completions`` with a ``CompletionRequest`` body. Checks, in
      this order, each answered with ``error_body(...)`` and no generation:

      1. the body fails validation: FastAPI's own 422 (``{"detail": [...]}``);
      2. ``model`` is given and is not ``model.name``: 404, type
         ``"invalid_request_error"``, param ``"model"``, code ``"model_not_found"``;
      3. the prompt has a character outside ``VOCAB``: 400, type
         ``"invalid_request_error"``, param ``"prompt"``, code ``"invalid_prompt"``;
      4. ``len(prompt) + max_tokens > CONTEXT_LENGTH``: 400, type
         ``"invalid_request_error"``, param ``"max_tokens"``, code
         ``"context_length_exceeded"``;
      5. ``max_concurrency`` completions already in flight: 503 at once, type
         ``"server_overloaded"``, param and code None, header ``Retry-After: 1``.

      Otherwise the completion takes a slot until its reply has been sent in
      full (for a stream, until the stream ends or the client goes away; the
      slot is released in every case, and a stream whose client has gone
      stops generating) and is generated with
      one call of ``model.generate(prompt, max_tokens, temperature, seed)``, sleeping
      ``token_delay`` seconds before each step without blocking other requests
      (``/health`` answers during a slow generation).

      Without ``stream``: 200 ``completion_body(id, created, model.name, text,
      finish_reason, prompt_tokens=len(prompt))``: ``id`` is ``"cmpl-"`` plus
      a fresh unique hex string, ``created`` the Unix time in whole seconds,
      ``finish_reason`` ``"length"`` when ``max_tokens`` characters came out
      and ``"stop"`` when the model stopped first.

      With ``stream``: 200, media type ``text/event-stream``, one
      ``sse_event(completion_body(id, created, model.name, ch, None))`` per
      character, sent as soon as it is generated, then one with text ``""``
      and the finish_reason, then ``sse_event("[DONE]")``. Every chunk of a
      stream has the same ``id`` and ``created``.

    ``max_concurrency`` below 1 or a negative ``token_delay`` is a ValueError.
    """
    if token_delay < 0:
        raise ValueError(f"token_delay must be >= 0, got {token_delay}")
    limiter = ConcurrencyLimiter(max_concurrency)
    model = TinyLM() if model is None else model
    app = FastAPI(title="tiny LM server")

    @app.get("/health")
    async def health() -> dict:
        return {"status": "ok", "model": model.name, "in_flight": limiter.in_flight, "max_concurrency": limiter.limit}

    @app.get("/v1/models")
    async def models() -> dict:
        return {"object": "list", "data": [{"id": model.name, "object": "model", "owned_by": "lab48"}]}

    @app.post("/v1/completions")
    async def completions(req: CompletionRequest):  # noqa: ANN202 (a JSON or a streaming response)
        refused = _refusal(model, req)
        if refused is not None:
            return refused
        if not limiter.try_acquire():
            return _error(503, "the server is busy: try again later", "server_overloaded", headers={"Retry-After": "1"})
        completion_id, created = f"cmpl-{uuid.uuid4().hex}", int(time.time())
        if req.stream:
            return StreamingResponse(_events(model, req, token_delay, limiter, completion_id, created),
                                     media_type="text/event-stream", headers={"Cache-Control": "no-cache"})
        try:
            text = "".join([ch async for ch in _tokens(model, req, token_delay)])
        finally:
            limiter.release()
        finish = "length" if len(text) == req.max_tokens else "stop"
        return completion_body(completion_id, created, model.name, text, finish, prompt_tokens=len(req.prompt))

    return app


def _error(status: int, message: str, type: str, param: str | None = None, code: str | None = None,
           headers: dict | None = None) -> JSONResponse:
    return JSONResponse(error_body(message, type, param, code), status_code=status, headers=headers)


def _refusal(model: TinyLM, req: CompletionRequest) -> JSONResponse | None:
    """The 404 or 400 a valid body still gets (checks 2-4 of create_app), or None."""
    if req.model is not None and req.model != model.name:
        return _error(404, f"the model {req.model!r} does not exist", "invalid_request_error", "model", "model_not_found")
    try:
        model.encode(req.prompt)
    except ValueError as e:
        return _error(400, str(e), "invalid_request_error", "prompt", "invalid_prompt")
    if len(req.prompt) + req.max_tokens > CONTEXT_LENGTH:
        return _error(400, f"prompt ({len(req.prompt)}) + max_tokens ({req.max_tokens}) exceeds the context length "
                      f"{CONTEXT_LENGTH}", "invalid_request_error", "max_tokens", "context_length_exceeded")
    return None


async def _tokens(model: TinyLM, req: CompletionRequest, token_delay: float) -> AsyncIterator[str]:
    """The completion's characters, each after ``token_delay`` seconds that other requests can use."""
    stream = model.generate(req.prompt, req.max_tokens, req.temperature, req.seed)
    while True:
        if token_delay:
            await asyncio.sleep(token_delay)
        ch = next(stream, None)
        if ch is None:
            return
        yield ch


async def _events(model: TinyLM, req: CompletionRequest, token_delay: float, limiter: ConcurrencyLimiter,
                  completion_id: str, created: int) -> AsyncIterator[str]:
    """The SSE events of a streamed completion; releases the slot however the stream ends."""
    try:
        n = 0
        async for ch in _tokens(model, req, token_delay):
            n += 1
            yield sse_event(completion_body(completion_id, created, model.name, ch, None))
        finish = "length" if n == req.max_tokens else "stop"
        yield sse_event(completion_body(completion_id, created, model.name, "", finish))
        yield sse_event("[DONE]")
    finally:
        limiter.release()


# ---- running it --------------------------------------------------------------------------------------------


class RunningServer:
    """A uvicorn server running in a background thread (given, do not change).

    ``port`` is the port it listens on, ``url`` ``"http://HOST:PORT"``;
    ``stop()`` asks it to exit and waits for its thread, after which the port
    refuses connections (uvicorn closes connections still streaming).
    """

    def __init__(self, server: uvicorn.Server, thread: threading.Thread, host: str, port: int) -> None:
        self.server = server
        self.thread = thread
        self.host = host
        self.port = port
        self.url = f"http://{host}:{port}"

    def stop(self) -> None:
        """Stop serving and wait for the thread to end."""
        self.server.should_exit = True
        self.thread.join()


def serve(app: FastAPI, host: str = "127.0.0.1", port: int = 0, timeout: float = 10.0) -> RunningServer:
    """Run ``app`` in a uvicorn server on ``host:port`` in a daemon thread; return once it accepts connections.

    Build a ``uvicorn.Config(app, host=host, port=port, log_level="warning")``
    and a ``uvicorn.Server`` from it, run ``server.run()`` in a daemon
    ``threading.Thread``, and wait until ``server.started`` is True (checking
    every few milliseconds). ``port=0`` lets the system choose a free port:
    read the bound one from ``server.servers[0].sockets[0].getsockname()[1]``.
    Returns ``RunningServer(server, thread, host, bound_port)``.

    Raises RuntimeError when the server has not started within ``timeout``
    seconds or its thread ended first (e.g. the port is taken); nothing is left
    running then (set ``server.should_exit`` and wait for the thread to end).
    """
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            thread.join()
            raise RuntimeError(f"the server on {host}:{port} did not start")
        time.sleep(0.005)
    bound = server.servers[0].sockets[0].getsockname()[1]
    return RunningServer(server, thread, host, bound)


def benchmark_completions(bodies: list[dict], model_seed: int = 0) -> list[tuple[str, str, int]]:
    """Serve ``bodies`` (``CompletionRequest`` dicts, not streamed) one after another through
    ``create_app(TinyLM(model_seed))`` in-process with ``fastapi.testclient.TestClient``
    (no sockets) and return, per request, ``(text, finish_reason, completion_tokens)`` of
    its 200 reply. One app and one client serve the whole batch. RuntimeError when a
    reply is not a 200."""
    out = []
    with TestClient(create_app(TinyLM(model_seed))) as client:
        for body in bodies:
            reply = client.post("/v1/completions", json=body)
            if reply.status_code != 200:
                raise RuntimeError(f"request {body} got {reply.status_code}")
            data = reply.json()
            choice = data["choices"][0]
            out.append((choice["text"], choice["finish_reason"], data["usage"]["completion_tokens"]))
    return out
