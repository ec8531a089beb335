"""Lab 49: serving a model from serverless functions.

Implement every function below that raises NotImplementedError; each
docstring is the specification. ``TinyClassifier`` is given.

One small JSON API, served two ways:

* an **AWS Lambda** handler behind **API Gateway**, which receives the HTTP
  request as an *event* dict, in the REST API's proxy format (payload 1.0)
  or the HTTP API's payload format 2.0, and returns a response dict;
* a **Google Cloud Functions** entry point, run locally with
  ``functions-framework`` (a Flask app), which receives a ``flask.Request``.

Both share ``dispatch``, which routes a normalised request:

========  ============  ==========================================================
method    path          answer
========  ============  ==========================================================
GET       ``/health``   200 ``{"status": "ok"}`` (never loads the model)
POST      ``/predict``  200 ``{"predictions": [...]}`` (see ``dispatch``)
========  ============  ==========================================================

The model is a ``TinyClassifier`` (given, complete) downloaded from the URL
in the environment variable ``MODEL_URL`` the first time a request needs it,
and kept in a module-level cache for the life of the container (a *warm*
Lambda or Cloud Functions instance serves many requests with one import of
this module). Configuration comes from ``os.environ`` as on both platforms:
keep ``import os`` at module level (the tests set ``MODEL_URL`` through it).
"""

from __future__ import annotations

import base64  # noqa: F401
import gzip  # noqa: F401
import json
import math
import os  # noqa: F401  (keep it: the tests set MODEL_URL through os.environ)
import re
import threading  # noqa: F401
import urllib.parse
import urllib.request  # noqa: F401
from typing import Any

import flask

MAX_BODY_BYTES = 65536
JSON_TYPE = "application/json"

_TOKEN = re.compile(r"\w+")


class TinyClassifier:
    """A bag-of-words linear text classifier (given: nothing to implement).

    A model document is UTF-8 JSON: ``{"name": str, "labels": [str, ...],
    "vocab": [str, ...], "weights": [[float] * len(labels)] * len(vocab),
    "bias": [float] * len(labels)}``. A text's logits are ``bias`` plus the
    ``weights`` row of each of its tokens (``\\w+`` runs of the lower-cased
    text, repeated tokens counted each time, unknown tokens ignored); its
    scores are the softmax of the logits.
    """

    def __init__(self, name: str, labels: list[str], vocab: list[str], weights: list[list[float]], bias: list[float]) -> None:
        if not labels or len(bias) != len(labels) or len(weights) != len(vocab):
            raise ValueError("inconsistent model: labels, bias and weights disagree")
        if any(len(row) != len(labels) for row in weights):
            raise ValueError("inconsistent model: a weights row has the wrong length")
        self.name = name
        self.labels = list(labels)
        self.rows = {token: [float(w) for w in row] for token, row in zip(vocab, weights)}
        self.bias = [float(b) for b in bias]

    @classmethod
    def from_json(cls, data: bytes) -> TinyClassifier:
        """Build a model from a model document; ValueError if it is not one."""
        try:
            doc = json.loads(data.decode("utf-8"))
            return cls(doc["name"], doc["labels"], doc["vocab"], doc["weights"], doc["bias"])
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not a model document: {exc}") from exc

    def scores(self, text: str) -> list[float]:
        """The softmax scores of ``text``, one per label, in label order."""
        logits = list(self.bias)
        for token in _TOKEN.findall(text.lower()):
            row = self.rows.get(token)
            if row is not None:
                logits = [z + w for z, w in zip(logits, row)]
        top = max(logits)
        exps = [math.exp(z - top) for z in logits]
        total = sum(exps)
        return [e / total for e in exps]


# ---- the model, once per container -------------------------------------------------------------------


def load_model(url: str) -> TinyClassifier:
    """Download the model document at ``url`` and build the model.

    One HTTP GET of ``url`` (``urllib.request``, a timeout of 10 s), whose
    body goes to ``TinyClassifier.from_json``.

    Raises:
        OSError: the server cannot be reached, or answers with an HTTP error
            status (``urllib.error.HTTPError`` and ``URLError`` are OSErrors).
        ValueError: the body is not a model document.
    """
    raise NotImplementedError("TODO: load_model")


def get_model() -> TinyClassifier:
    """The model at ``os.environ["MODEL_URL"]``, downloaded at most once per container.

    The first call downloads it with ``load_model``; later calls return the
    same object without any download, as long as ``MODEL_URL`` is unchanged
    (it is read at every call). When ``MODEL_URL`` changes, the next call
    downloads the new model and caches it instead. A failed download is not
    cached: the next call tries again. Calls from several threads at once
    (a threaded server) download the model only once: one thread loads it
    while the others wait for it.

    Raises:
        RuntimeError: ``MODEL_URL`` is unset or empty.
        OSError, ValueError: from ``load_model``.
    """
    raise NotImplementedError("TODO: get_model")


# ---- API Gateway events ------------------------------------------------------------------------------


def parse_event(event: dict) -> dict:
    """Normalise an API Gateway proxy event (payload format 1.0 or 2.0) into a request dict.

    The format is 2.0 when ``event["version"] == "2.0"`` (an HTTP API's
    default), else 1.0 (a REST API's proxy integration, which has no
    ``version`` key, or an HTTP API with payload format ``"1.0"``).

    Returns a dict with exactly these keys:

    * ``"version"``: ``"1.0"`` or ``"2.0"``;
    * ``"method"``: the HTTP method, upper case (1.0: ``httpMethod``; 2.0:
      ``requestContext.http.method``);
    * ``"path"``: 1.0: ``path``; 2.0: ``rawPath``, without its stage prefix:
      when ``requestContext.stage`` is not ``"$default"`` and ``rawPath``
      is ``"/" + stage`` or starts with ``"/" + stage + "/"``, that prefix
      is removed (``"/prod/predict"`` -> ``"/predict"``, ``"/prod"`` -> ``"/"``;
      ``"/production/x"`` stays as it is for the stage ``prod``);
    * ``"headers"``: ``{lower-case name: str}``. 1.0: from
      ``multiValueHeaders`` when it is a dict (the values of one name joined
      with ``","``), else from ``headers``; either may be missing or None
      (no headers). 2.0: ``headers`` (names already lower case, repeated
      headers already joined with ``","``), plus a ``"cookie"`` header made
      of the ``cookies`` list joined with ``"; "`` when that list is present
      and non-empty (2.0 moves cookies out of the headers);
    * ``"query"``: ``{name: [values]}`` in the order given. 1.0: from
      ``multiValueQueryStringParameters`` when it is a dict, else from
      ``queryStringParameters`` (one value each); either may be missing or
      None. 2.0: parsed from ``rawQueryString`` with
      ``urllib.parse.parse_qs(..., keep_blank_values=True)`` (percent-escapes
      and ``+`` decoded); ``""`` or missing gives ``{}``;
    * ``"body"``: bytes. ``None`` or missing gives ``b""``; when
      ``isBase64Encoded`` is true the body is base64 text, decoded strictly
      (``base64.b64decode(..., validate=True)``); otherwise it is text,
      encoded as UTF-8;
    * ``"request_id"``: ``requestContext.requestId`` (str);
    * ``"source_ip"``: 1.0: ``requestContext.identity.sourceIp``; 2.0:
      ``requestContext.http.sourceIp``.

    Raises:
        ValueError: ``isBase64Encoded`` is true and the body is not valid
            base64 (``binascii.Error`` is a ValueError).
        KeyError / TypeError: a required field is missing or of the wrong
            kind (the event is not an API Gateway event).
    """
    raise NotImplementedError("TODO: parse_event")


def make_response(status: int, payload: Any, headers: dict[str, str] | None = None, gzip_body: bool = False) -> dict:
    """The Lambda proxy response for ``status`` and a JSON ``payload``.

    Returns ``{"statusCode": status, "headers": {...}, "body": str,
    "isBase64Encoded": bool}``, a shape both payload formats accept. The
    headers are ``content-type: application/json`` plus ``headers`` with
    their names lower-cased (a given ``content-type`` wins). The body is
    ``json.dumps(payload)``; with ``gzip_body`` those UTF-8 bytes are
    gzip-compressed and the body is their base64 text, ``isBase64Encoded``
    is True and the headers get ``content-encoding: gzip``.
    """
    raise NotImplementedError("TODO: make_response")


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an ``Accept-Encoding`` header value allows a gzip response.

    The value is a comma-separated list of codings, each optionally with
    parameters after ``;`` (``gzip;q=0.5``); names and parameters are
    case-insensitive and spaces around items are ignored. gzip is allowed
    when a ``gzip`` item has a q-value above 0 (no ``q`` means 1), or, with
    no ``gzip`` item, when a ``*`` item has a q-value above 0. ``None`` or
    ``""`` allows nothing. A q-value that is not a number counts as 0.
    """
    raise NotImplementedError("TODO: accepts_gzip")


# ---- the application ---------------------------------------------------------------------------------


def dispatch(request: dict) -> tuple[int, Any, dict[str, str]]:
    """Answer a normalised request (the dict ``parse_event`` returns; only
    ``method``, ``path``, ``headers``, ``query`` and ``body`` are read).

    Returns ``(status, payload, headers)``: the HTTP status, a JSON-able
    payload and the extra response headers (lower-case names; ``{}`` when
    none). Errors are never raised: every error is an answer whose payload
    is ``{"error": message}``. Checks run in this order, the first failing
    one answering:

    1. the path is ``/health`` or ``/predict``, else 404;
    2. the method: ``GET`` for ``/health``, ``POST`` for ``/predict``, else
       405 with the header ``allow`` (``"GET"`` or ``"POST"``). ``GET
       /health`` answers 200 ``{"status": "ok"}`` and loads no model;
    3. the body has at most ``MAX_BODY_BYTES`` bytes, else 413;
    4. the ``content-type`` header's media type (before any ``;``, stripped,
       case-insensitive) is ``application/json``, else 415 (also when the
       header is missing);
    5. the body is UTF-8 text holding JSON, else 400;
    6. the JSON is an object with an ``"inputs"`` key that is a string or a
       non-empty list of strings, else 422;
    7. the query parameter ``top_k``, when present (its last value), is a
       decimal integer (``int(value)`` succeeds) of at least 1, else 422;
       without it ``top_k`` is 1;
    8. ``get_model()`` succeeds, else 503 (``MODEL_URL`` missing, a failed
       download, a bad model document). Only a request that passed checks
       1-7 loads the model;
    9. ``top_k`` is at most the number of labels, else 422.

    A successful prediction answers 200 ``{"predictions": [...]}``, one
    entry per input (a string input counts as a list of one), each a list of
    the ``top_k`` best ``{"label": str, "score": float}`` in decreasing
    score order (equal scores: label order), ``score`` being the softmax
    probability from ``TinyClassifier.scores``.
    """
    raise NotImplementedError("TODO: dispatch")


# ---- AWS Lambda --------------------------------------------------------------------------------------


def lambda_handler(event: dict, context: Any) -> dict:
    """The Lambda entry point for API Gateway proxy events (payload 1.0 and 2.0).

    ``parse_event`` then ``dispatch`` then ``make_response``; ``context``
    (the Lambda context object; None in the tests) is not used. An event
    ``parse_event`` cannot read (it raises KeyError, TypeError or ValueError,
    e.g. a bad base64 body) answers 400 ``{"error": ...}`` (a handler that
    raised would make API Gateway answer 502). Every answer, errors
    included:

    * is gzip-compressed (``make_response(..., gzip_body=True)``) when the
      request's ``accept-encoding`` header allows it (``accepts_gzip``);
      the 400 for an unreadable event is never compressed;
    * carries the header ``x-request-id``: the event's
      ``requestContext.requestId`` (absent from the unreadable-event 400);
    * carries ``dispatch``'s extra headers (``allow``).
    """
    raise NotImplementedError("TODO: lambda_handler")


# ---- Google Cloud Functions --------------------------------------------------------------------------


def gcf_entry(request: flask.Request) -> flask.Response:
    """The Cloud Functions (HTTP signature) entry point, run by ``functions-framework``.

    Builds the request dict ``dispatch`` reads from the ``flask.Request``:
    ``method``, ``path`` (``request.path``), ``headers`` (lower-case names),
    ``query`` (``request.args``, every value of each name, in order) and
    ``body`` (``request.get_data()``); then answers with a
    ``flask.Response`` of ``dispatch``'s status, its payload as JSON
    (``content-type: application/json``) and its extra headers. No gzip, no
    ``x-request-id`` here.
    """
    raise NotImplementedError("TODO: gcf_entry")


def serve_gcf(port: int = 0) -> int:
    """Run ``gcf_entry`` under functions-framework on ``127.0.0.1:port``, in the background.

    What ``functions-framework --target gcf_entry --source serverless.py``
    does, without blocking: the app is
    ``functions_framework.create_app(target="gcf_entry", source=<this
    file>)`` (which imports this file again as a fresh module: a fresh
    container with its own model cache), served by a threaded WSGI server
    (``werkzeug.serving.make_server(..., threaded=True)``) in a daemon
    thread. ``port`` 0 picks a free port. Returns the port it listens on.
    Each call starts a new server (a new container).
    """
    raise NotImplementedError("TODO: serve_gcf")
