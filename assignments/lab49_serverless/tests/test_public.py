"""Public sanity checks for lab 49 (serverless).

Run with ``autograder test lab49_serverless``. Passing these does not mean the
hidden tests pass: they use full API Gateway events as AWS sends them (REST
API payload 1.0, HTTP API payload 1.0 and 2.0, named stages, repeated headers
and query parameters, cookies, null fields, base64 bodies), every status
code and the order of the checks in ``dispatch``, gzip negotiation with
q-values, a model store that counts downloads, fails and answers slowly
(to concurrent requests), and functions-framework driven over HTTP.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler

from autograder.testing import check

MODEL = {"name": "demo", "labels": ["neg", "pos"], "vocab": ["nice", "awful"],
         "weights": [[-1.0, 1.0], [1.0, -1.0]], "bias": [0.0, 0.0]}


class Store(BaseHTTPRequestHandler):
    """A tiny model store that remembers how many times it was asked."""

    def do_GET(self):
        self.server.hits += 1
        data = json.dumps(MODEL).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def rest_event(method, path, body=None, headers=None):
    """A minimal REST API (payload 1.0) proxy event."""
    headers = headers or {}
    return {"resource": path, "path": path, "httpMethod": method, "headers": headers or None,
            "multiValueHeaders": {k: [v] for k, v in headers.items()} or None,
            "queryStringParameters": None, "multiValueQueryStringParameters": None,
            "requestContext": {"requestId": "public-1", "stage": "dev", "identity": {"sourceIp": "10.0.0.1"}},
            "body": body, "isBase64Encoded": False}


def http_event(method, raw_path, stage="$default", body=None, query=""):
    """A minimal HTTP API (payload 2.0) event."""
    return {"version": "2.0", "routeKey": "$default", "rawPath": raw_path, "rawQueryString": query,
            "headers": {"content-type": "application/json"},
            "requestContext": {"requestId": "public-2", "stage": stage,
                               "http": {"method": method, "path": raw_path, "sourceIp": "10.0.0.2"}},
            "body": body, "isBase64Encoded": False}


def test_reads_a_rest_event(lab):
    """A REST API event: method, path, lower-case headers, empty query, body bytes."""
    req = lab.parse_event(rest_event("POST", "/predict", '{"inputs": "nice"}', {"Content-Type": "application/json"}))
    check(req["version"] == "1.0", f"version: got {req['version']!r}")
    check((req["method"], req["path"]) == ("POST", "/predict"), f"method/path: got {req['method']!r} {req['path']!r}")
    check(req["headers"] == {"content-type": "application/json"}, f"headers: got {req['headers']}")
    check(req["query"] == {} and req["body"] == b'{"inputs": "nice"}', "query should be {} and body bytes")


def test_reads_an_http_api_event(lab):
    """An HTTP API 2.0 event: the method is in requestContext.http, the stage is cut from rawPath."""
    req = lab.parse_event(http_event("GET", "/dev/health", stage="dev", query="top_k=2"))
    check(req["version"] == "2.0", f"version: got {req['version']!r}")
    check(req["method"] == "GET", f"method: got {req['method']!r}")
    check(req["path"] == "/health", f"the stage prefix should be removed: got {req['path']!r}")
    check(req["query"] == {"top_k": ["2"]}, f"query: got {req['query']}")
    check(req["body"] == b"", f"a missing body is b'': got {req['body']!r}")


def test_builds_a_proxy_response(lab):
    """make_response: statusCode, JSON content-type, JSON body."""
    res = lab.make_response(404, {"error": "not found"})
    check(res["statusCode"] == 404, f"statusCode: got {res['statusCode']!r}")
    check(res["headers"].get("content-type") == "application/json", f"headers: got {res['headers']}")
    check(json.loads(res["body"]) == {"error": "not found"} and res["isBase64Encoded"] is False, "body / isBase64Encoded")


def test_routes_without_a_model(lab):
    """GET /health is 200 and an unknown path 404, with no model configured."""
    status, payload, _ = lab.dispatch({"method": "GET", "path": "/health", "headers": {}, "query": {}, "body": b""})
    check((status, payload) == (200, {"status": "ok"}), f"GET /health: got {status} {payload}")
    status, payload, _ = lab.dispatch({"method": "GET", "path": "/metrics", "headers": {}, "query": {}, "body": b""})
    check(status == 404 and "error" in payload, f"GET /metrics: got {status} {payload}")


def test_lambda_predicts_and_caches(lab):
    """Two Lambda invocations (v1 then v2) answer predictions and download the model once."""
    with lab.http_server(Store) as store:
        store.server.hits = 0
        lab.get("os.environ.update")({"MODEL_URL": store.url + "/public/model.json"})
        first = lab.lambda_handler(rest_event("POST", "/predict", '{"inputs": "nice"}', {"Content-Type": "application/json"}), None)
        check(first["statusCode"] == 200, f"v1 invocation: status {first['statusCode']}, body {first['body']}")
        top = json.loads(first["body"])["predictions"][0][0]
        check(top["label"] == "pos" and abs(top["score"] - 0.8807970779778823) < 1e-9, f"v1 prediction: got {top}")
        second = lab.lambda_handler(http_event("POST", "/predict", body='{"inputs": ["awful"]}'), None)
        check(second["statusCode"] == 200, f"v2 invocation: status {second['statusCode']}, body {second['body']}")
        check(json.loads(second["body"])["predictions"][0][0]["label"] == "neg", "v2 prediction")
        check(second["headers"].get("x-request-id") == "public-2", f"x-request-id: got {second['headers']}")
        check(store.server.hits == 1, f"the model was downloaded {store.server.hits} times; a warm container downloads it once")


def test_cloud_function_answers(lab):
    """serve_gcf runs the entry point under functions-framework; POST /predict answers over HTTP."""
    with lab.http_server(Store) as store:
        store.server.hits = 0
        lab.get("os.environ.update")({"MODEL_URL": store.url + "/public/gcf.json"})
        port = lab.serve_gcf()
        with lab.http_client(f"http://127.0.0.1:{port}", timeout=20) as http:
            answer = http.post("/predict", json={"inputs": "nice nice"})
            check(answer.status_code == 200, f"status {answer.status_code}: {answer.text}")
            check(answer.json()["predictions"][0][0]["label"] == "pos", f"got {answer.text}")
            check(http.put("/predict").status_code == 405, "PUT /predict should be 405")
