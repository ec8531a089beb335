"""Public sanity checks for lab 32 (evaluating instruction responses).

Run with ``autograder test lab32_instruction_eval``. Passing these does not
mean the hidden tests pass: they compare ``rouge_l`` with the rouge-score
package and ``bleu`` / ``sentence_bleu`` with sacrebleu on hundreds of
random and tricky texts, check ``parse_score`` on many messy replies, and
run your clients against a mock Ollama / OpenAI server that streams in odd
chunks, answers with errors, asks you to wait (Retry-After), cuts streams
short and stalls. rouge-score and sacrebleu are installed: compare with
them yourself (``evaluate_responses.py`` must not import them).
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler

import pytest

from autograder.testing import assert_close, check


def test_squad_metrics(lab):
    """exact_match and token_f1 on a hand-checked pair."""
    check(lab.normalize_answer("An  Apple, please!") == "apple please", "normalize_answer drops articles and punctuation")
    check(lab.exact_match("The Louvre.", "louvre") == 1.0, "exact_match compares normalised texts")
    # prediction tokens: big red dog dog; reference: red dog -> overlap 2, P = 2/4, R = 2/2
    assert_close(lab.token_f1("a big red dog dog", "the red dog"), 2 / 3, atol=1e-12, rtol=0, what="token_f1")


def test_rouge_l_small(lab):
    """rouge_l on a pair whose longest common subsequence is 3 tokens of 4 and 5."""
    # LCS(cat sat on mat | the cat sat mat today) = cat sat mat -> P = 3/4, R = 3/5
    expected = 2 * (3 / 4) * (3 / 5) / (3 / 4 + 3 / 5)
    assert_close(lab.rouge_l("Cat sat on mat", "the cat sat; mat today"), expected, atol=1e-12, rtol=0, what="rouge_l")


def test_bleu_of_identical_corpus(lab):
    """A corpus equal to its references scores 100; one with nothing in common scores 0."""
    assert_close(lab.bleu(["one two three four five"], ["one two three four five"]), 100.0, atol=1e-9, rtol=0, what="bleu")
    assert_close(lab.bleu(["alpha beta gamma delta"], ["one two three four"]), 0.0, atol=1e-12, rtol=0, what="bleu")


def test_parse_score_and_win_rate(lab):
    """A few judge replies and a win rate with a tie."""
    check(lab.parse_score("Good answer.\nRating: [[7]]") == 7, "parse_score should read Rating: [[7]]")
    check(lab.parse_score("Score: 42") is None, "a score above 10 is invalid (None)")
    check(lab.parse_verdict("I prefer the second. [[B]]") == "B", "parse_verdict should read [[B]]")
    assert_close(lab.win_rate(["A", "tie", "B", "A"]), 0.625, atol=1e-12, rtol=0, what="win_rate")


class TinyOllama(BaseHTTPRequestHandler):
    """Streams two NDJSON chunks for any POST."""

    protocol_version = "HTTP/1.1"

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.bodies.append((self.path, request))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for obj in ({"message": {"role": "assistant", "content": "Hello"}, "done": False},
                    {"message": {"role": "assistant", "content": " there"}, "done": True, "done_reason": "stop"}):
            line = json.dumps(obj).encode() + b"\n"
            self.wfile.write(b"%x\r\n%s\r\n" % (len(line), line))
        self.wfile.write(b"0\r\n\r\n")

    def log_message(self, *args):
        pass


def test_ollama_chat_against_a_tiny_server(lab):
    """ollama_chat streams from /api/chat and keeps the done line's content."""
    with lab.http_server(TinyOllama) as server:
        server.server.bodies = []
        text = lab.ollama_chat(server.url, "some-model", [{"role": "user", "content": "hi"}], timeout=2.0)
    check(text == "Hello there", "join the content of every streamed line, the last one included")
    path, body = server.server.bodies[0]
    check(path == "/api/chat" and body["stream"] is True, "POST /api/chat with \"stream\": true")


def test_bad_api_name(lab):
    """judge_score refuses an unknown api before sending anything."""
    with pytest.raises(ValueError):
        lab.judge_score("http://127.0.0.1:9", "m", "q", "a", api="gemini")
