"""The engine end to end on a toy lab: points, partial credit, and every way student code can fail."""

import json
import os
import sys

import jsonschema
import pytest

from autograder import report, sandbox
from autograder.course import load_schema
from conftest import by_name


def test_reference_earns_every_test_point(submit):
    r = submit()
    assert r["score"] == 10 and r["max_score"] == 12  # the kernel's 2 points need timing
    assert all(t["status"] == "passed" for t in r["tests"])
    jsonschema.validate({k: v for k, v in r.items() if not k.startswith("_")}, load_schema("report.schema.json"))


def test_stub_earns_nothing(toy_course, tmp_path):
    from autograder import grading

    lab = toy_course.lab("lab98_toy")
    r = grading.run_lab(toy_course, lab, lab.assignment_dir, "stub", grading.GradeOptions(timing=False), [])
    assert r["score"] == 0
    feedback = by_name(r)["test_add"]["feedback"]
    assert "NotImplementedError" in feedback and "TODO" in feedback


def test_partial_credit_per_test(submit):
    r = submit("def add(a, b):\n    return a - b\n")
    tests = by_name(r)
    assert tests["test_add"]["status"] == "failed" and tests["test_add"]["feedback"] == "add(2, 3) is wrong"
    assert r["score"] == 8


def test_feedback_hides_expected_values_and_test_code(submit):
    r = submit("def scale(x, factor):\n    return x * factor + 1\n")
    text = by_name(r)["test_scale"]["feedback"]
    assert "4 of 4 values differ" in text
    assert "np.arange" not in text and "[0. 2. 4. 6.]" not in text


@pytest.mark.parametrize(
    "source, words",
    [
        ("def add(a, b)\n    return a + b\n", ["SyntaxError", "line 1"]),
        ("raise RuntimeError('broken at import')\n", ["RuntimeError", "broken at import"]),
        ("import sys\nsys.exit(0)\n", ["SystemExit"]),
        ("import no_such_module_anywhere\n", ["ModuleNotFoundError"]),
        (b"\xff\xfe\x00bad bytes".decode("latin-1"), ["could not be imported"]),
    ],
)
def test_import_failures_are_explained(submit, source, words):
    r = submit(source=source)
    assert r["score"] == 0 and r["status"] == "graded"
    text = json.dumps(r)
    for w in words:
        assert w in text


def test_exit_in_a_function_fails_only_that_test(submit):
    r = submit("def add(a, b):\n    import os\n    os._exit(0)\n")
    tests = by_name(r)
    assert tests["test_add"]["status"] == "failed" and "exit" in tests["test_add"]["feedback"]
    assert r["score"] == 8
    assert any(i["kind"] == "exit" for i in r["incidents"])


def test_system_exit_in_a_function(submit):
    r = submit("def add(a, b):\n    raise SystemExit(0)\n")
    assert by_name(r)["test_add"]["status"] == "failed" and r["score"] == 8
    assert any("tried to exit" in i["message"] for i in r["incidents"])


def test_endless_loop_times_out_and_the_rest_is_graded(submit):
    r = submit("def add(a, b):\n    while True:\n        pass\n")
    tests = by_name(r)
    assert tests["test_add"]["kind"] == "timeout" and "timed out" in tests["test_add"]["feedback"]
    assert r["score"] == 8


def test_memory_bomb_is_stopped(submit):
    r = submit("def add(a, b):\n    x = bytearray(16 * 1024**3)\n    return 5\n")
    assert by_name(r)["test_add"]["status"] == "failed" and r["score"] == 8
    assert any(i["kind"] == "memory" for i in r["incidents"])


def test_output_flood_is_cut(submit):
    r = submit("def add(a, b):\n    import sys\n    sys.stdout.write('y' * 50_000_000)\n    return a + b\n")
    assert r["score"] == 10
    assert len(r["output"]) < 70_000 and "more bytes of output cut" in r["output"]


def test_conftest_in_submission_is_ignored(submit):
    r = submit(files={"conftest.py": "raise SystemExit(1)\n"})
    assert r["score"] == 10 and any("conftest.py" in w for w in r["warnings"])


def test_first_failure_stops_the_selected_tests_at_the_first_that_fails(toy_course, tmp_path):
    """validate's variants: the selected tests run in the order given and stop at
    the first failure; the rest are reported as not run (and earn nothing)."""
    from autograder import grading

    lab = toy_course.lab("lab98_toy")
    folder = tmp_path / "variant" / "lab98_toy"
    folder.mkdir(parents=True)
    reference = (lab.solution_dir / "toy.py").read_text()
    (folder / "toy.py").write_text(reference + "\ndef add(a, b):\n    return a - b\n\ndef scale(x, factor):\n    return x\n")
    select = ("test_hidden.py::test_describe", "test_hidden.py::test_scale", "test_hidden.py::test_add")
    r = grading.run_lab(toy_course, lab, folder, "x", grading.GradeOptions(timing=False, select=select, first_failure=True), [])
    tests = by_name(r)
    assert tests["test_describe"]["status"] == "passed" and tests["test_scale"]["status"] == "failed"
    assert tests["test_add"]["kind"] == "not run" and tests["test_constant"]["kind"] == "not run"


def test_missing_entry_file(toy_course, tmp_path):
    from autograder import grading

    folder = tmp_path / "empty" / "lab98_toy"
    folder.mkdir(parents=True)
    r = grading.run_lab(toy_course, toy_course.lab("lab98_toy"), folder, "x", grading.GradeOptions(timing=False), [])
    assert r["score"] == 0 and r["status"] == "error" and "toy.py is missing" in r["errors"][0]


def test_same_submission_same_score(submit):
    extra = "def add(a, b):\n    return a * b\n"
    assert submit(extra)["score"] == submit(extra)["score"]


def test_tests_missing_from_the_manifest_earn_nothing(toy_course, submit):
    path = toy_course.root / "reference/lab98_toy/tests/test_hidden.py"
    path.write_text(path.read_text() + "\n\ndef test_unlisted(lab):\n    pass\n")
    r = submit()
    assert r["score"] == 10
    assert any("test_unlisted" in w and "not in the manifest" in w for w in r["warnings"])


def test_html_report_renders(submit):
    html = report.render_html(submit("def add(a, b):\n    return 0\n"))
    assert "<html" in html and "add(2, 3) is wrong" in html and "8 / 12" in html


def test_student_output_is_escaped_in_html(submit):
    r = submit("print('<script>alert(1)</script>')\n")
    html = report.render_html(r)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_without_isolation_the_report_says_so(submit, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_INSECURE", "1")
    r = submit()
    assert r["score"] == 10
    assert any("isolation disabled" in w for w in r["warnings"])


@pytest.mark.skipif(os.geteuid() != 0, reason="another uid needs root")
def test_without_namespaces_student_code_still_runs_as_another_user(submit, monkeypatch, toy_course):
    """Containers (Gradescope's) usually refuse unshare: the worker must still drop root."""
    monkeypatch.setenv("AUTOGRADER_NO_NAMESPACES", "1")
    if not sandbox._other_uid_can_run_python("setpriv"):
        pytest.skip(f"another uid cannot start {sys.executable} here (a folder above it is closed to others)")
    secret = toy_course.root / "reference" / "lab98_toy" / "solution"
    os.chmod(secret, 0o700)  # what the Gradescope setup does to reference/
    probe = f"""
import os
if os.geteuid() == 0 or os.getegid() == 0:
    raise RuntimeError("running as root")
try:
    os.listdir({str(secret)!r})
except PermissionError:
    pass
else:
    raise RuntimeError("read the reference")
"""
    r = submit(probe)
    assert r["score"] == 10, r["errors"] + [t["feedback"] for t in r["tests"]]
    assert any("namespaces unavailable" in w for w in r["warnings"])


def test_memory_peak_is_measured_from_outside(toy_course, tmp_path):
    from autograder.remote import RemoteLab
    from autograder.worker_client import WorkerClient
    from autograder.runner import worker_spec

    lab = toy_course.lab("lab98_toy")
    client = WorkerClient(worker_spec(lab, lab.solution_dir, [], "mem"))
    client.spec.call_s = 120  # moving 64 MB through the pipe is slow on a loaded machine
    client.start()
    try:
        remote = RemoteLab(client)
        remote.reset_memory_peak()
        remote.add(1, 2)
        small = remote.memory_peak_mb()
        remote.reset_memory_peak()
        remote.add(b"\\0" * (64 * 2**20), b"")  # 64 MB passes through the student's function
        big = remote.memory_peak_mb()
    finally:
        client.close()
    assert small < 20 and big > 55, (small, big)


_NETWORK_CODE = '''

def fetch(url):
    import urllib.request
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            return reply.read().decode()
    except OSError as exc:
        return "unreachable: " + type(exc).__name__


def serve_once(text):
    import socket, threading
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    def answer():
        conn, _ = server.accept()
        conn.sendall(text.encode())
        conn.close()
    threading.Thread(target=answer, daemon=True).start()
    return server.getsockname()[1]


def serve_http():
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    class Echo(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"])).upper()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        def log_message(self, *args):
            pass
    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]
'''


def test_servers_meet_student_code_on_its_own_loopback(toy_workers):
    """A test's server (in the runner) reaches the student's client on the worker's
    loopback and the other way round; the grading machine's loopback stays out of reach."""
    from http.server import BaseHTTPRequestHandler

    from autograder import loopback
    from autograder.remote import RemoteLab

    class Hello(BaseHTTPRequestHandler):
        def do_GET(self):
            body = f"hello {self.path}".encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    client = toy_workers(_NETWORK_CODE)
    remote = RemoteLab(client)
    with remote.http_server(Hello) as server:
        assert remote.fetch(server.url + "/api/chat") == "hello /api/chat"
    port = remote.serve_once("from the student")
    with remote.socket() as conn:
        conn.connect(("127.0.0.1", port))
        assert conn.recv(100) == b"from the student"
    with loopback.HTTPServer(loopback.socket_in(None), Hello) as host:
        seen = remote.fetch(host.url)
    if client.isolation.namespaces:
        assert seen.startswith("unreachable"), seen


def test_an_http_client_reaches_the_students_server_on_its_loopback(toy_workers):
    """``lab.http_client()`` is an httpx client in the runner whose connections open
    on the worker's loopback: sequential requests reuse a connection, and
    concurrent ones from several threads each get their answer."""
    from concurrent.futures import ThreadPoolExecutor

    from autograder.remote import RemoteLab

    pytest.importorskip("httpx")
    remote = RemoteLab(toy_workers(_NETWORK_CODE))
    port = remote.serve_http()
    with remote.http_client(f"http://127.0.0.1:{port}", timeout=30) as http:
        assert [http.post("/", content=f"hi {i}").text for i in range(3)] == ["HI 0", "HI 1", "HI 2"]
        with ThreadPoolExecutor(4) as pool:
            replies = list(pool.map(lambda i: http.post("/", content=f"n{i}").text, range(8)))
    assert replies == [f"N{i}" for i in range(8)]


_DDP_CODE = '''

def _rank(rank, world, port, results):
    import torch, torch.distributed as dist
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world)
    t = torch.tensor([float(rank + 1)])
    dist.all_reduce(t)
    results.put((rank, t.item()))
    dist.destroy_process_group()


def all_reduce_in_two_processes():
    import socket, torch.multiprocessing as mp
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    ctx = mp.get_context("fork")
    results = ctx.Queue()
    ranks = [ctx.Process(target=_rank, args=(r, 2, port, results)) for r in range(2)]
    for p in ranks:
        p.start()
    out = sorted(results.get(timeout=120) for _ in ranks)
    for p in ranks:
        p.join(60)
    return out, [p.exitcode for p in ranks]
'''


@pytest.mark.slow
def test_student_code_runs_a_gloo_process_group_on_its_loopback(toy_workers):
    """Multi-process labs (torch.distributed with gloo, lab41): ranks the student's code
    starts meet on the worker's own loopback, inside the same confinement."""
    pytest.importorskip("torch")
    from autograder.remote import RemoteLab

    client = toy_workers(_DDP_CODE)
    client.spec.call_s = 300  # two torch processes on a loaded 2-core machine
    assert RemoteLab(client).all_reduce_in_two_processes() == ([(0, 3.0), (1, 3.0)], [0, 0])


def test_a_runner_survives_writing_to_a_connection_the_student_closed(tmp_path):
    """Runners are forked from a zygote: SIGPIPE must be ignored there as in a fresh Python,
    so that a test's mock server writing to a socket the student's client closed gets
    BrokenPipeError instead of killing the runner (and the grading with it)."""
    from autograder import zygote

    (tmp_path / "closed_peer.py").write_text(
        "import socket\n"
        "ours, theirs = socket.socketpair()\n"
        "theirs.close()\n"
        "try:\n"
        "    ours.sendall(b'x' * 100000)\n"
        "except BrokenPipeError:\n"
        "    print('survived')\n"
    )
    code, output = zygote.run_trusted("closed_peer", [], timeout=120, cwd=tmp_path)
    assert (code, output.strip()) == (0, "survived"), (code, output)
