"""Lab 53: output monitoring.

An LLM's answer passes through a monitor before it reaches the user. The
monitor finds personal data and secrets (PII) and redacts them, notices a
leak of the system prompt (a canary token, or long word n-grams copied from
it), scores harmfulness with a small Naive Bayes classifier, decides what to
do (allow, redact, block) and writes an audit record for every answer.
A last tool looks for a backdoor trigger phrase in a poisoned training set.

Words ("tokens") are those of ``tokenize``: ``str.lower()`` of the text,
then every match of the regular expression ``(?u)\\b\\w\\w+\\b`` (runs of two
or more word characters), which is scikit-learn's ``CountVectorizer``
default. An n-gram is ``n`` consecutive tokens joined by one space.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

PII_KINDS = ("CARD", "API_KEY", "EMAIL", "IP", "PHONE")
BLOCKED_MESSAGE = "[BLOCKED]"

_TOKEN_RE = re.compile(r"(?u)\b\w\w+\b")
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PHONE_RE = re.compile(r"(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{3}\)|\d{3})[ .-]?\d{3}[ .-]?\d{4}(?!\w)")
_DIGIT_RUN_RE = re.compile(r"\d(?:[ -]?\d)*")
_IP_RE = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?!\.?\d)")
_KEY_RE = re.compile(
    r"(?<![A-Za-z0-9_-])(?:sk-[A-Za-z0-9_-]{20,}|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36})(?![A-Za-z0-9_-])"
)
_TOKEN_KEY_RE = re.compile(r"[A-Za-z0-9_-]{32,}")
_KEY_ENTROPY = 4.0


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens of ``text``.

    ``re.findall(r"(?u)\\b\\w\\w+\\b", text.lower())``: runs of two or more
    Unicode word characters (one-character words are dropped), the same
    tokens as scikit-learn's ``CountVectorizer().build_analyzer()``.

    Example: ``tokenize("I'd say NO to 2 cats!")`` is
    ``["say", "no", "to", "cats"]``.
    """
    return _TOKEN_RE.findall(text.lower())


# ---- PII ------------------------------------------------------------------------------------------------------


def luhn_valid(number: str) -> bool:
    """Whether ``number`` passes the Luhn checksum of payment card numbers.

    Spaces and hyphens are ignored; any other character that is not an
    ASCII digit 0-9 makes the result False, and so do fewer than two
    digits. Counting from the **rightmost** digit (the check digit, position
    1), every digit in an even position is doubled, and 9 is subtracted from
    a doubled value above 9; the number is valid when the sum of all the
    digits so obtained is a multiple of 10. No length rule applies here.

    Examples: ``"4111 1111 1111 1111"`` (16 digits), ``"378282246310005"``
    (15) and ``"79927398713"`` are valid; ``"4111111111111112"`` is not.

    Raises:
        TypeError: ``number`` is not a str.
    """
    if not isinstance(number, str):
        raise TypeError(f"number must be a str, got {type(number).__name__}")
    digits = number.replace(" ", "").replace("-", "")
    if len(digits) < 2 or not all("0" <= c <= "9" for c in digits):
        return False
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def is_ipv4(text: str) -> bool:
    """Whether ``text`` is exactly an IPv4 address in dotted-decimal form.

    Four octets separated by three dots, each octet one to three ASCII
    digits with a value 0-255 and no leading zero ("0" itself is fine,
    "01" is not), nothing before or after: the strings that
    ``ipaddress.IPv4Address`` accepts. ``"192.168.0.1"`` is valid;
    ``"256.1.1.1"``, ``"1.2.3"``, ``"01.2.3.4"`` and ``" 1.2.3.4"`` are not.
    """
    parts = text.split(".")
    if len(parts) != 4:
        return False
    for part in parts:
        if not 1 <= len(part) <= 3 or not all("0" <= c <= "9" for c in part):
            return False
        if len(part) > 1 and part[0] == "0":
            return False
        if int(part) > 255:
            return False
    return True


def shannon_entropy(text: str) -> float:
    """Shannon entropy of the characters of ``text``, in bits per character.

    ``-sum(p * log2(p))`` over the distinct characters, ``p`` being each
    character's count divided by ``len(text)``. The empty string has
    entropy 0.0, and so does a string of one repeated character; a string
    of ``k`` distinct characters, each once, has ``log2(k)``.
    """
    n = len(text)
    if n == 0:
        return 0.0
    return -sum(c / n * math.log2(c / n) for c in Counter(text).values())


def _candidates(text: str, kinds: Iterable[str]) -> list[tuple[int, int, str]]:
    found: set[tuple[int, int, str]] = set()
    if "EMAIL" in kinds:
        found.update((m.start(), m.end(), "EMAIL") for m in _EMAIL_RE.finditer(text))
    if "PHONE" in kinds:
        found.update((m.start(), m.end(), "PHONE") for m in _PHONE_RE.finditer(text))
    if "CARD" in kinds:
        for m in _DIGIT_RUN_RE.finditer(text):
            digits = sum(c.isdigit() for c in m.group())
            if 13 <= digits <= 19 and luhn_valid(m.group()):
                found.add((m.start(), m.end(), "CARD"))
    if "IP" in kinds:
        found.update((m.start(), m.end(), "IP") for m in _IP_RE.finditer(text) if is_ipv4(m.group()))
    if "API_KEY" in kinds:
        found.update((m.start(), m.end(), "API_KEY") for m in _KEY_RE.finditer(text))
        for m in _TOKEN_KEY_RE.finditer(text):
            token = m.group()
            if (
                any(c.isalpha() for c in token)
                and any(c.isdigit() for c in token)
                and shannon_entropy(token) >= _KEY_ENTROPY
            ):
                found.add((m.start(), m.end(), "API_KEY"))
    return list(found)


def find_pii(text: str, kinds: Iterable[str] | None = None) -> list[dict]:
    """Personal data and secrets in ``text``, as non-overlapping spans.

    The detectors (Python's ``re`` on the str as given, no flags, so
    ``\\d`` and ``\\w`` are Unicode classes; a "match" of a pattern means
    one of ``re.finditer``):

    - ``"EMAIL"``: matches of
      ``[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}``.
    - ``"PHONE"``: matches of
      ``(?<![\\w+])(?:\\+\\d{1,3}[ .-]?)?(?:\\(\\d{3}\\)|\\d{3})[ .-]?\\d{3}[ .-]?\\d{4}(?!\\w)``
      (an optional ``+`` country code, then 3-3-4 digits, the area code
      possibly in parentheses, single spaces, dots or hyphens between groups).
    - ``"CARD"``: each match of ``\\d(?:[ -]?\\d)*`` (a maximal run of
      digits, consecutive digits separated by at most one space or hyphen)
      that holds 13 to 19 digits and passes ``luhn_valid``. A longer run is
      not searched for a card inside it.
    - ``"IP"``: matches of ``(?<![\\d.])\\d{1,3}(?:\\.\\d{1,3}){3}(?!\\.?\\d)``
      for which ``is_ipv4`` holds (so "10.0.0.1." at the end of a sentence
      is found without its full stop, "1.2.3.4.5" is not an address).
    - ``"API_KEY"``: (a) matches of
      ``(?<![A-Za-z0-9_-])(?:sk-[A-Za-z0-9_-]{20,}|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36})(?![A-Za-z0-9_-])``
      (OpenAI-, AWS- and GitHub-style keys), and (b) high-entropy tokens:
      matches of ``[A-Za-z0-9_-]{32,}`` that contain at least one letter and
      one digit and whose ``shannon_entropy`` is at least 4.0.

    Overlaps. All the candidates of the requested kinds are gathered, then
    chosen left to right: sort them by start (ascending), then length
    (longest first), then kind in the order of ``PII_KINDS``
    (``CARD, API_KEY, EMAIL, IP, PHONE``); walk that list and keep a
    candidate when it starts at or after the end of the last one kept. So
    the leftmost candidate wins, and among those starting at the same
    place the longest; a candidate overlapping a kept one is dropped even
    if it is longer. Identical spans of one kind count once. Only the
    requested kinds take part (with ``kinds=["PHONE"]`` a phone number
    inside an e-mail address is found).

    Args:
        text: any str (non-ASCII text is fine; an empty str has no PII).
        kinds: the kinds to look for, any iterable of names from
            ``PII_KINDS`` (repeats allowed); None means all of them.

    Returns:
        A list of dicts ``{"kind": str, "start": int, "end": int, "text": str}``
        with ``text == text[start:end]``, in increasing ``start``.

    Raises:
        ValueError: a kind that is not in ``PII_KINDS``.
    """
    wanted = set(PII_KINDS) if kinds is None else set(kinds)
    unknown = wanted - set(PII_KINDS)
    if unknown:
        raise ValueError(f"unknown PII kinds: {sorted(unknown)}")
    order = {kind: i for i, kind in enumerate(PII_KINDS)}
    candidates = sorted(_candidates(text, wanted), key=lambda c: (c[0], c[0] - c[1], order[c[2]]))
    kept = []
    end = 0
    for start, stop, kind in candidates:
        if start >= end:
            kept.append({"kind": kind, "start": start, "end": stop, "text": text[start:stop]})
            end = stop
    return kept


def redact(text: str, kinds: Iterable[str] | None = None) -> str:
    """``text`` with every span of ``find_pii(text, kinds)`` replaced by ``[KIND]``.

    The placeholder is the kind in square brackets: ``"[EMAIL]"``,
    ``"[PHONE]"``, ``"[CARD]"``, ``"[IP]"``, ``"[API_KEY]"``. Everything
    outside the spans is kept byte for byte. Example:
    ``redact("mail bob@example.com or call 555-123-4567.")`` is
    ``"mail [EMAIL] or call [PHONE]."``.

    Raises:
        ValueError: as ``find_pii``.
    """
    pieces = []
    last = 0
    for match in find_pii(text, kinds):
        pieces.append(text[last : match["start"]])
        pieces.append(f"[{match['kind']}]")
        last = match["end"]
    pieces.append(text[last:])
    return "".join(pieces)


# ---- system-prompt leaks --------------------------------------------------------------------------------------


def make_canary(secret: str, session_id: str) -> str:
    """A canary token to hide in the system prompt of one session.

    ``"canary-"`` followed by the first 16 hex digits (lower case) of
    HMAC-SHA256 with key ``secret`` over the message ``session_id`` (both
    encoded as UTF-8). Deterministic: the same arguments give the same
    token, another session id gives another token, and without the secret
    nobody can forge one.
    """
    digest = hmac.new(secret.encode("utf-8"), session_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"canary-{digest[:16]}"


def _squash(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if c.isalnum())


def contains_canary(output: str, canary: str) -> bool:
    """Whether ``output`` contains ``canary``, even lightly disguised.

    Both strings are normalised the same way: Unicode NFKC, then
    ``str.casefold()``, then every character that is not ``str.isalnum()``
    is dropped (spaces, hyphens, punctuation, zero-width characters). The
    result is True when the normalised canary is a substring of the
    normalised output. So "CANARY 1f2e-..." or a canary written with
    full-width letters or spaces between characters is still caught.

    Raises:
        ValueError: the canary normalises to the empty string.
    """
    needle = _squash(canary)
    if not needle:
        raise ValueError("the canary has no letters or digits")
    return needle in _squash(output)


def _ngrams(tokens: Sequence[str], n: int) -> set[str]:
    return {" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def ngram_overlap(reference: str, output: str, n: int = 5) -> float:
    """Fraction of the distinct word n-grams of ``reference`` that occur in ``output``.

    Tokens are ``tokenize``'s. With ``R`` the set of distinct n-grams of
    ``reference`` and ``O`` that of ``output``, the result is
    ``len(R & O) / len(R)``, a float in [0, 1]; it is 0.0 when
    ``reference`` has fewer than ``n`` tokens (``R`` is empty). Not
    symmetric: it measures how much of the reference was copied.

    Raises:
        ValueError: ``n < 1``.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    ref = _ngrams(tokenize(reference), n)
    if not ref:
        return 0.0
    return len(ref & _ngrams(tokenize(output), n)) / len(ref)


def detect_leak(
    system_prompt: str, output: str, *, canary: str | None = None, n: int = 5, threshold: float = 0.2
) -> dict:
    """Whether ``output`` leaks the system prompt.

    Returns ``{"leak": bool, "canary": bool, "overlap": float}``:
    ``canary`` is ``contains_canary(output, canary)`` (False when
    ``canary`` is None), ``overlap`` is ``ngram_overlap(system_prompt,
    output, n)``, and ``leak`` is ``canary or overlap >= threshold``.

    Raises:
        ValueError: as ``contains_canary`` and ``ngram_overlap``.
    """
    overlap = ngram_overlap(system_prompt, output, n)
    found = canary is not None and contains_canary(output, canary)
    return {"leak": bool(found or overlap >= threshold), "canary": bool(found), "overlap": float(overlap)}


# ---- harmfulness classifier -----------------------------------------------------------------------------------


class HarmClassifier:
    """Multinomial Naive Bayes over word counts: P(harmful | text).

    The model of scikit-learn's ``MultinomialNB(alpha=alpha)`` fitted on
    ``CountVectorizer()`` counts: the vocabulary is every token
    (``tokenize``) of the training texts; for class ``c`` in {0, 1}, the
    log prior is ``log(n_c / n)`` (``n_c`` training texts of class ``c``)
    and the log probability of word ``w`` is
    ``log((N_cw + alpha) / (N_c + alpha * V))``, where ``N_cw`` counts
    ``w`` in the texts of class ``c``, ``N_c = sum_w N_cw`` and ``V`` is the
    vocabulary size. A text's class score is its log prior plus, for each
    vocabulary word, its count in the text times the word's log
    probability; words outside the vocabulary are ignored. Probabilities
    are the softmax of the two scores (computed stably: no overflow or
    underflow to NaN on long texts).

    Args:
        alpha: additive (Laplace / Lidstone) smoothing, > 0.

    Raises:
        ValueError: ``alpha <= 0``.
    """

    def __init__(self, alpha: float = 1.0) -> None:
        if not alpha > 0:
            raise ValueError(f"alpha must be > 0, got {alpha}")
        self.alpha = float(alpha)
        self._vocab: dict[str, int] | None = None

    def _counts(self, texts: Sequence[str]) -> np.ndarray:
        assert self._vocab is not None
        x = np.zeros((len(texts), len(self._vocab)))
        for i, text in enumerate(texts):
            for token in tokenize(text):
                j = self._vocab.get(token)
                if j is not None:
                    x[i, j] += 1
        return x

    def fit(self, texts: Sequence[str], labels: Sequence[int]) -> HarmClassifier:
        """Fit on ``texts`` with ``labels`` (1 harmful, 0 harmless); returns ``self``.

        ``labels`` holds ints or bools (a list, tuple or numpy array). A
        second call refits from scratch: nothing of the first fit is kept.

        Raises:
            ValueError: lengths differ, a label is not 0 or 1, or the labels
                do not contain both classes.
        """
        y = np.asarray(labels)
        if len(texts) != len(y):
            raise ValueError(f"{len(texts)} texts but {len(y)} labels")
        if not np.all((y == 0) | (y == 1)):
            raise ValueError("labels must be 0 or 1")
        y = y.astype(int)
        if len(np.unique(y)) != 2:
            raise ValueError("the labels must contain both classes 0 and 1")
        self._vocab = {w: i for i, w in enumerate(sorted({t for text in texts for t in tokenize(text)}))}
        x = self._counts(texts)
        class_counts = np.stack([x[y == c].sum(axis=0) for c in (0, 1)])
        smoothed = class_counts + self.alpha
        self._log_prob = np.log(smoothed) - np.log(smoothed.sum(axis=1, keepdims=True))
        self._log_prior = np.log(np.bincount(y, minlength=2) / len(y))
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """P(label 1) for each text: float64 array of shape ``(len(texts),)``.

        Raises:
            RuntimeError: called before ``fit``.
        """
        if self._vocab is None:
            raise RuntimeError("fit the classifier first")
        scores = self._counts(texts) @ self._log_prob.T + self._log_prior
        # P(1) = sigmoid(s1 - s0), written to stay finite for any difference
        diff = scores[:, 1] - scores[:, 0]
        small = np.exp(-np.abs(diff))
        return np.where(diff >= 0, 1.0, small) / (1.0 + small)

    def predict(self, texts: Sequence[str], threshold: float = 0.5) -> np.ndarray:
        """Labels: int64 array, 1 where ``predict_proba >= threshold``, else 0.

        Raises:
            RuntimeError: called before ``fit``.
        """
        return (self.predict_proba(texts) >= threshold).astype(np.int64)


# ---- policy and audit -----------------------------------------------------------------------------------------


def decide(
    pii_kinds: Sequence[str],
    leak: bool,
    harm_score: float,
    *,
    block_threshold: float = 0.5,
    block_kinds: Sequence[str] = ("API_KEY",),
) -> str:
    """The policy: ``"block"``, ``"redact"`` or ``"allow"``.

    ``"block"`` when ``leak`` is true, or ``harm_score >= block_threshold``,
    or one of ``pii_kinds`` is in ``block_kinds``; otherwise ``"redact"``
    when ``pii_kinds`` is not empty; otherwise ``"allow"``.

    Args:
        pii_kinds: the kinds of PII found (repeats allowed), e.g.
            ``[m["kind"] for m in find_pii(output)]``.
        leak: whether the system prompt leaked.
        harm_score: P(harmful) in [0, 1].
        block_threshold: the harm score from which an output is blocked.
        block_kinds: PII kinds that block instead of being redacted.

    Raises:
        ValueError: ``harm_score`` outside [0, 1] (or NaN).
    """
    if not 0.0 <= harm_score <= 1.0:
        raise ValueError(f"harm_score must lie in [0, 1], got {harm_score}")
    if leak or harm_score >= block_threshold or any(kind in block_kinds for kind in pii_kinds):
        return "block"
    return "redact" if len(pii_kinds) > 0 else "allow"


class OutputMonitor:
    """Checks each model output, applies the policy and writes an audit log.

    Args:
        system_prompt: the deployment's system prompt (it holds ``canary``).
        canary: the canary token, or None.
        classifier: a fitted ``HarmClassifier``, or None (every harm score
            is then 0.0).
        log_path: the audit log, a JSON-lines file. Records are appended
            (an existing file keeps its lines; a missing one is created),
            one per ``check``, each written and closed (or flushed) before
            ``check`` returns.
        block_threshold, block_kinds: passed to ``decide``.
        n, overlap_threshold: passed to ``detect_leak`` as ``n`` and
            ``threshold``.
    """

    def __init__(
        self,
        system_prompt: str,
        canary: str | None,
        classifier: HarmClassifier | None,
        log_path: str,
        *,
        block_threshold: float = 0.5,
        block_kinds: Sequence[str] = ("API_KEY",),
        n: int = 5,
        overlap_threshold: float = 0.2,
    ) -> None:
        self.system_prompt = system_prompt
        self.canary = canary
        self.classifier = classifier
        self.log_path = log_path
        self.block_threshold = block_threshold
        self.block_kinds = tuple(block_kinds)
        self.n = n
        self.overlap_threshold = overlap_threshold
        self._seq = 0

    def check(self, output: str, request_id: str) -> dict:
        """Monitor one output; returns ``{"action": str, "text": str}``.

        Steps: ``pii = find_pii(output)`` (all kinds); ``leak =
        detect_leak(system_prompt, output, canary=canary, n=n,
        threshold=overlap_threshold)``; the harm score is
        ``classifier.predict_proba([output])[0]`` (0.0 without a
        classifier); ``action = decide([m["kind"] for m in pii],
        leak["leak"], harm_score, block_threshold=..., block_kinds=...)``.
        ``text`` is ``output`` unchanged for "allow", ``redact(output)`` for
        "redact" and ``BLOCKED_MESSAGE`` (``"[BLOCKED]"``) for "block".

        Appends one line to the log: ``json.dumps`` of a dict with exactly
        these keys, then ``"\\n"`` (UTF-8):

        - ``"seq"`` (int): 0 for this monitor's first record, then 1, 2, ...
        - ``"time"`` (float): ``time.time()`` when the record is made.
        - ``"request_id"`` (str): the argument.
        - ``"action"`` (str): "allow", "redact" or "block".
        - ``"pii"`` (list): ``{"kind": str, "start": int, "end": int}`` for
          each span of ``pii``, in order; positions in ``output``. The
          matched text is **not** logged.
        - ``"harm_score"`` (float), ``"leak"`` (bool), ``"canary"`` (bool),
          ``"overlap"`` (float): as computed above.
        - ``"sha256"`` (str): the hex SHA-256 of ``output`` encoded as UTF-8,
          so that a record can be matched to an output without storing it.

        Neither the output nor any piece of PII appears in the log.
        """
        pii = find_pii(output)
        kinds = [m["kind"] for m in pii]
        leak = detect_leak(self.system_prompt, output, canary=self.canary, n=self.n, threshold=self.overlap_threshold)
        harm = 0.0 if self.classifier is None else float(self.classifier.predict_proba([output])[0])
        action = decide(kinds, leak["leak"], harm, block_threshold=self.block_threshold, block_kinds=self.block_kinds)
        if action == "allow":
            text = output
        elif action == "redact":
            text = redact(output)
        else:
            text = BLOCKED_MESSAGE
        record = {
            "seq": self._seq,
            "time": time.time(),
            "request_id": request_id,
            "action": action,
            "pii": [{"kind": m["kind"], "start": m["start"], "end": m["end"]} for m in pii],
            "harm_score": harm,
            "leak": leak["leak"],
            "canary": leak["canary"],
            "overlap": leak["overlap"],
            "sha256": hashlib.sha256(output.encode("utf-8")).hexdigest(),
        }
        with open(self.log_path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")
        self._seq += 1
        return {"action": action, "text": text}


# ---- backdoor triggers ----------------------------------------------------------------------------------------


def trigger_scores(
    texts: Sequence[str],
    labels: Sequence[int],
    *,
    max_n: int = 3,
    min_df: int = 5,
    min_purity: float = 0.9,
    alpha: float = 1.0,
) -> list[dict]:
    """Rank the word n-grams of a labelled training set as backdoor triggers.

    A poisoner adds a trigger phrase to some training texts and gives them
    the target label whatever they say. The trigger is then (1) almost
    always seen with one label, and (2) that label disagrees with what the
    rest of the text says. This function measures both:

    1. Candidates: every n-gram with ``1 <= n <= max_n`` (``tokenize``'s
       tokens), counted once per text. ``df`` is the number of texts holding
       it; ``label`` the more frequent label among them and ``purity`` that
       label's share. A candidate needs ``df >= min_df``,
       ``purity >= min_purity``, and both labels among the texts that do
       **not** hold it (otherwise it is skipped).
    2. Flip rate: fit ``HarmClassifier(alpha)`` on the texts that do not
       hold the n-gram (with their labels), ``predict`` (threshold 0.5) the
       texts that hold it, and count the share whose given label differs
       from the prediction.

    Args:
        texts: the training texts.
        labels: 0/1 labels aligned with ``texts``.
        max_n: the longest n-gram, >= 1.
        min_df: the fewest texts a candidate must occur in, >= 1.
        min_purity: in (0.5, 1].
        alpha: the classifier's smoothing, > 0.

    Returns:
        One dict per candidate, ``{"ngram": str, "df": int, "label": int,
        "purity": float, "flip_rate": float}``, sorted by flip rate
        (highest first), then number of words (most first), then ``df``
        (highest first), then the n-gram (alphabetical). An empty list when
        there is no candidate.

    Raises:
        ValueError: lengths differ, a label is not 0 or 1, ``max_n < 1``,
            ``min_df < 1``, ``min_purity`` outside (0.5, 1] or ``alpha <= 0``.
    """
    y = np.asarray(labels)
    if len(texts) != len(y):
        raise ValueError(f"{len(texts)} texts but {len(y)} labels")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("labels must be 0 or 1")
    if max_n < 1 or min_df < 1:
        raise ValueError("max_n and min_df must be at least 1")
    if not 0.5 < min_purity <= 1.0:
        raise ValueError(f"min_purity must lie in (0.5, 1], got {min_purity}")
    if not alpha > 0:
        raise ValueError(f"alpha must be > 0, got {alpha}")
    y = y.astype(int)
    tokens = [tokenize(t) for t in texts]
    vocab = {w: j for j, w in enumerate(sorted({w for toks in tokens for w in toks}))}
    counts = np.zeros((len(texts), len(vocab)))       # word counts, the classifier's features
    holders: dict[str, list[int]] = {}
    for i, toks in enumerate(tokens):
        for w in toks:
            counts[i, vocab[w]] += 1
        for g in set().union(*(_ngrams(toks, n) for n in range(1, max_n + 1))):
            holders.setdefault(g, []).append(i)

    results = []
    for gram, docs in holders.items():
        df = len(docs)
        if df < min_df:
            continue
        ones = int(y[docs].sum())
        purity = max(ones, df - ones) / df
        if purity < min_purity:
            continue
        inside = np.zeros(len(texts), dtype=bool)
        inside[docs] = True
        rest = y[~inside]
        if len(np.unique(rest)) < 2:
            continue
        # HarmClassifier fitted on the other texts: its vocabulary is the words they contain
        x_rest = counts[~inside]
        seen = x_rest.sum(axis=0) > 0
        smoothed = np.stack([x_rest[rest == c][:, seen].sum(axis=0) for c in (0, 1)]) + alpha
        log_prob = np.log(smoothed) - np.log(smoothed.sum(axis=1, keepdims=True))
        log_prior = np.log(np.bincount(rest, minlength=2) / len(rest))
        scores = counts[inside][:, seen] @ log_prob.T + log_prior
        pred = (scores[:, 1] >= scores[:, 0]).astype(int)   # P(1) >= 0.5
        flip = float(np.mean(pred != y[inside]))
        results.append({"ngram": gram, "df": df, "label": int(ones * 2 > df), "purity": purity, "flip_rate": flip})
    results.sort(key=lambda r: (-r["flip_rate"], -len(r["ngram"].split(" ")), -r["df"], r["ngram"]))
    return results
