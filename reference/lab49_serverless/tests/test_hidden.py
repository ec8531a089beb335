"""Hidden tests for lab 49 (serverless: AWS Lambda behind API Gateway, Google Cloud Functions).

Oracles and fixtures:

* events: real API Gateway proxy events (``data/apigw_rest_v1.json``, a REST
  API's payload 1.0; ``data/apigw_http_v1.json``, an HTTP API with payload
  format 1.0; ``data/apigw_http_v2.json``, payload format 2.0), copied and
  edited per test the way API Gateway fills them in (v1: ``headers`` holds
  the last value of a repeated header, ``multiValueHeaders`` all of them,
  null for "none"; v2: lower-case names, repeats joined by commas, cookies in
  their own list, the raw query string, the stage in ``rawPath``);
* scores: the softmax of the logits (``scipy.special.softmax``), computed
  here from the model document;
* gzip: ``base64`` and ``gzip`` of the standard library;
* the model store: a mock HTTP server (``lab.http_server``) on the
  student's loopback, which serves model documents and counts every GET on
  the runner side, where the student's code cannot touch the count; each
  test publishes its models under fresh URLs (a fresh "cold start");
* Cloud Functions: the student's ``serve_gcf`` runs functions-framework in
  the worker; the test drives it with a real HTTP client from the runner
  (``lab.http_client``).
"""

from __future__ import annotations

import base64
import copy
import gzip
import itertools
import json
import random
import re
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler

import numpy as np
import pytest
from scipy.special import softmax

from autograder.testing import assert_close, check

MAX_BODY = 65536
_ids = itertools.count()


# ---- events ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def templates(lab_data):
    return {name: json.loads((lab_data / f"{name}.json").read_text()) for name in ("apigw_rest_v1", "apigw_http_v1", "apigw_http_v2")}


def _body_fields(body, b64):
    if body is None:
        return None, False
    if b64:
        raw = body if isinstance(body, bytes) else body.encode()
        return base64.b64encode(raw).decode(), True
    return (body.decode() if isinstance(body, bytes) else body), False


def v1_event(templates, method="POST", path="/predict", headers=None, query=None, body=None, b64=False,
             request_id=None, template="apigw_rest_v1"):
    """A v1 event; ``headers`` and ``query`` map a name to a list of values (as a client sent them)."""
    ev = copy.deepcopy(templates[template])
    ev["httpMethod"] = ev["requestContext"]["httpMethod"] = method
    ev["path"] = ev["resource"] = ev["requestContext"]["resourcePath"] = path
    if headers is not None:
        ev["multiValueHeaders"] = {k: list(v) for k, v in headers.items()} or None
        ev["headers"] = {k: v[-1] for k, v in headers.items()} or None
    if query is not None:
        ev["multiValueQueryStringParameters"] = {k: list(v) for k, v in query.items()} or None
        ev["queryStringParameters"] = {k: v[-1] for k, v in query.items()} or None
    ev["body"], ev["isBase64Encoded"] = _body_fields(body, b64)
    if request_id is not None:
        ev["requestContext"]["requestId"] = request_id
    return ev


def v2_event(templates, method="POST", path="/predict", headers=None, query="", body=None, b64=False,
             stage="$default", cookies=None, request_id=None):
    """A v2 event; ``headers`` maps a name to a list of values; ``query`` is the raw query string."""
    ev = copy.deepcopy(templates["apigw_http_v2"])
    raw_path = path if stage == "$default" else f"/{stage}{path}"
    ev["rawPath"] = ev["requestContext"]["http"]["path"] = raw_path
    ev["requestContext"]["http"]["method"] = method
    ev["requestContext"]["stage"] = stage
    if headers is not None:
        ev["headers"] = {k.lower(): ",".join(v) for k, v in headers.items()}
    ev["rawQueryString"] = query
    parsed = urllib.parse.parse_qs(query, keep_blank_values=True)
    if parsed:
        ev["queryStringParameters"] = {k: ",".join(v) for k, v in parsed.items()}
    if cookies:
        ev["cookies"] = list(cookies)
    ev["body"], ev["isBase64Encoded"] = _body_fields(body, b64)
    if body is None:
        del ev["body"]
    if request_id is not None:
        ev["requestContext"]["requestId"] = request_id
    return ev


JSON_HEADERS = {"Content-Type": ["application/json"]}


def jbody(obj):
    return json.dumps(obj)


# ---- the model store -------------------------------------------------------------------------------------

WORDS = ["good", "bad", "great", "awful", "film", "plot", "acting", "boring", "fun", "café", "naïve", "ok",
         "not", "very", "slow", "smart", "it's", "2", "x_y"]


def make_doc(seed, n_labels=3):
    rng = random.Random(seed)
    labels = ["negative", "neutral", "positive", "mixed", "spam"][:n_labels]
    return {
        "name": f"tiny-{seed}",
        "labels": labels,
        "vocab": WORDS,
        "weights": [[round(rng.gauss(0.0, 1.5), 6) for _ in labels] for _ in WORDS],
        "bias": [round(rng.gauss(0.0, 0.5), 6) for _ in labels],
    }


def oracle_scores(doc, text):
    index = {w: i for i, w in enumerate(doc["vocab"])}
    logits = np.array(doc["bias"], dtype=np.float64)
    for token in re.findall(r"\w+", text.lower()):
        if token in index:
            logits = logits + np.array(doc["weights"][index[token]])
    return softmax(logits)


def expected_predictions(doc, texts, top_k=1):
    out = []
    for text in texts:
        p = oracle_scores(doc, text)
        order = sorted(range(len(p)), key=lambda i: (-p[i], i))[:top_k]
        out.append([(doc["labels"][i], float(p[i])) for i in order])
    return out


def check_predictions(payload, doc, texts, top_k=1, what="the predictions"):
    check(isinstance(payload, dict) and set(payload) == {"predictions"},
          f"{what}: the payload should be an object with the one key 'predictions'")
    preds = payload["predictions"]
    check(isinstance(preds, list) and len(preds) == len(texts), f"{what}: one prediction per input expected")
    for got, want in zip(preds, expected_predictions(doc, texts, top_k)):
        check(isinstance(got, list) and len(got) == len(want), f"{what}: each prediction is a list of top_k entries")
        check(all(isinstance(e, dict) and set(e) == {"label", "score"} for e in got),
              f"{what}: each entry is {{'label': ..., 'score': ...}}")
        check([e["label"] for e in got] == [w[0] for w in want], f"{what}: wrong labels or label order")
        assert_close(np.array([e["score"] for e in got], dtype=np.float64), np.array([w[1] for w in want]),
                     atol=1e-9, rtol=1e-9, what=f"{what}: scores")


class ModelStore(BaseHTTPRequestHandler):
    """Serves model documents; counts GETs per path; can fail or be slow."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):
        srv = self.server
        with srv.lock:
            srv.gets.append(self.path)
            failing = srv.fail.get(self.path, 0)
            if failing:
                srv.fail[self.path] = failing - 1
        if srv.delay:
            time.sleep(srv.delay)
        if srv.hold is not None:
            srv.hold.wait(15)
        data = srv.models.get(self.path)
        if failing or data is None:
            status, data = (503 if failing else 404), b'{"message": "unavailable"}'
        else:
            status = 200
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def store(lab):
    with lab.http_server(ModelStore) as server:
        s = server.server
        s.models, s.gets, s.fail, s.delay, s.lock, s.hold = {}, [], {}, 0.0, threading.Lock(), None
        yield server


def set_model_url(lab, url):
    if url is None:
        lab.get("os.environ.pop")("MODEL_URL", None)
    else:
        lab.get("os.environ.update")({"MODEL_URL": url})


def publish(lab, store, doc, activate=True, raw=None):
    """Serve ``doc`` at a fresh URL (and make it MODEL_URL); returns (url, path)."""
    path = f"/models/{next(_ids)}-{random.getrandbits(32):08x}/model.json"
    store.server.models[path] = raw if raw is not None else json.dumps(doc).encode()
    url = store.url + path
    if activate:
        set_model_url(lab, url)
    return url, path


def gets(store, path):
    with store.server.lock:
        return store.server.gets.count(path)


# ---- parse_event -----------------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_parse_rest_v1(lab, templates):
    """parse_event reads a REST API (payload 1.0) event: method, path, all header values lower-cased, ids."""
    ev = templates["apigw_rest_v1"]
    got = lab.parse_event(ev)
    check(isinstance(got, dict) and set(got) == {"version", "method", "path", "headers", "query", "body", "request_id", "source_ip"},
          "parse_event should return a dict with exactly the documented keys")
    check(got["version"] == "1.0", "a REST API event (no 'version' key) is payload format 1.0")
    check(got["method"] == "POST" and got["path"] == "/predict", "method/path of a v1 event (path, not requestContext.path)")
    want = {k.lower(): ",".join(v) for k, v in ev["multiValueHeaders"].items()}
    check(got["headers"] == want, "v1 headers: lower-case names, from multiValueHeaders")
    check(got["query"] == {}, "v1 with null query parameters gives {}")
    check(got["body"] == ev["body"].encode(), "v1 body: the text as UTF-8 bytes")
    check(got["request_id"] == ev["requestContext"]["requestId"], "request_id comes from requestContext.requestId")
    check(got["source_ip"] == "198.51.100.23", "v1 source_ip comes from requestContext.identity.sourceIp")
    headers = {"Content-Type": ["application/json"], "X-Tag": ["a", "b c"], "ACCEPT-encoding": ["br", "gzip"]}
    got = lab.parse_event(v1_event(templates, method="delete", path="/x/y", headers=headers, body="é"))
    check(got["method"] == "DELETE", "the method is upper-cased")
    check(got["path"] == "/x/y", "the v1 path is event['path']")
    check(got["headers"] == {"content-type": "application/json", "x-tag": "a,b c", "accept-encoding": "br,gzip"},
          "a repeated v1 header: every value from multiValueHeaders, joined with ','")
    check(got["body"] == "é".encode(), "a non-ASCII text body is UTF-8 encoded")


@pytest.mark.points(2)
def test_parse_v1_missing_and_null(lab, templates):
    """v1 events with null or missing headers, query parameters and body give {}, {} and b''."""
    ev = v1_event(templates, headers={}, query={}, body=None)
    check(ev["headers"] is None and ev["multiValueHeaders"] is None, "fixture")
    got = lab.parse_event(ev)
    check(got["headers"] == {} and got["query"] == {} and got["body"] == b"", "null headers/query/body")
    for key in ("headers", "multiValueHeaders", "queryStringParameters", "multiValueQueryStringParameters", "body"):
        ev.pop(key)
    got = lab.parse_event(ev)
    check(got["headers"] == {} and got["query"] == {} and got["body"] == b"", "missing headers/query/body keys")
    ev = v1_event(templates, headers={"Content-Type": ["text/plain"]}, query={"top_k": ["2"]})
    del ev["multiValueHeaders"], ev["multiValueQueryStringParameters"]
    got = lab.parse_event(ev)
    check(got["headers"] == {"content-type": "text/plain"}, "without multiValueHeaders, headers is read")
    check(got["query"] == {"top_k": ["2"]}, "without multiValueQueryStringParameters, queryStringParameters is read")
    ev["multiValueHeaders"], ev["multiValueQueryStringParameters"] = None, None
    got = lab.parse_event(ev)
    check(got["headers"] == {"content-type": "text/plain"} and got["query"] == {"top_k": ["2"]},
          "null multi-value maps fall back to headers / queryStringParameters")


@pytest.mark.points(1)
def test_parse_v1_query(lab, templates):
    """v1 query parameters come from multiValueQueryStringParameters: every value, in order."""
    query = {"top_k": ["3", "1"], "tag": ["a b", "c,d"], "empty": [""]}
    got = lab.parse_event(v1_event(templates, query=query))
    check(got["query"] == query, "v1 query: {name: [values]} from multiValueQueryStringParameters")


@pytest.mark.points(1)
def test_parse_http_api_payload_1(lab, templates):
    """An HTTP API event in payload format 1.0 (version '1.0') is read as v1."""
    ev = templates["apigw_http_v1"]
    got = lab.parse_event(ev)
    check(got["version"] == "1.0" and got["method"] == "POST" and got["path"] == "/predict",
          "payload format 1.0 of an HTTP API is a v1 event")
    check(got["headers"]["content-type"] == "application/json" and got["headers"]["accept"] == "*/*",
          "headers of a payload 1.0 event")
    check(got["source_ip"] == "192.0.2.44" and got["request_id"] == "JKJaXmPLvHcESHB=", "ids of a payload 1.0 event")


@pytest.mark.points(4)
def test_parse_http_v2(lab, templates):
    """parse_event reads a payload 2.0 event: requestContext.http, rawPath, rawQueryString, cookies."""
    ev = templates["apigw_http_v2"]
    got = lab.parse_event(ev)
    check(got["version"] == "2.0", "version '2.0' is payload format 2.0")
    check(got["method"] == "POST", "the v2 method comes from requestContext.http.method")
    check(got["path"] == "/predict", "the v2 path comes from rawPath")
    check(got["headers"] == ev["headers"], "v2 headers")
    check(got["query"] == {} and got["body"] == ev["body"].encode(), "v2 query and body")
    check(got["request_id"] == "JKJaXmPLvHcESHA=" and got["source_ip"] == "203.0.113.7",
          "v2 ids: requestContext.requestId and requestContext.http.sourceIp")
    ev = v2_event(templates, method="get", path="/health", query="top_k=2&tag=a%20b&tag=c+d&x=1%2C2&empty=",
                  headers={"Accept-Encoding": ["gzip", "br"], "X-Tag": ["é"]}, cookies=["session=abc", "theme=dark"])
    got = lab.parse_event(ev)
    check(got["method"] == "GET" and got["path"] == "/health", "v2 method (upper-cased) and path")
    check(got["query"] == {"top_k": ["2"], "tag": ["a b", "c d"], "x": ["1,2"], "empty": [""]},
          "v2 query: rawQueryString parsed (percent-escapes, '+', repeats, blank values)")
    check(got["headers"] == {"accept-encoding": "gzip,br", "x-tag": "é", "cookie": "session=abc; theme=dark"},
          "v2 headers, with the cookies list joined into a 'cookie' header")
    check(got["body"] == b"", "a v2 event without a body gives b''")


@pytest.mark.points(3)
def test_parse_v2_stage_prefix(lab, templates):
    """A v2 rawPath loses its stage prefix ('/prod/predict' -> '/predict'), and only that."""
    cases = [("prod", "/prod/predict", "/predict"), ("prod", "/prod", "/"), ("prod", "/prod/", "/"),
             ("prod", "/production/x", "/production/x"), ("prod", "/predict", "/predict"),
             ("$default", "/$default/predict", "/$default/predict"), ("v1", "/v1/v1/health", "/v1/health"),
             ("$default", "/predict", "/predict")]
    for stage, raw, want in cases:
        ev = v2_event(templates, stage=stage)
        ev["rawPath"] = ev["requestContext"]["http"]["path"] = raw
        got = lab.parse_event(ev)
        check(got["path"] == want, f"stage {stage!r}, rawPath {raw!r}: wrong path")


@pytest.mark.points(3)
def test_parse_base64_bodies(lab, templates):
    """isBase64Encoded bodies are decoded to the exact bytes (v1 and v2); invalid base64 raises ValueError."""
    rng = random.Random(5)
    raw = bytes(rng.randrange(256) for _ in range(300)) + b"\x00\xff"
    for make in (v1_event, v2_event):
        got = lab.parse_event(make(templates, body=raw, b64=True))
        check(got["body"] == raw, f"{make.__name__[:2]} base64 body: wrong bytes")
        text = '{"inputs": "naïve café ☕"}'
        got = lab.parse_event(make(templates, body=text.encode(), b64=True))
        check(got["body"] == text.encode(), f"{make.__name__[:2]} base64 UTF-8 text: wrong bytes")
        got = lab.parse_event(make(templates, body="", b64=True))
        check(got["body"] == b"", "an empty base64 body is b''")
        got = lab.parse_event(make(templates, body="aGk=", b64=False))
        check(got["body"] == b"aGk=", "a body with isBase64Encoded false is text, not decoded")
        for bad in ("not base64!", "aGk", "aG=k", "aGk=!", "aG k="):
            ev = make(templates, body="x")
            ev["body"], ev["isBase64Encoded"] = bad, True
            with pytest.raises(ValueError):
                lab.parse_event(ev)


@pytest.mark.points(1)
def test_parse_not_an_event(lab, templates):
    """parse_event raises KeyError or TypeError for events missing required fields."""
    check(lab.parse_event(templates["apigw_http_v2"])["version"] == "2.0", "a valid event first")
    broken = [{}, {"version": "2.0", "rawPath": "/predict", "requestContext": {"requestId": "r"}},
              {"version": "2.0", "rawPath": "/predict", "requestContext": "r"}, {"httpMethod": "GET", "requestContext": []}]
    ev = copy.deepcopy(templates["apigw_rest_v1"])
    del ev["httpMethod"]
    broken.append(ev)
    for ev in broken:
        with pytest.raises((KeyError, TypeError)):
            lab.parse_event(ev)


# ---- make_response and accepts_gzip ----------------------------------------------------------------------


@pytest.mark.points(3)
def test_make_response(lab):
    """make_response builds statusCode, lower-cased headers with a JSON content-type, a JSON body."""
    payload = {"predictions": [[{"label": "é", "score": 0.5}]], "n": None}
    got = lab.make_response(201, payload)
    check(isinstance(got, dict) and set(got) == {"statusCode", "headers", "body", "isBase64Encoded"},
          "the response has exactly statusCode, headers, body, isBase64Encoded")
    check(got["statusCode"] == 201 and type(got["statusCode"]) is int, "statusCode is the int status")
    check(got["headers"] == {"content-type": "application/json"}, "default headers: content-type application/json")
    check(isinstance(got["body"], str) and json.loads(got["body"]) == payload, "body is the JSON text of the payload")
    check(got["isBase64Encoded"] is False, "isBase64Encoded is False for a text body")
    got = lab.make_response(405, {"error": "x"}, {"Allow": "POST", "X-Request-Id": "r-1"})
    check(got["headers"] == {"content-type": "application/json", "allow": "POST", "x-request-id": "r-1"},
          "extra headers are added with lower-case names")
    got = lab.make_response(200, [1, 2], headers={"Content-Type": "application/problem+json"})
    check(got["headers"] == {"content-type": "application/problem+json"}, "a given content-type wins")
    check(json.loads(got["body"]) == [1, 2], "any JSON payload")


@pytest.mark.points(2)
def test_make_response_gzip(lab):
    """With gzip_body the body is base64 of gzip of the JSON, isBase64Encoded true, content-encoding gzip."""
    payload = {"predictions": [[{"label": "positive", "score": 0.75}]] * 20, "text": "naïve"}
    got = lab.make_response(200, payload, {"X-Request-Id": "abc"}, gzip_body=True)
    check(got["isBase64Encoded"] is True, "a gzip body is base64: isBase64Encoded True")
    check(got["headers"] == {"content-type": "application/json", "x-request-id": "abc", "content-encoding": "gzip"},
          "a gzip response has content-encoding: gzip")
    try:
        data = gzip.decompress(base64.b64decode(got["body"], validate=True))
    except Exception:
        data = None
    check(data is not None, "the body should be the base64 text of gzip-compressed bytes")
    check(json.loads(data.decode("utf-8")) == payload, "the decompressed body is the payload's JSON (UTF-8)")
    got = lab.make_response(404, {"error": "not found"}, gzip_body=False)
    check(got["isBase64Encoded"] is False and "content-encoding" not in got["headers"], "gzip_body False: plain")


@pytest.mark.points(3)
def test_accepts_gzip(lab):
    """accepts_gzip reads Accept-Encoding: gzip or *, q-values (q=0 refuses), case and spaces."""
    cases = [(None, False), ("", False), ("gzip", True), ("GZIP", True), ("deflate, gzip;q=1.0, br", True),
             ("br", False), ("identity", False), ("gzip;q=0", False), ("gzip; q=0.0", False), ("gzip;q=0.001", True),
             ("*", True), ("*;q=0", False), ("br, *", True), ("gzip;q=0, *", False), ("*;q=0, gzip", True),
             ("x-gzip", False), ("gzipper", False), (" gzip ", True), ("deflate,GZip;Q=0.5", True),
             ("gzip;q=abc", False), ("gzip;level=1", True), ("gzip;level=0", True), ("gzip;x=0", True),
             ("gzip;q=-1", False), ("*;q=-0.5", False), ("gzip;q=0.5", True), ("*;q=0.2", True)]
    got = lab.map(lab.accepts_gzip, [(header,) for header, _ in cases])
    for (header, want), g in zip(cases, got):
        check(g is want, f"accepts_gzip({header!r}) is wrong")


# ---- dispatch ------------------------------------------------------------------------------------------


def request(method="POST", path="/predict", headers=None, query=None, body=b""):
    return {"version": "1.0", "method": method, "path": path,
            "headers": {"content-type": "application/json"} if headers is None else headers,
            "query": query or {}, "body": body if isinstance(body, bytes) else body.encode(),
            "request_id": "req-1", "source_ip": "127.0.0.1"}


def status_of(answer):
    return answer[0]


@pytest.mark.points(5)
def test_dispatch_predicts(lab, store):
    """POST /predict answers the top_k labels and softmax scores of each input (string or list)."""
    doc = make_doc(11, n_labels=4)
    publish(lab, store, doc)
    texts = ["a good film", "Bad, BAD acting... not fun", "café naïve it's 2 x_y", "", "GOOD good good boring slow"]
    status, payload, headers = lab.dispatch(request(body=jbody({"inputs": texts})))
    check(status == 200 and headers == {}, "a valid request answers 200 with no extra headers")
    check_predictions(payload, doc, texts)
    status, payload, _ = lab.dispatch(request(body=jbody({"inputs": "great plot"}), query={"top_k": ["3"]}))
    check(status == 200, "a string input with top_k=3")
    check_predictions(payload, doc, ["great plot"], top_k=3, what="a string input, top_k=3")
    status, payload, _ = lab.dispatch(request(body=jbody({"inputs": texts[:2], "extra": 1}), query={"top_k": ["4"]}))
    check(status == 200, "top_k equal to the number of labels is allowed")
    check_predictions(payload, doc, texts[:2], top_k=4, what="top_k = number of labels")
    loud = dict(doc, weights=[[w * 900.0 for w in row] for row in doc["weights"]], bias=[800.0, -700.0, 750.0, 0.0])
    publish(lab, store, loud)
    status, payload, _ = lab.dispatch(request(body=jbody({"inputs": texts}), query={"top_k": ["4"]}))
    check(status == 200, "logits of magnitude 1e3 must not overflow (softmax with the max shift)")
    check_predictions(payload, loud, texts, top_k=4, what="logits of magnitude 1e3")
    rng = random.Random(7)
    wide = {"name": "wide", "labels": [f"l{i}" for i in range(300)], "vocab": [f"w{i}" for i in range(300)],
            "weights": [[rng.gauss(0, 1) for _ in range(300)] for _ in range(300)], "bias": [rng.gauss(0, 1) for _ in range(300)]}
    publish(lab, store, wide)
    wide_texts = ["w1 w2 w299 w2", "nothing known", "W150 w7"]
    status, payload, _ = lab.dispatch(request(body=jbody({"inputs": wide_texts}), query={"top_k": ["5"]}))
    check(status == 200, "a model with 300 labels and 300 words")
    check_predictions(payload, wide, wide_texts, top_k=5, what="a model with 300 labels")
    tied = dict(doc, bias=[0.0, 0.0, 0.0, 0.0])
    publish(lab, store, tied)
    status, payload, _ = lab.dispatch(request(body=jbody({"inputs": ["no known words"]}), query={"top_k": ["4"]}))
    check(status == 200 and [e["label"] for e in payload["predictions"][0]] == tied["labels"],
          "equal scores are ordered by label order")


@pytest.mark.points(3)
def test_dispatch_routes_and_methods(lab, store):
    """Unknown paths answer 404, wrong methods 405 with an allow header, GET /health 200."""
    publish(lab, store, make_doc(12))
    body = jbody({"inputs": "good"})
    for path in ("/", "/predict/", "/Predict", "/healthz", "/predict/x", ""):
        status, payload, _ = lab.dispatch(request(path=path, body=body))
        check(status == 404 and isinstance(payload, dict) and set(payload) == {"error"}, f"POST {path!r} should be 404 {{'error': ...}}")
    for method, path, allow in (("GET", "/predict", "POST"), ("PUT", "/predict", "POST"), ("POST", "/health", "GET"),
                                ("DELETE", "/health", "GET")):
        status, payload, headers = lab.dispatch(request(method=method, path=path, body=body))
        check(status == 405 and set(payload) == {"error"}, f"{method} {path} should be 405")
        check(headers == {"allow": allow}, f"{method} {path}: the 405 carries the header allow: {allow}")
    status, payload, headers = lab.dispatch(request(method="GET", path="/health", headers={}))
    check((status, payload, headers) == (200, {"status": "ok"}, {}), "GET /health answers 200 {'status': 'ok'}")


@pytest.mark.points(3)
def test_dispatch_content_type(lab, store):
    """POST /predict needs the media type application/json (any case, parameters allowed), else 415."""
    doc = make_doc(13)
    publish(lab, store, doc)
    body = jbody({"inputs": "good"})
    for ctype in ("application/json", "Application/JSON", "application/json; charset=utf-8", " application/json ;charset=UTF-8"):
        status, payload, _ = lab.dispatch(request(headers={"content-type": ctype}, body=body))
        check(status == 200, f"content-type {ctype!r} is JSON")
        check_predictions(payload, doc, ["good"])
    for headers in ({}, {"content-type": "text/plain"}, {"content-type": "application/jsonl"},
                    {"content-type": "application/x-www-form-urlencoded"}, {"content-type": ""},
                    {"accept": "application/json"}):
        status, payload, _ = lab.dispatch(request(headers=headers, body=body))
        check(status == 415 and set(payload) == {"error"}, f"headers {headers}: 415 expected")


@pytest.mark.points(3)
def test_dispatch_body_errors(lab, store):
    """A body over MAX_BODY_BYTES answers 413 (exactly the limit is fine); non-JSON or non-UTF-8 bodies 400."""
    doc = make_doc(14)
    publish(lab, store, doc)
    check(lab.get("MAX_BODY_BYTES") == MAX_BODY, "MAX_BODY_BYTES is 65536")
    base = jbody({"inputs": "good film"})
    exact = base + " " * (MAX_BODY - len(base))
    status, payload, _ = lab.dispatch(request(body=exact))
    check(status == 200, "a body of exactly MAX_BODY_BYTES bytes is accepted")
    check_predictions(payload, doc, ["good film"])
    status, payload, _ = lab.dispatch(request(body=exact + " "))
    check(status == 413 and set(payload) == {"error"}, "a body of MAX_BODY_BYTES + 1 bytes answers 413")
    big = jbody({"inputs": ["é" * 1000] * 40})   # fewer characters than the limit, more bytes
    status, _, _ = lab.dispatch(request(body=big))
    check(status == 413, "the limit counts bytes, not characters")
    for bad in (b"", b"{", b"inputs=good", b'{"inputs": "x"} extra', b'{"inputs": "\xff"}', b"\xef\xbb"):
        status, payload, _ = lab.dispatch(request(body=bad))
        check(status == 400 and set(payload) == {"error"}, f"body {bad!r} should answer 400")


@pytest.mark.points(3)
def test_dispatch_validation(lab, store):
    """The JSON must be an object whose 'inputs' is a string or a non-empty list of strings, else 422."""
    doc = make_doc(15)
    publish(lab, store, doc)
    for bad in ([], ["good"], "good", 3, None, {}, {"input": "good"}, {"inputs": None}, {"inputs": []},
                {"inputs": ["good", 3]}, {"inputs": 3}, {"inputs": {"text": "good"}}, {"inputs": [["good"]]},
                {"inputs": True}):
        status, payload, _ = lab.dispatch(request(body=jbody(bad)))
        check(status == 422 and set(payload) == {"error"}, f"body {jbody(bad)} should answer 422")
    status, payload, _ = lab.dispatch(request(body=jbody({"inputs": ["", "good"]})))
    check(status == 200, "empty strings are valid inputs")
    check_predictions(payload, doc, ["", "good"])


@pytest.mark.points(3)
def test_dispatch_top_k(lab, store):
    """top_k (its last value) must be an integer from 1 to the number of labels, else 422."""
    doc = make_doc(16, n_labels=3)
    publish(lab, store, doc)
    body = jbody({"inputs": ["good film", "bad"]})
    for values in (["0"], ["-1"], ["abc"], ["2.5"], [""], ["4"], ["99"], ["2", "0"], ["1", "x"]):
        status, payload, _ = lab.dispatch(request(body=body, query={"top_k": values}))
        check(status == 422 and set(payload) == {"error"}, f"top_k={values} should answer 422")
    for values, k in ((["5", "2"], 2), ([" 3"], 3), (["1"], 1), (["+2"], 2)):
        status, payload, _ = lab.dispatch(request(body=body, query={"top_k": values, "other": ["z"]}))
        check(status == 200, f"top_k={values} is valid")
        check_predictions(payload, doc, ["good film", "bad"], top_k=k, what=f"top_k={values}")
    status, payload, _ = lab.dispatch(request(body=body, query={"other": ["3"]}))
    check(status == 200, "without top_k")
    check_predictions(payload, doc, ["good film", "bad"], top_k=1, what="the default top_k")


@pytest.mark.points(3)
def test_dispatch_check_order(lab, store):
    """Checks run in the documented order, and a request that fails one loads no model."""
    _, path = publish(lab, store, make_doc(17))
    big = "{" + " " * MAX_BODY + "}"
    cases = [
        (request(method="GET", path="/nowhere", body=big), 404),
        (request(method="GET", body=big, headers={}), 405),
        (request(body=big, headers={"content-type": "text/plain"}), 413),
        (request(body="{", headers={"content-type": "text/plain"}), 415),
        (request(body="[", query={"top_k": ["0"]}), 400),
        (request(body=jbody({"inputs": []}), query={"top_k": ["x"]}), 422),
        (request(body=jbody({"inputs": "ok"}), query={"top_k": ["0"]}), 422),
    ]
    for req, want in cases:
        status, _, _ = lab.dispatch(req)
        check(status == want, f"{req['method']} {req['path']!r} with several problems: should answer {want}")
    check(gets(store, path) == 0, "requests that fail a check before the model is needed must not load it")
    set_model_url(lab, None)
    status, _, _ = lab.dispatch(request(body=jbody({"inputs": "ok"}), query={"top_k": ["9"]}))
    check(status == 503, "with no model, a top_k larger than any label count answers 503 (the model is checked first)")


@pytest.mark.points(3)
def test_dispatch_model_unavailable(lab, store):
    """Without a usable model POST /predict answers 503 (no MODEL_URL, HTTP error, bad document); /health still 200."""
    body = jbody({"inputs": "good"})
    set_model_url(lab, None)
    status, payload, _ = lab.dispatch(request(body=body))
    check(status == 503 and set(payload) == {"error"}, "MODEL_URL unset: 503")
    set_model_url(lab, "")
    check(status_of(lab.dispatch(request(body=body))) == 503, "MODEL_URL empty: 503")
    check(status_of(lab.dispatch(request(method="GET", path="/health"))) == 200, "/health needs no model")
    set_model_url(lab, store.url + "/no/such/model.json")
    check(status_of(lab.dispatch(request(body=body))) == 503, "a model URL answering 404: 503")
    good = make_doc(3)
    bad_docs = [dict(good, bias=[0.0]), dict(good, bias=good["bias"] + [0.0]), dict(good, weights=good["weights"][:-1]),
                dict(good, weights=good["weights"] + [[0.0, 0.0, 0.0]]), dict(good, labels=[]),
                dict(good, weights=[row + [0.0] for row in good["weights"]]), dict(good, weights=[row[:2] for row in good["weights"]])]
    for raw in [b"not json", b'{"name": "x"}', b"[1, 2]", b"\xff\xfe"] + [json.dumps(d).encode() for d in bad_docs]:
        publish(lab, store, None, raw=raw)
        check(status_of(lab.dispatch(request(body=body))) == 503, f"a bad model document {raw[:20]!r}...: 503")


# ---- the model cache -----------------------------------------------------------------------------------


@pytest.mark.points(6)
def test_model_loaded_once_per_container(lab, store, templates):
    """Many Lambda invocations in one warm container download the model once."""
    doc = make_doc(21)
    _, path = publish(lab, store, doc)
    health = lab.lambda_handler(v2_event(templates, method="GET", path="/health"), None)
    check(health["statusCode"] == 200 and gets(store, path) == 0, "GET /health must not load the model")
    texts = ["good", "bad film", "great acting"]
    for i in range(6):
        text = texts[i % 3]
        make = v1_event if i % 2 else v2_event
        headers = {"Content-Type": ["application/json"]}
        res = lab.lambda_handler(make(templates, headers=headers, body=jbody({"inputs": text})), None)
        check(res["statusCode"] == 200, f"invocation {i + 1} should answer 200")
        check_predictions(json.loads(res["body"]), doc, [text], what=f"invocation {i + 1}")
    check(gets(store, path) == 1, f"the model was downloaded {gets(store, path)} times in one warm container; once expected")
    model = lab.get_model()
    check(model.labels == doc["labels"], "get_model returns the cached model")
    check(gets(store, path) == 1, "get_model on a warm container must not download again")


@pytest.mark.points(3)
def test_model_reloaded_when_url_changes(lab, store, templates):
    """A new MODEL_URL is read at the next call: its model is downloaded and used, once."""
    first, second = make_doc(22), make_doc(23, n_labels=2)
    _, p1 = publish(lab, store, first)
    ev = v2_event(templates, body=jbody({"inputs": "good film"}))
    check_predictions(json.loads(lab.lambda_handler(ev, None)["body"]), first, ["good film"], what="the first model")
    _, p2 = publish(lab, store, second)
    for _ in range(3):
        res = lab.lambda_handler(ev, None)
        check_predictions(json.loads(res["body"]), second, ["good film"], what="after MODEL_URL changed")
    check(gets(store, p1) == 1 and gets(store, p2) == 1, "each model URL should be downloaded exactly once")


@pytest.mark.points(4)
def test_failed_load_not_cached(lab, store, templates):
    """A failed model download answers 503 and is retried by the next invocation, which succeeds."""
    doc = make_doc(24)
    _, path = publish(lab, store, doc)
    store.server.fail[path] = 2
    ev = v1_event(templates, body=jbody({"inputs": "bad plot"}))
    for i in range(2):
        res = lab.lambda_handler(ev, None)
        check(res["statusCode"] == 503, "while the model store fails, /predict answers 503")
        check(set(json.loads(res["body"])) == {"error"}, "a 503 body is {'error': ...}")
    check(gets(store, path) == 2, "each invocation after a failure tries the download again")
    for _ in range(3):
        res = lab.lambda_handler(ev, None)
        check(res["statusCode"] == 200, "once the store answers, /predict works")
        check_predictions(json.loads(res["body"]), doc, ["bad plot"])
    check(gets(store, path) == 3, "after a successful download the model is cached")


@pytest.mark.points(2)
def test_get_model_errors(lab, store):
    """get_model raises RuntimeError without MODEL_URL, OSError for HTTP errors, ValueError for bad documents."""
    doc = make_doc(25)
    publish(lab, store, doc)
    check(lab.get_model().labels == doc["labels"], "get_model returns the model at MODEL_URL")
    set_model_url(lab, None)
    with pytest.raises(RuntimeError):
        lab.get_model()
    set_model_url(lab, store.url + "/missing.json")
    with pytest.raises(OSError):
        lab.get_model()
    publish(lab, store, None, raw=b'{"labels": 3}')
    with pytest.raises(ValueError):
        lab.get_model()


@pytest.mark.points(2)
def test_load_model(lab, store):
    """load_model downloads at every call (it does not cache) and builds the model."""
    doc = make_doc(26)
    url, path = publish(lab, store, doc, activate=False)
    for _ in range(2):
        model = lab.load_model(url)
        check(model.labels == doc["labels"] and model.name == doc["name"], "load_model builds the model at url")
    check(gets(store, path) == 2, "load_model downloads at every call (get_model is the cache)")
    assert_close(np.array(model.scores("good film")), oracle_scores(doc, "good film"), atol=1e-9, rtol=1e-9,
                 what="the loaded model's scores")
    with pytest.raises(OSError):
        lab.load_model(store.url + "/missing.json")


# ---- lambda_handler ------------------------------------------------------------------------------------


def check_lambda_response(res, status, request_id=None, what=""):
    check(isinstance(res, dict) and {"statusCode", "headers", "body", "isBase64Encoded"} <= set(res),
          f"{what}: a Lambda proxy response has statusCode, headers, body, isBase64Encoded")
    check(res["statusCode"] == status, f"{what}: expected status {status}")
    check(res["headers"].get("content-type") == "application/json", f"{what}: content-type application/json")
    if request_id is not None:
        check(res["headers"].get("x-request-id") == request_id, f"{what}: x-request-id should echo the request id")
    if res["isBase64Encoded"]:
        return json.loads(gzip.decompress(base64.b64decode(res["body"])))
    return json.loads(res["body"])


@pytest.mark.points(4)
def test_lambda_rest_v1(lab, store, templates):
    """lambda_handler answers a REST API event: predictions, top_k from the query, errors with their statuses."""
    doc = make_doc(31)
    publish(lab, store, doc)
    ev = templates["apigw_rest_v1"]
    payload = check_lambda_response(lab.lambda_handler(ev, None), 200, ev["requestContext"]["requestId"], what="REST v1")
    check_predictions(payload, doc, ["a good film"])
    ev = v1_event(templates, headers={"content-type": ["application/json"]},
                  query={"top_k": ["1", "3"]}, body=jbody({"inputs": ["bad", "fun"]}), request_id="rid-7")
    payload = check_lambda_response(lab.lambda_handler(ev, None), 200, "rid-7", what="v1 with top_k")
    check_predictions(payload, doc, ["bad", "fun"], top_k=3, what="v1: the last top_k")
    res = lab.lambda_handler(v1_event(templates, method="GET", request_id="rid-8"), None)
    check_lambda_response(res, 405, "rid-8", what="GET /predict")
    check(res["headers"].get("allow") == "POST", "a 405 response carries allow: POST")
    res = lab.lambda_handler(v1_event(templates, path="/nope", body="{}"), None)
    check(set(check_lambda_response(res, 404, what="unknown path")) == {"error"}, "a 404 body is {'error': ...}")


@pytest.mark.points(5)
def test_lambda_http_v2(lab, store, templates):
    """lambda_handler answers HTTP API payload 2.0 events (not read as v1): stage, raw query, lower-case headers."""
    doc = make_doc(32, n_labels=4)
    publish(lab, store, doc)
    ev = templates["apigw_http_v2"]
    payload = check_lambda_response(lab.lambda_handler(ev, None), 200, "JKJaXmPLvHcESHA=", what="HTTP API v2")
    check_predictions(payload, doc, ["a good film"])
    texts = ["great acting, slow plot", "café", "not very smart"]
    ev = v2_event(templates, stage="prod", query="top_k=9&top_k=2", headers={"content-type": ["application/json"]},
                  body=jbody({"inputs": texts}), cookies=["a=b"], request_id="v2-1")
    payload = check_lambda_response(lab.lambda_handler(ev, None), 200, "v2-1", what="v2 on stage prod")
    check_predictions(payload, doc, texts, top_k=2, what="v2 on stage prod with top_k")
    res = lab.lambda_handler(v2_event(templates, method="GET", path="/health", stage="prod"), None)
    check(check_lambda_response(res, 200, what="GET /prod/health") == {"status": "ok"}, "v2 health on a stage")
    res = lab.lambda_handler(v2_event(templates, method="PATCH", body="{}"), None)
    check_lambda_response(res, 405, what="PATCH /predict")
    check(res["headers"].get("allow") == "POST", "a 405 response carries allow: POST")
    res = lab.lambda_handler(v2_event(templates, headers={"content-type": ["text/plain"]}, body="good"), None)
    check_lambda_response(res, 415, what="a text/plain body")


@pytest.mark.points(1)
def test_lambda_http_api_payload_1(lab, store, templates):
    """lambda_handler answers an HTTP API event in payload format 1.0."""
    doc = make_doc(33)
    publish(lab, store, doc)
    payload = check_lambda_response(lab.lambda_handler(templates["apigw_http_v1"], None), 200, "JKJaXmPLvHcESHB=",
                                    what="HTTP API payload 1.0")
    check_predictions(payload, doc, ["a good film"])


@pytest.mark.points(3)
def test_lambda_base64_request(lab, store, templates):
    """Base64-encoded request bodies (v1 binary media types, v2) are decoded before they are read."""
    doc = make_doc(34)
    publish(lab, store, doc)
    texts = ["naïve café", "good GOOD film"]
    raw = jbody({"inputs": texts}).encode("utf-8")
    for make in (v1_event, v2_event):
        ev = make(templates, headers={"Content-Type": ["application/json; charset=utf-8"]}, body=raw, b64=True)
        payload = check_lambda_response(lab.lambda_handler(ev, None), 200, what=f"{make.__name__[:2]} base64 body")
        check_predictions(payload, doc, texts, what="a base64 body")
    ev = v2_event(templates, body=json.dumps({"inputs": "café"}, ensure_ascii=False).encode("utf-8"), b64=True)
    payload = check_lambda_response(lab.lambda_handler(ev, None), 200, what="raw UTF-8 JSON, base64")
    check_predictions(payload, doc, ["café"])
    ev = v1_event(templates, body=b"\xff\xfe{", b64=True)
    check_lambda_response(lab.lambda_handler(ev, None), 400, what="base64 of bytes that are not UTF-8")


@pytest.mark.points(3)
def test_lambda_gzip(lab, store, templates):
    """Responses are gzip + base64 when Accept-Encoding allows gzip (q=0 refuses), errors included."""
    doc = make_doc(35)
    publish(lab, store, doc)
    body = jbody({"inputs": ["good", "bad"]})
    for make in (v1_event, v2_event):
        for accept, want in ((["gzip, deflate, br"], True), (["br", "gzip;q=0.5"], True), (["gzip;q=0"], False),
                             (["identity"], False), (["*"], True), (["gzip", "br"], True)):
            headers = {"Content-Type": ["application/json"], "Accept-Encoding": accept}
            res = lab.lambda_handler(make(templates, headers=headers, body=body, request_id="gz"), None)
            check(res["isBase64Encoded"] is want, f"Accept-Encoding {accept}: isBase64Encoded should be {want}")
            check((res["headers"].get("content-encoding") == "gzip") is want, f"Accept-Encoding {accept}: content-encoding")
            check_predictions(check_lambda_response(res, 200, "gz", what=f"Accept-Encoding {accept}"), doc, ["good", "bad"])
    res = lab.lambda_handler(v2_event(templates, path="/missing", headers={"Accept-Encoding": ["gzip"]}), None)
    check(res["isBase64Encoded"] is True, "error answers are compressed too")
    check(set(check_lambda_response(res, 404, what="a gzip 404")) == {"error"}, "a gzip 404 body")


@pytest.mark.points(2)
def test_lambda_unreadable_event(lab, templates):
    """Events parse_event cannot read answer 400 (never an exception), uncompressed, with no request id."""
    ev = v2_event(templates, headers={"Accept-Encoding": ["gzip"], "content-type": ["application/json"]}, body="x")
    ev["body"], ev["isBase64Encoded"] = "%%% not base64", True
    for bad in (ev, {}, {"version": "2.0"}, {"version": "2.0", "rawPath": "/", "requestContext": "x"}):
        res = lab.lambda_handler(bad, None)
        check(check_lambda_response(res, 400, what="an unreadable event").keys() == {"error"}, "a 400 body is {'error': ...}")
        check(res["isBase64Encoded"] is False and "x-request-id" not in res["headers"],
              "the 400 for an unreadable event is plain, without x-request-id")


# ---- Google Cloud Functions ----------------------------------------------------------------------------


@pytest.fixture
def gcf(lab):
    port = lab.serve_gcf()
    check(isinstance(port, int) and 0 < port < 65536, "serve_gcf returns the port it listens on")
    with lab.http_client(f"http://127.0.0.1:{port}", timeout=20) as client:
        yield client


@pytest.mark.points(4)
def test_gcf_predicts(lab, store, gcf):
    """The Cloud Functions entry point, run by functions-framework, answers /predict and /health."""
    doc = make_doc(41, n_labels=4)
    publish(lab, store, doc)
    r = gcf.post("/predict", json={"inputs": ["a good film", "naïve café"]})
    check(r.status_code == 200, "POST /predict answers 200")
    check(r.headers.get("content-type", "").startswith("application/json"), "the answer is application/json")
    check_predictions(r.json(), doc, ["a good film", "naïve café"], what="Cloud Functions predictions")
    r = gcf.post("/predict?top_k=1&top_k=3", content=json.dumps({"inputs": "bad"}).encode(),
                 headers={"Content-Type": "Application/Json; charset=utf-8"})
    check(r.status_code == 200, "top_k in the query string")
    check_predictions(r.json(), doc, ["bad"], top_k=3, what="Cloud Functions top_k (the last value)")
    r = gcf.get("/health")
    check(r.status_code == 200 and r.json() == {"status": "ok"}, "GET /health")


@pytest.mark.points(3)
def test_gcf_errors(lab, store, gcf):
    """The Cloud Functions entry point maps errors to 404, 405 (allow), 413, 415, 400 and 422 JSON answers."""
    publish(lab, store, make_doc(42))
    cases = [("POST", "/nope", {"json": {"inputs": "x"}}, 404), ("GET", "/predict", {}, 405), ("PUT", "/health", {}, 405),
             ("POST", "/predict", {"content": b" " * (MAX_BODY + 1), "headers": {"content-type": "application/json"}}, 413),
             ("POST", "/predict", {"content": b'{"inputs": "x"}', "headers": {"content-type": "text/plain"}}, 415),
             ("POST", "/predict", {"content": b"{", "headers": {"content-type": "application/json"}}, 400),
             ("POST", "/predict", {"json": {"inputs": []}}, 422), ("POST", "/predict?top_k=0", {"json": {"inputs": "x"}}, 422)]
    for method, url, kwargs, want in cases:
        r = gcf.request(method, url, **kwargs)
        check(r.status_code == want, f"{method} {url}: expected {want}")
        check(r.headers.get("content-type", "").startswith("application/json") and set(r.json()) == {"error"},
              f"{method} {url}: the body is JSON {{'error': ...}}")
        if want == 405:
            check(r.headers.get("allow") == ("POST" if url == "/predict" else "GET"), f"{method} {url}: allow header")


@pytest.mark.points(4)
def test_gcf_loads_model_once_under_concurrency(lab, store, gcf):
    """Concurrent first requests to one Cloud Functions instance download the model once."""
    doc = make_doc(43)
    _, path = publish(lab, store, doc)
    store.server.delay = 0.4
    texts = [f"good film {i} " + " bad" * (i % 3) for i in range(8)]
    with ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(lambda t: gcf.post("/predict", json={"inputs": t}), texts))
    store.server.delay = 0.0
    for text, r in zip(texts, replies):
        check(r.status_code == 200, "every concurrent request answers 200")
        check_predictions(r.json(), doc, [text], what="a concurrent request")
    for _ in range(3):
        check(gcf.post("/predict", json={"inputs": "x"}).status_code == 200, "later requests answer 200")
    check(gets(store, path) == 1, f"the model was downloaded {gets(store, path)} times; once expected")


@pytest.mark.points(2)
def test_gcf_health_not_blocked_by_cold_start(lab, store, gcf):
    """The functions-framework server is threaded: GET /health answers while a cold start is still downloading."""
    doc = make_doc(44)
    _, path = publish(lab, store, doc)
    store.server.hold = threading.Event()
    try:
        with ThreadPoolExecutor(1) as pool:
            pending = pool.submit(gcf.post, "/predict", json={"inputs": "good"})
            for _ in range(500):
                if gets(store, path) or pending.done():
                    break
                time.sleep(0.01)
            check(gets(store, path) == 1, "POST /predict should start downloading the model")
            try:
                health = gcf.get("/health", timeout=6)
            except Exception:
                health = None
            check(health is not None and health.status_code == 200,
                  "GET /health must answer while another request waits for the model (a threaded server)")
            store.server.hold.set()
            r = pending.result()
    finally:
        store.server.hold.set()
    check(r.status_code == 200, "the waiting request answers once the model arrives")
    check_predictions(r.json(), doc, ["good"])
