"""Lab 32: evaluating the responses of an instruction-tuned LLM.

Two families of measures:

* **Reference-based metrics**, written with the standard library:
  ``exact_match`` and ``token_f1`` (SQuAD's answer normalisation),
  ``rouge_l`` (equal to the ``rouge-score`` package's ROUGE-L F-measure)
  and ``bleu`` / ``sentence_bleu`` (equal to ``sacrebleu``'s scores with its
  defaults: 13a tokenisation, exponential smoothing).
* **An LLM as a judge**: the prompt (``judge_prompt``), clients for the
  Ollama API (``ollama_chat``, ``ollama_generate``: streamed NDJSON) and for
  OpenAI-compatible chat completions (``openai_chat``), robust parsing of
  the judge's score (``parse_score``) and of a pairwise verdict
  (``parse_verdict``), the pairwise ``win_rate``, and ``judge_score`` that
  puts prompt, client and parser together.

The clients use the standard library only (``urllib.request``,
``http.client``, ``json``): ``requests`` is not installed where your code
is graded, and no API package (``ollama``, ``openai``) may be used. They
talk to a real server over HTTP; the tests start one on 127.0.0.1 that
streams, fails and stalls as real ones do.

Clients: errors and retries
---------------------------
Every request is an HTTP POST whose body is JSON, sent with the header
``Content-Type: application/json``. Every client takes ``timeout``
(seconds, > 0: the socket timeout of connecting and of every read),
``max_retries`` (>= 0: how many times a failed request is sent again, so
at most ``1 + max_retries`` requests) and ``backoff`` (seconds, >= 0); a
bad value raises ``ValueError`` before any request is sent.

* Retried: an HTTP status of 429 or 500-599, and a request that got no
  complete reply (connection refused or reset, a timeout, a stream that
  ends before its ``"done": true`` line, a chunked body cut short).
  Before retry ``k`` (k = 1, 2, ...) the client waits ``backoff * 2 **
  (k - 1)`` seconds, unless the failed reply had a ``Retry-After`` header
  holding a number of seconds (``"2"`` or ``"0.5"``, >= 0): then it waits
  exactly that long instead.
* Not retried: any other HTTP status of 400 or more (400, 401, 404, ...),
  an ``{"error": ...}`` line inside an Ollama stream, and a 200 reply that
  is not what the API promises (a line or body that is not JSON, an OpenAI
  reply without ``choices[0].message.content`` as a string).

Every failure ends in a ``JudgeClientError`` (a ``RuntimeError``): raised
at once for the errors that are not retried, and after the last attempt
for the others (that of the last attempt). Its message contains the HTTP
status (when there was one) and the server's own error message: Ollama's
``{"error": "..."}``, OpenAI's ``{"error": {"message": "...", ...}}``, or
the text of any other error body (``404 page not found``, an HTML page,
``{"detail": "Not Found"}``). No wait follows the last attempt.

Hints: ``urllib.request.urlopen(urllib.request.Request(url, data=...,
headers=..., method="POST"), timeout=...)`` sends a request; a status of
400 or more raises ``urllib.error.HTTPError`` (it has ``.code``,
``.headers`` and ``.read()``); iterating over the response yields its
body line by line, whatever the chunking; a timeout raises
``TimeoutError`` (an ``OSError``, as ``urllib.error.URLError`` is).
"""

from __future__ import annotations

import json
import math
import re
import string
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Sequence
from http.client import HTTPException, HTTPResponse

# ---- reference-based metrics ---------------------------------------------------------------------------------

_PUNCTUATION = frozenset(string.punctuation)
_ARTICLES = re.compile(r"\b(a|an|the)\b")


def normalize_answer(text: str) -> str:
    """SQuAD's answer normalisation, in this order: lowercase (``str.lower``),
    delete every ASCII punctuation character (``string.punctuation``; other
    characters such as ``'¿'`` or ``'—'`` stay), replace the whole words
    ``a``, ``an`` and ``the`` (regex ``\\b(a|an|the)\\b``) by a space, and
    collapse whitespace (``" ".join(text.split())``).

    ``normalize_answer("The  Eiffel-Tower!")`` is ``"eiffeltower"``.
    """
    text = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


def _references(reference: str | Sequence[str]) -> list[str]:
    refs = [reference] if isinstance(reference, str) else list(reference)
    if not refs:
        raise ValueError("at least one reference is needed")
    return refs


def exact_match(prediction: str, reference: str | Sequence[str]) -> float:
    """1.0 when ``normalize_answer(prediction)`` equals ``normalize_answer``
    of the reference, else 0.0.

    ``reference``: one string, or a non-empty sequence of acceptable
    answers (the best of them counts: 1.0 if any matches). Two texts that
    both normalise to ``""`` match. Raises ``ValueError`` for an empty
    sequence of references.
    """
    target = normalize_answer(prediction)
    return float(any(normalize_answer(ref) == target for ref in _references(reference)))


def _f1(prediction_tokens: list[str], reference_tokens: list[str]) -> float:
    if not prediction_tokens and not reference_tokens:
        return 1.0
    same = sum((Counter(prediction_tokens) & Counter(reference_tokens)).values())
    if not same:  # also when one side has no tokens
        return 0.0
    precision = same / len(prediction_tokens)
    recall = same / len(reference_tokens)
    return 2 * precision * recall / (precision + recall)


def token_f1(prediction: str, reference: str | Sequence[str]) -> float:
    """SQuAD's token-level F1 between a prediction and a reference.

    Both texts are normalised (``normalize_answer``) and split on
    whitespace. The overlap is the size of the MULTISET intersection (a
    token present twice in each counts twice, ``Counter(p) & Counter(r)``);
    precision = overlap / len(prediction tokens), recall = overlap /
    len(reference tokens), F1 their harmonic mean, 0.0 without overlap.
    When either side has no tokens, F1 is 1.0 if both have none, else 0.0.

    ``reference``: one string, or a non-empty sequence of strings (the
    maximum F1 over them). Raises ``ValueError`` for an empty sequence.
    """
    tokens = normalize_answer(prediction).split()
    return max(_f1(tokens, normalize_answer(ref).split()) for ref in _references(reference))


_NON_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")


def _rouge_tokens(text: str) -> list[str]:
    return _NON_ALPHANUMERIC.sub(" ", text.lower()).split()


def _lcs_length(a: list[str], b: list[str]) -> int:
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def rouge_l(prediction: str, reference: str | Sequence[str]) -> float:
    """ROUGE-L F-measure, equal to ``rouge_score``'s
    ``RougeScorer(["rougeL"]).score(reference, prediction)["rougeL"].fmeasure``.

    Tokens (rouge-score's default tokenizer, no stemming): lowercase the
    text, replace every run of characters other than ``a-z`` and ``0-9``
    by a space, split on whitespace; so ``"Don't"`` gives ``don``, ``t``
    and letters outside a-z (``é``, ``ß``, CJK) are dropped. With ``L``
    the length of the longest common subsequence of the two token lists,
    precision = L / len(prediction tokens), recall = L / len(reference
    tokens), F = 2 P R / (P + R) (0.0 when P + R = 0). If either token list
    is empty the score is 0.0 (also when both are).

    ``reference``: one string, or a non-empty sequence of strings (the
    maximum F over them, as ``RougeScorer.score_multi``). Raises
    ``ValueError`` for an empty sequence.
    """
    prediction_tokens = _rouge_tokens(prediction)
    best = 0.0
    for ref in _references(reference):
        reference_tokens = _rouge_tokens(ref)
        lcs = _lcs_length(reference_tokens, prediction_tokens)
        if lcs:  # 0 also when a side has no tokens
            precision, recall = lcs / len(prediction_tokens), lcs / len(reference_tokens)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


_TOKENIZE_13A = [
    (re.compile(r"([\{-\~\[-\` -\&\(-\+\:-\@\/])"), r" \1 "),
    (re.compile(r"([^0-9])([\.,])"), r"\1 \2 "),
    (re.compile(r"([\.,])([^0-9])"), r" \1 \2"),
    (re.compile(r"([0-9])(-)"), r"\1 \2 "),
]
_MAX_ORDER = 4


def _tokenize_13a(line: str) -> list[str]:
    line = line.rstrip().replace("<skipped>", "").replace("-\n", "").replace("\n", " ")
    line = line.replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    line = f" {line} "
    for pattern, replacement in _TOKENIZE_13A:
        line = pattern.sub(replacement, line)
    return line.split()


def _ngrams(tokens: list[str]) -> Counter:
    return Counter(tuple(tokens[i : i + n]) for n in range(1, _MAX_ORDER + 1) for i in range(len(tokens) - n + 1))


def _bleu_statistics(prediction: str, references: list[str]) -> list[int]:
    """[hyp_len, closest ref_len, correct_1..4, total_1..4] of one segment."""
    hyp = _tokenize_13a(prediction)
    hyp_ngrams = _ngrams(hyp)
    ref_ngrams: Counter = Counter()
    ref_lens = []
    for ref in references:
        tokens = _tokenize_13a(ref)
        ref_lens.append(len(tokens))
        ref_ngrams |= _ngrams(tokens)  # the maximum count of each n-gram over the references
    ref_len = min(ref_lens, key=lambda length: (abs(length - len(hyp)), length))
    correct, total = [0] * _MAX_ORDER, [0] * _MAX_ORDER
    for ngram, count in hyp_ngrams.items():
        total[len(ngram) - 1] += count
        correct[len(ngram) - 1] += min(count, ref_ngrams[ngram])
    return [len(hyp), ref_len, *correct, *total]


def _bleu_score(stats: list[int], effective_order: bool) -> float:
    hyp_len, ref_len, *counts = stats
    correct, total = counts[:_MAX_ORDER], counts[_MAX_ORDER:]
    if not any(correct) or not (effective_order or all(total)):
        return 0.0
    brevity = min(1.0, math.exp(1 - ref_len / hyp_len))  # hyp_len > 0: some n-gram matched
    log_precisions = []
    smooth = 1.0
    for c, t in [(c, t) for c, t in zip(correct, total) if t]:  # the orders with n-grams
        if c:
            log_precisions.append(math.log(100.0 * c / t))
        else:  # "exp" smoothing: 1/2, 1/4, ... of one match
            smooth *= 2
            log_precisions.append(math.log(100.0 / (smooth * t)))
    return brevity * math.exp(sum(log_precisions) / len(log_precisions))


def bleu(predictions: Sequence[str], references: Sequence[str | Sequence[str]]) -> float:
    """Corpus BLEU on a 0-100 scale, equal to ``sacrebleu.corpus_bleu(predictions, streams).score``
    with sacrebleu's defaults (13a tokenisation, no lowercasing, smoothing ``"exp"``,
    n-grams of orders 1-4, no effective order).

    ``references[i]`` is the reference of ``predictions[i]``: a string, or a
    non-empty sequence of strings (several references; their number may
    differ between predictions). sacrebleu's ``streams`` are the transposed
    lists, padded with None.

    The recipe: tokenise every text with the 13a tokenizer (sacrebleu's
    ``Tokenizer13a``, after ``str.rstrip``). For each prediction count, for
    n = 1..4, its n-grams (``total_n``) and its n-grams clipped by the
    maximum count of that n-gram in any ONE of its references
    (``correct_n``); its reference length is that of the reference whose
    length is closest to the prediction's (the shorter on a tie). Sum all
    counts and lengths over the corpus (corpus-level, not an average of
    sentence scores), then: 0.0 if every ``correct_n`` is 0 or some
    ``total_n`` is 0; precisions ``p_n = 100 correct_n / total_n``, where a
    ``correct_n`` of 0 gives instead ``100 / (2**k total_n)`` for the k-th
    such order (k = 1, 2, ...); brevity penalty ``BP = exp(1 - r / c)`` when
    the prediction length ``c`` is below the reference length ``r``, else 1;
    BLEU = BP * exp(mean of log p_n).

    Raises ``ValueError`` when there are no predictions, when the lengths
    of ``predictions`` and ``references`` differ, or when a prediction has
    an empty sequence of references.
    """
    if not len(predictions) or len(predictions) != len(references):
        raise ValueError("predictions and references must be non-empty and of the same length")
    segments = [_bleu_statistics(p, _references(r)) for p, r in zip(predictions, references)]
    return _bleu_score([sum(column) for column in zip(*segments)], effective_order=False)


def sentence_bleu(prediction: str, references: str | Sequence[str]) -> float:
    """Sentence BLEU on a 0-100 scale, equal to ``sacrebleu.sentence_bleu(prediction, refs).score``
    (smoothing ``"exp"``, effective order).

    The recipe of ``bleu`` for a corpus of one prediction, except that only
    the orders n with ``total_n > 0`` count (a prediction of 2 tokens is
    scored on unigrams and bigrams: the mean of their 2 log precisions),
    so a short prediction does not score 0 for lacking 4-grams. Still 0.0
    when no n-gram matches at all (every ``correct_n`` 0), an empty
    prediction included. ``references``: a string or a non-empty sequence
    of strings; ``ValueError`` for an empty sequence.
    """
    return _bleu_score(_bleu_statistics(prediction, _references(references)), effective_order=True)


# ---- judge prompt and parsing ---------------------------------------------------------------------------------


def judge_prompt(question: str, answer: str, reference: str | None = None, *, low: int = 1, high: int = 10) -> str:
    """The prompt that asks a judge model to grade ``answer`` to ``question``.

    The returned text contains, verbatim: the question, the answer, the
    reference answer when one is given (and no trace of it otherwise: no
    ``"None"``, not the word "reference" in any case), the bounds ``low`` and
    ``high`` as digits (``"from 1 to 10"``), and the exact format of the
    verdict the judge must end with: ``Rating: [[N]]`` (the text
    ``"Rating: [["``). Anything else (instructions on helpfulness,
    correctness, ...) is yours to write. Raises ``ValueError`` unless
    ``low < high``.
    """
    if not low < high:
        raise ValueError("low must be below high")
    parts = [
        "Please act as an impartial judge and evaluate the quality of the answer an AI assistant gave to the "
        "question below. Consider its correctness, helpfulness, relevance and level of detail"
        + (", and compare it with the reference answer, which is correct." if reference is not None else ".")
        + " Begin with a short explanation, then give a single whole-number score from "
        f"{low} to {high} ({low} = worst, {high} = best), written exactly in this format: Rating: [[N]]",
        f"[Question]\n{question}",
    ]
    if reference is not None:
        parts.append(f"[Reference answer]\n{reference}")
    parts.append(f"[The assistant's answer]\n{answer}")
    return "\n\n".join(parts) + "\n"


_NUMBER = r"(-?\d+(?:\.\d+)?)"
_BRACKETED = re.compile(r"\[\[\s*" + _NUMBER + r"\s*\]\]")
_LABELLED = re.compile(r"(?:score|rating)[\s*\"':=]*" + _NUMBER, re.IGNORECASE)
_ANY_NUMBER = re.compile(r"(?<![\d.])" + _NUMBER)


def parse_score(reply: str, low: int = 1, high: int = 10) -> int | None:
    """The score a judge's free-text ``reply`` gives, or None.

    A *number* is an optional ``-``, digits, and an optional fractional
    part (``7``, ``-3``, ``7.5``). The candidates, by precedence: the
    first of these kinds that occurs anywhere in the reply decides, and
    within it the LAST occurrence wins:

    1. a bracketed number ``[[N]]`` (spaces allowed inside: ``[[ 7 ]]``);
    2. a fraction of the top of the scale: ``N/high`` or ``N out of high``
       (any whitespace around ``/`` and between the words, which may be in
       any case; ``high`` written as digits and not followed by another
       digit), e.g. ``8/10``, ``8 / 10`` or ``8 out of 10`` when
       ``high == 10``;
    3. a labelled number: the word ``score`` or ``rating`` (any case),
       then any run of spaces, ``*``, ``"``, ``'``, ``:`` and ``=``, then N:
       ``Score: 7``, ``**Rating:** 6``, ``{"score": 7}``, ``rating=4``;
    4. otherwise the last number anywhere in the reply.

    The chosen N is returned as an ``int`` when it is a whole number
    (``7`` or ``7.0``) within ``[low, high]``; otherwise None (``7.5``,
    ``0``, ``11``, ``-3``: no other candidate is tried). None too when the
    reply holds no number. "On a scale of 1 to 10, I'd say 7." gives 7.
    """
    high_text = re.escape(str(high))
    fraction = re.compile(_NUMBER + r"\s*(?:/|out\s+of)\s*" + high_text + r"(?!\d)", re.IGNORECASE)
    for pattern in (_BRACKETED, fraction, _LABELLED, _ANY_NUMBER):
        found = pattern.findall(reply)
        if found:
            value = float(found[-1])
            if value.is_integer() and low <= value <= high:
                return int(value)
            return None
    return None


_VERDICT = re.compile(r"\[\[\s*([ABC])\s*\]\]")


def parse_verdict(reply: str) -> str | None:
    """The verdict of a pairwise judge: ``"A"``, ``"B"`` or ``"tie"``, or None.

    The judge was asked to end with ``[[A]]`` (the first answer is
    better), ``[[B]]`` (the second) or ``[[C]]`` (a tie); spaces are
    allowed inside the brackets, the letters are upper case. The last such
    marker in the reply wins; None when there is none.
    """
    found = _VERDICT.findall(reply)
    if not found:
        return None
    return {"A": "A", "B": "B", "C": "tie"}[found[-1]]


def win_rate(verdicts: Sequence[str | None]) -> float:
    """Model A's win rate over pairwise verdicts: (wins + ties / 2) / counted.

    Each verdict is ``"A"`` (A won), ``"B"`` (B won), ``"tie"`` (half a win
    for each), or None (an unparseable judgement: left out of the count).
    Raises ``ValueError`` for any other value, and when no verdict is
    counted (empty, or only None).
    """
    for verdict in verdicts:
        if verdict not in ("A", "B", "tie", None):
            raise ValueError(f"unknown verdict {verdict!r}")
    counts = Counter(verdicts)
    counted = counts["A"] + counts["B"] + counts["tie"]
    if not counted:
        raise ValueError("no verdict to count")
    return (counts["A"] + 0.5 * counts["tie"]) / counted


# ---- HTTP clients -----------------------------------------------------------------------------------------------


class JudgeClientError(RuntimeError):
    """A judge API call that failed (see the module docstring).

    ``status``: the HTTP status of the failing reply, None when there was
    none (no connection, a timeout, an error inside a stream, a malformed
    reply). ``message``: the server's error message when its body carried
    one, else a description of the failure. ``str(error)`` contains both
    (``"HTTP 404: model 'x' not found"``).
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message if status is None else f"HTTP {status}: {message}")
        self.message = message
        self.status = status


class _NoReply(OSError):
    """A reply that ended early (retried like a broken connection)."""


# no proxy: a test server on 127.0.0.1 must be reached directly
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _error_message(exc: urllib.error.HTTPError) -> str:
    """The server's message in an error reply: Ollama's, OpenAI's, else the body's text."""
    try:
        text = exc.read().decode("utf-8", errors="replace").strip()
    except (OSError, HTTPException):  # the body was cut short or stalled
        return str(exc.reason)
    try:
        error = json.loads(text)["error"]
    except (ValueError, KeyError, TypeError):
        return text
    return str(error["message"]) if isinstance(error, dict) and "message" in error else str(error)


def _retry_after(headers) -> float | None:
    try:
        seconds = float(headers.get("Retry-After", ""))
    except ValueError:  # absent, or an HTTP date
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _post(
    url: str,
    body: dict,
    read: Callable[[HTTPResponse], str],
    *,
    timeout: float,
    max_retries: int,
    backoff: float,
    headers: dict | None = None,
) -> str:
    """POST ``body`` as JSON, hand a 200 reply to ``read``, retry as the module docstring says."""
    if not timeout > 0 or max_retries < 0 or not backoff >= 0:
        raise ValueError("timeout must be > 0, max_retries >= 0 and backoff >= 0")
    data = json.dumps(body).encode("utf-8")
    all_headers = {"Content-Type": "application/json", "Accept": "application/json", **(headers or {})}
    wait = None  # before a retry: the wait the failed attempt asks for
    for attempt in range(max_retries + 1):
        if wait is not None:
            time.sleep(wait)
        wait = backoff * 2**attempt
        request = urllib.request.Request(url, data=data, headers=all_headers, method="POST")
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                return read(response)
        except urllib.error.HTTPError as exc:
            error = JudgeClientError(_error_message(exc), exc.code)
            if exc.code != 429 and exc.code < 500:
                raise error from None
            retry_after = _retry_after(exc.headers)
            if retry_after is not None:
                wait = retry_after
        except (OSError, HTTPException) as exc:  # URLError, timeouts, resets, IncompleteRead, _NoReply
            error = JudgeClientError(f"no complete reply from {url}: {exc!r}")
    raise error


def _json_line(line: bytes) -> dict:
    try:
        value = json.loads(line)
    except ValueError:
        raise JudgeClientError("the server sent a line that is not JSON") from None
    if not isinstance(value, dict):
        raise JudgeClientError("the server sent a line that is not a JSON object")
    return value


def _read_ndjson(field: Callable[[dict], str]) -> Callable[[HTTPResponse], str]:
    """A reader of an Ollama stream: join ``field(line)`` of every line up to and including the done one."""

    def read(response: HTTPResponse) -> str:
        parts = []
        for raw in response:  # one NDJSON line at a time, however the body was chunked
            if not raw.strip():
                continue
            line = _json_line(raw)
            if "error" in line:
                raise JudgeClientError(str(line["error"]))
            parts.append(field(line))
            if line.get("done"):
                return "".join(parts)
        raise _NoReply("the stream ended before its done line")

    return read


def _chat_content(line: dict) -> str:
    return (line.get("message") or {}).get("content") or ""


def _generate_content(line: dict) -> str:
    return line.get("response") or ""


def ollama_chat(
    base_url: str,
    model: str,
    messages: Sequence[dict],
    *,
    options: dict | None = None,
    timeout: float = 60.0,
    max_retries: int = 2,
    backoff: float = 0.5,
) -> str:
    """The assistant's reply from Ollama's chat endpoint, streamed.

    POSTs to ``base_url + "/api/chat"`` (a trailing ``/`` of ``base_url``
    is dropped; e.g. ``"http://127.0.0.1:11434"``) the JSON body
    ``{"model": model, "messages": [...], "stream": true}``, plus
    ``"options": options`` when ``options`` is not None. ``messages`` are
    dicts ``{"role": ..., "content": ...}``, sent as given.

    The reply is NDJSON (``application/x-ndjson``): one JSON object per
    line, ``{"message": {"role": "assistant", "content": "..."}, "done":
    false, ...}``, then a last one with ``"done": true`` (with
    ``done_reason``, ``eval_count``, ... and a ``message`` whose content
    may be non-empty). Returns the concatenation of the ``content`` of
    EVERY line up to and including the done line (a line without
    ``message`` adds nothing), and stops reading at the done line. Lines
    may arrive split across chunks at any byte, UTF-8 characters
    included; blank lines are skipped. A line ``{"error": "..."}``
    raises ``JudgeClientError`` with that message; a stream that ends
    before its done line is retried. Errors, retries, ``timeout``,
    ``max_retries`` and ``backoff``: see the module docstring.
    """
    body: dict = {"model": model, "messages": list(messages), "stream": True}
    if options is not None:
        body["options"] = options
    return _post(base_url.rstrip("/") + "/api/chat", body, _read_ndjson(_chat_content),
                 timeout=timeout, max_retries=max_retries, backoff=backoff)


def ollama_generate(
    base_url: str,
    model: str,
    prompt: str,
    *,
    system: str | None = None,
    options: dict | None = None,
    timeout: float = 60.0,
    max_retries: int = 2,
    backoff: float = 0.5,
) -> str:
    """The completion from Ollama's generate endpoint, streamed.

    POSTs to ``base_url + "/api/generate"`` the JSON body ``{"model":
    model, "prompt": prompt, "stream": true}``, plus ``"system": system``
    and ``"options": options`` when they are not None. The reply streams
    NDJSON lines ``{"response": "...", "done": false}`` and a last one with
    ``"done": true`` (whose ``response`` may be non-empty). Returns the
    concatenation of the ``response`` of every line up to and including
    the done line. Streaming, errors and retries as ``ollama_chat``.
    """
    body: dict = {"model": model, "prompt": prompt, "stream": True}
    if system is not None:
        body["system"] = system
    if options is not None:
        body["options"] = options
    return _post(base_url.rstrip("/") + "/api/generate", body, _read_ndjson(_generate_content),
                 timeout=timeout, max_retries=max_retries, backoff=backoff)


def _read_completion(response: HTTPResponse) -> str:
    reply = _json_line(response.read())
    try:
        content = reply["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise JudgeClientError("the reply has no choices[0].message.content") from None
    if not isinstance(content, str):
        raise JudgeClientError("choices[0].message.content is not a string")
    return content


def openai_chat(
    base_url: str,
    model: str,
    messages: Sequence[dict],
    *,
    api_key: str | None = None,
    temperature: float | None = None,
    max_tokens: int | None = None,
    timeout: float = 60.0,
    max_retries: int = 2,
    backoff: float = 0.5,
) -> str:
    """The assistant's reply from an OpenAI-compatible chat-completions API (not streamed).

    POSTs to ``base_url + "/v1/chat/completions"`` (``base_url`` is the
    server's root, without ``/v1``; a trailing ``/`` is dropped) the JSON
    body ``{"model": model, "messages": [...]}``, plus ``"temperature"``
    and ``"max_tokens"`` when they are not None, with the header
    ``Authorization: Bearer <api_key>`` when ``api_key`` is given (no
    such header otherwise). The reply is one JSON object
    ``{"choices": [{"index": 0, "message": {"role": "assistant",
    "content": "..."}, "finish_reason": "stop"}], "usage": {...}}``:
    returns ``choices[0]["message"]["content"]``. A reply without it, or
    whose content is not a string (None), raises ``JudgeClientError``.
    Errors (``{"error": {"message": ..., "type": ...}}`` with a 4xx/5xx
    status), retries, ``timeout``, ``max_retries`` and ``backoff``: see
    the module docstring.
    """
    body: dict = {"model": model, "messages": list(messages)}
    if temperature is not None:
        body["temperature"] = temperature
    if max_tokens is not None:
        body["max_tokens"] = max_tokens
    headers = {"Authorization": f"Bearer {api_key}"} if api_key is not None else {}
    return _post(base_url.rstrip("/") + "/v1/chat/completions", body, _read_completion,
                 timeout=timeout, max_retries=max_retries, backoff=backoff, headers=headers)


def judge_score(
    base_url: str,
    model: str,
    question: str,
    answer: str,
    reference: str | None = None,
    *,
    api: str = "ollama",
    low: int = 1,
    high: int = 10,
    timeout: float = 60.0,
    max_retries: int = 2,
    backoff: float = 0.5,
) -> int | None:
    """Grade one answer with a judge model: prompt, call, parse.

    Sends ONE message ``{"role": "user", "content": judge_prompt(question,
    answer, reference, low=low, high=high)}`` with ``api="ollama"``
    through ``ollama_chat`` (``options={"temperature": 0}``) or with
    ``api="openai"`` through ``openai_chat`` (``temperature=0``), passing
    ``timeout``, ``max_retries`` and ``backoff`` on, and returns
    ``parse_score(reply, low, high)`` (None when the reply holds no valid
    score). Raises ``ValueError`` for another ``api`` (before any request)
    and lets the clients' ``JudgeClientError`` through.
    """
    messages = [{"role": "user", "content": judge_prompt(question, answer, reference, low=low, high=high)}]
    knobs = dict(timeout=timeout, max_retries=max_retries, backoff=backoff)
    clients = {
        "ollama": lambda: ollama_chat(base_url, model, messages, options={"temperature": 0}, **knobs),
        "openai": lambda: openai_chat(base_url, model, messages, temperature=0, **knobs),
    }
    if api not in clients:
        raise ValueError(f"unknown api {api!r}: 'ollama' or 'openai'")
    return parse_score(clients[api](), low, high)
