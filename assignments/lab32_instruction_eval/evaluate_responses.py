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

import json  # noqa: F401 - what the clients need
import re  # noqa: F401
import time  # noqa: F401
import urllib.error  # noqa: F401
import urllib.request  # noqa: F401
from collections import Counter  # noqa: F401
from collections.abc import Sequence


def normalize_answer(text: str) -> str:
    """SQuAD's answer normalisation, in this order: lowercase (``str.lower``),
    delete every ASCII punctuation character (``string.punctuation``; other
    characters such as ``'¿'`` or ``'—'`` stay), replace the whole words
    ``a``, ``an`` and ``the`` (regex ``\\b(a|an|the)\\b``) by a space, and
    collapse whitespace (``" ".join(text.split())``).

    ``normalize_answer("The  Eiffel-Tower!")`` is ``"eiffeltower"``.
    """
    raise NotImplementedError("TODO: lowercase, drop ASCII punctuation, drop a/an/the, collapse whitespace")


def exact_match(prediction: str, reference: str | Sequence[str]) -> float:
    """1.0 when ``normalize_answer(prediction)`` equals ``normalize_answer``
    of the reference, else 0.0.

    ``reference``: one string, or a non-empty sequence of acceptable
    answers (the best of them counts: 1.0 if any matches). Two texts that
    both normalise to ``""`` match. Raises ``ValueError`` for an empty
    sequence of references.
    """
    raise NotImplementedError("TODO: compare normalised texts (best over references)")


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
    raise NotImplementedError("TODO: SQuAD F1 over the multiset of normalised tokens")


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
    raise NotImplementedError("TODO: LCS of rouge-score's tokens, F-measure")


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
    raise NotImplementedError("TODO: corpus BLEU with 13a tokens and exp smoothing")


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
    raise NotImplementedError("TODO: sentence BLEU with effective order")


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
    raise NotImplementedError("TODO: the judge's instructions, question, reference, answer")


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
    raise NotImplementedError("TODO: the candidates by precedence, the last of the first kind")


def parse_verdict(reply: str) -> str | None:
    """The verdict of a pairwise judge: ``"A"``, ``"B"`` or ``"tie"``, or None.

    The judge was asked to end with ``[[A]]`` (the first answer is
    better), ``[[B]]`` (the second) or ``[[C]]`` (a tie); spaces are
    allowed inside the brackets, the letters are upper case. The last such
    marker in the reply wins; None when there is none.
    """
    raise NotImplementedError("TODO: the last [[A]], [[B]] or [[C]]")


def win_rate(verdicts: Sequence[str | None]) -> float:
    """Model A's win rate over pairwise verdicts: (wins + ties / 2) / counted.

    Each verdict is ``"A"`` (A won), ``"B"`` (B won), ``"tie"`` (half a win
    for each), or None (an unparseable judgement: left out of the count).
    Raises ``ValueError`` for any other value, and when no verdict is
    counted (empty, or only None).
    """
    raise NotImplementedError("TODO: (wins + ties / 2) / counted")


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
    raise NotImplementedError("TODO: POST /api/chat with stream true, read NDJSON lines up to done")


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
    raise NotImplementedError("TODO: POST /api/generate with stream true, read NDJSON lines up to done")


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
    raise NotImplementedError("TODO: POST /v1/chat/completions, return choices[0].message.content")


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
    raise NotImplementedError("TODO: judge_prompt, then a client, then parse_score")
