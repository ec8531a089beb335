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

from collections.abc import Iterable, Sequence

import numpy as np

PII_KINDS = ("CARD", "API_KEY", "EMAIL", "IP", "PHONE")
BLOCKED_MESSAGE = "[BLOCKED]"


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens of ``text``.

    ``re.findall(r"(?u)\\b\\w\\w+\\b", text.lower())``: runs of two or more
    Unicode word characters (one-character words are dropped), the same
    tokens as scikit-learn's ``CountVectorizer().build_analyzer()``.

    Example: ``tokenize("I'd say NO to 2 cats!")`` is
    ``["say", "no", "to", "cats"]``.
    """
    raise NotImplementedError("TODO: tokenize")


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
    raise NotImplementedError("TODO: luhn_valid")


def is_ipv4(text: str) -> bool:
    """Whether ``text`` is exactly an IPv4 address in dotted-decimal form.

    Four octets separated by three dots, each octet one to three ASCII
    digits with a value 0-255 and no leading zero ("0" itself is fine,
    "01" is not), nothing before or after: the strings that
    ``ipaddress.IPv4Address`` accepts. ``"192.168.0.1"`` is valid;
    ``"256.1.1.1"``, ``"1.2.3"``, ``"01.2.3.4"`` and ``" 1.2.3.4"`` are not.
    """
    raise NotImplementedError("TODO: is_ipv4")


def shannon_entropy(text: str) -> float:
    """Shannon entropy of the characters of ``text``, in bits per character.

    ``-sum(p * log2(p))`` over the distinct characters, ``p`` being each
    character's count divided by ``len(text)``. The empty string has
    entropy 0.0, and so does a string of one repeated character; a string
    of ``k`` distinct characters, each once, has ``log2(k)``.
    """
    raise NotImplementedError("TODO: shannon_entropy")


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
    raise NotImplementedError("TODO: find_pii")


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
    raise NotImplementedError("TODO: redact")


def make_canary(secret: str, session_id: str) -> str:
    """A canary token to hide in the system prompt of one session.

    ``"canary-"`` followed by the first 16 hex digits (lower case) of
    HMAC-SHA256 with key ``secret`` over the message ``session_id`` (both
    encoded as UTF-8). Deterministic: the same arguments give the same
    token, another session id gives another token, and without the secret
    nobody can forge one.
    """
    raise NotImplementedError("TODO: make_canary")


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
    raise NotImplementedError("TODO: contains_canary")


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
    raise NotImplementedError("TODO: ngram_overlap")


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
    raise NotImplementedError("TODO: detect_leak")


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
        raise NotImplementedError("TODO: __init__ (store the settings)")

    def fit(self, texts: Sequence[str], labels: Sequence[int]) -> HarmClassifier:
        """Fit on ``texts`` with ``labels`` (1 harmful, 0 harmless); returns ``self``.

        ``labels`` holds ints or bools (a list, tuple or numpy array). A
        second call refits from scratch: nothing of the first fit is kept.

        Raises:
            ValueError: lengths differ, a label is not 0 or 1, or the labels
                do not contain both classes.
        """
        raise NotImplementedError("TODO: fit")

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """P(label 1) for each text: float64 array of shape ``(len(texts),)``.

        Raises:
            RuntimeError: called before ``fit``.
        """
        raise NotImplementedError("TODO: predict_proba")

    def predict(self, texts: Sequence[str], threshold: float = 0.5) -> np.ndarray:
        """Labels: int64 array, 1 where ``predict_proba >= threshold``, else 0.

        Raises:
            RuntimeError: called before ``fit``.
        """
        raise NotImplementedError("TODO: predict")


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
    raise NotImplementedError("TODO: decide")


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
        raise NotImplementedError("TODO: __init__ (store the settings)")

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
        raise NotImplementedError("TODO: check")


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
    raise NotImplementedError("TODO: trigger_scores")
