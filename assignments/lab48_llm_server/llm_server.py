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

import asyncio  # noqa: F401 - what the solution needs
import json  # noqa: F401
import threading
import time  # noqa: F401
import uuid  # noqa: F401
from collections.abc import AsyncIterator, Iterator  # noqa: F401

import torch
import uvicorn
from fastapi import FastAPI
from fastapi.responses import JSONResponse, StreamingResponse  # noqa: F401
from fastapi.testclient import TestClient  # noqa: F401
from pydantic import BaseModel, ConfigDict, Field  # noqa: F401

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

    # TODO: declare the six fields with their defaults and pydantic.Field bounds, and forbid extra fields
    #       (model_config = ConfigDict(extra="forbid")).


def error_body(message: str, type: str, param: str | None = None, code: str | None = None) -> dict:
    """OpenAI's error object: ``{"error": {"message", "type", "param", "code"}}`` with the given values."""
    raise NotImplementedError("TODO: build the error object")


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
    raise NotImplementedError("TODO: build the text_completion object")


def sse_event(data: dict | str) -> str:
    """One server-sent event: ``"data: " + payload + "\\n\\n"``, where the payload is
    ``json.dumps(data)`` for a dict and the string itself otherwise (``"[DONE]"``)."""
    raise NotImplementedError("TODO: frame one server-sent event")


class ConcurrencyLimiter:
    """At most ``limit`` holders at a time, never waiting (thread-safe).

    ``try_acquire()`` takes a slot and returns True, or returns False at once
    when all ``limit`` are taken; ``release()`` gives one back (RuntimeError
    when none is held); ``in_flight`` is the number held now. ``limit`` below
    1 is a ValueError.
    """

    def __init__(self, limit: int) -> None:
        raise NotImplementedError("TODO: check limit, keep it, a count of held slots and a threading.Lock")

    @property
    def in_flight(self) -> int:
        """How many slots are held now."""
        raise NotImplementedError("TODO: the number of slots held")

    def try_acquire(self) -> bool:
        """Take a slot if one is free (True), else False at once."""
        raise NotImplementedError("TODO: under the lock, take a slot if one is free")

    def release(self) -> None:
        """Give a slot back; RuntimeError when none is held."""
        raise NotImplementedError("TODO: under the lock, give a slot back")


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
    raise NotImplementedError(
        "TODO: a ConcurrencyLimiter, the FastAPI app and its three routes; an async generator of SSE events "
        "for streams (release the slot in its finally)"
    )


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
    raise NotImplementedError("TODO: uvicorn.Config + uvicorn.Server, run it in a daemon thread, wait for server.started")


def benchmark_completions(bodies: list[dict], model_seed: int = 0) -> list[tuple[str, str, int]]:
    """Serve ``bodies`` (``CompletionRequest`` dicts, not streamed) one after another through
    ``create_app(TinyLM(model_seed))`` in-process with ``fastapi.testclient.TestClient``
    (no sockets) and return, per request, ``(text, finish_reason, completion_tokens)`` of
    its 200 reply. One app and one client serve the whole batch. RuntimeError when a
    reply is not a 200."""
    raise NotImplementedError("TODO: one TestClient over one app; POST each body; collect the three values")
