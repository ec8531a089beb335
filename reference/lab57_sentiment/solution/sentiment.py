"""Lab 57: sentiment analysis, three ways.

- **Lexicon scoring** (VADER-like): :func:`tokenize`, :func:`load_lexicon`,
  :func:`negation_mask`, :func:`token_valences`, :func:`normalize_score`,
  :func:`label_from_compound` and :func:`polarity_scores`. Every rule and
  every amount is fixed by the docstrings and the constants below.
- **Machine learning**: :func:`sentiment_features` (lower-cased n-grams with
  negation marking), :class:`TfidfFeatures` (scikit-learn's TF-IDF formula),
  :func:`fit_logistic_regression` (L2-regularised, scikit-learn's objective)
  and :class:`SentimentClassifier`, which puts them together.
- **Aspect-based sentiment**: :func:`aspect_sentiment` (opinion words
  attached to the nearest aspect term of their clause).

The constants are part of the specification: use them, do not change them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np
from scipy.optimize import minimize

# ---- constants (part of the specification; do not change them) -----------------------------------

#: A token is a word (letters, with apostrophes only *inside* it: ``don't``, ``rock'n'roll``) or one
#: punctuation mark of :data:`PUNCTUATION`. Digits, ``_``, hyphens, emoji and the rest are skipped.
TOKEN_PATTERN = r"[^\W\d_]+(?:'[^\W\d_]+)*|[.,;:!?]"

#: Punctuation tokens: each ends a negation scope and a clause.
PUNCTUATION = frozenset(".,;:!?")

#: Words that open a negation scope (compared lower-cased). Any word ending in ``n't`` does too.
NEGATORS = frozenset({
    "not", "no", "never", "none", "nothing", "nobody", "nowhere", "neither", "nor", "cannot", "without",
    "dont", "doesnt", "didnt", "isnt", "wasnt", "arent", "werent", "cant", "couldnt", "wouldnt", "shouldnt",
    "wont", "havent", "hasnt", "hadnt", "aint",
})  # fmt: skip

#: Intensifiers (boosters and dampeners) and the factor each one multiplies the next valence by.
BOOSTERS = {
    "very": 1.3, "really": 1.3, "so": 1.25, "super": 1.3, "totally": 1.4, "extremely": 1.5,
    "incredibly": 1.5, "absolutely": 1.5, "quite": 1.1, "fairly": 0.9, "rather": 0.9,
    "somewhat": 0.7, "slightly": 0.6, "barely": 0.4,
}  # fmt: skip

#: A negator negates the next NEGATION_SCOPE word tokens (fewer if a clause boundary comes first).
NEGATION_SCOPE = 3
#: A negated valence is multiplied by this factor (it flips the sign and weakens it).
NEGATION_FACTOR = -0.74
#: With a "but" in the text: valences before the first "but" are multiplied by BUT_BEFORE, after it
#: by BUT_AFTER.
BUT_BEFORE = 0.5
BUT_AFTER = 1.5
#: An ALL-CAPS sentiment word in a mixed-case text moves this much further from zero.
CAPS_INCREMENT = 0.733
#: Each "!" (at most MAX_EXCLAMATIONS of them) moves the text's score this much further from zero.
EXCLAMATION_INCREMENT = 0.292
MAX_EXCLAMATIONS = 4
#: The compound score is score / sqrt(score**2 + ALPHA).
ALPHA = 15.0
#: compound >= THRESHOLD: "positive"; compound <= -THRESHOLD: "negative"; otherwise "neutral".
THRESHOLD = 0.05
#: Words that end a clause in :func:`aspect_sentiment` (compared lower-cased), besides punctuation.
CLAUSE_BREAKS = frozenset({"but", "and", "although", "though", "while", "whereas", "however", "yet"})
#: The classifier's labels: index 0 is the negative class (y = 0), index 1 the positive one (y = 1).
LABELS = ("negative", "positive")


# ---- lexicon scoring ------------------------------------------------------------------------------


def tokenize(text: str) -> list[str]:
    """Split ``text`` into word and punctuation tokens, keeping their case.

    The typographic apostrophe U+2019 (``’``) is first replaced by ``'``;
    then the tokens are the matches of :data:`TOKEN_PATTERN`, left to right
    (``re.findall``): words of Unicode letters with inner apostrophes, and
    single marks of :data:`PUNCTUATION` (``"!!"`` is two tokens). Everything
    else (spaces, digits, ``_``, ``-``, quotes around a word, emoji) is
    skipped. ``tokenize("I don’t LOVE it!!")`` is
    ``["I", "don't", "LOVE", "it", "!", "!"]``.

    Raises ``TypeError`` if ``text`` is not a ``str``.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return re.findall(TOKEN_PATTERN, text.replace("\u2019", "'"))


def load_lexicon(path: str) -> dict[str, float]:
    """Read a sentiment lexicon from a UTF-8 text file of ``word<TAB>valence`` lines.

    Lines that are empty or only whitespace are skipped, and so are comment
    lines, whose first non-whitespace character is ``#``. Every other line
    (its line ending removed; ``\\n`` and ``\\r\\n`` both work) must split on
    tab characters into exactly two fields: the word (surrounding whitespace
    stripped, then lower-cased) and the valence (``float(field)``, which must
    be finite). Returns ``{word: valence}`` in file order.

    Raises ``ValueError`` naming the 1-based line number for a line without
    exactly two fields, an empty word, a valence that does not parse or is
    not finite (``nan``, ``inf``), and a word that appears twice (after
    lower-casing).
    """
    lexicon: dict[str, float] = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            line = line.rstrip("\r\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) != 2:
                raise ValueError(f"line {number}: expected 'word<TAB>valence', got {len(fields)} fields")
            word = fields[0].strip().lower()
            if not word:
                raise ValueError(f"line {number}: empty word")
            try:
                valence = float(fields[1])
            except ValueError:
                raise ValueError(f"line {number}: valence {fields[1]!r} is not a number") from None
            if not math.isfinite(valence):
                raise ValueError(f"line {number}: valence must be finite, got {fields[1]!r}")
            if word in lexicon:
                raise ValueError(f"line {number}: {word!r} appears twice")
            lexicon[word] = valence
    return lexicon


def _is_negator(token: str) -> bool:
    word = token.lower()
    return word in NEGATORS or word.endswith("n't")


def _ends_scope(token: str) -> bool:
    return token in PUNCTUATION or token.lower() == "but"


def negation_mask(tokens: Sequence[str]) -> list[bool]:
    """Which tokens lie in a negation scope: one bool per token.

    A *negator* is a token whose lower-cased form is in :data:`NEGATORS` or
    ends in ``n't``. It negates the :data:`NEGATION_SCOPE` tokens after it,
    and fewer if a *boundary* comes first: a :data:`PUNCTUATION` token or the
    word ``but`` (any case) ends every open scope. Precisely, token ``i`` is
    negated iff some negator at position ``j < i`` has ``i - j <=
    NEGATION_SCOPE`` and no boundary at a position in ``(j, i]``. Boundaries
    are never negated; negators, intensifiers and other words are counted
    and marked like any word (``not not good``: the second ``not`` and
    ``good`` are negated; a negator inside a scope starts a new scope of its
    own, it does not cancel the first).

    ``["not", "very", "good", "food", "at", "all"]`` gives
    ``[False, True, True, True, False, False]``.
    """
    mask: list[bool] = []
    remaining = 0
    for token in tokens:
        if _ends_scope(token):
            remaining = 0
            mask.append(False)
            continue
        mask.append(remaining > 0)
        remaining = NEGATION_SCOPE if _is_negator(token) else max(remaining - 1, 0)
    return mask


def token_valences(tokens: Sequence[str], lexicon: Mapping[str, float]) -> list[float]:
    """The valence each token contributes to the text's score: one float per token.

    A token carries valence only if its lower-cased form is a key of
    ``lexicon`` (keys are lower-case) and it is not a punctuation token, not
    ``but``, not a negator and not a key of :data:`BOOSTERS` (those carry no
    valence even when the lexicon lists them); every other token gives
    ``0.0``. For a sentiment token at position ``i`` with lexicon value
    ``v``, apply in this order:

    1. **caps**: if the token is in capitals (``token.isupper()``) and the
       sequence is *mixed-case* (at least one token that is not punctuation
       is not ``isupper()``), ``v = v + sign(v) * CAPS_INCREMENT``
       (``sign(0) = 0``);
    2. **intensifiers**: for each token of the run of :data:`BOOSTERS`
       (lower-cased) directly before position ``i`` (``so very good``: both),
       ``v = v * BOOSTERS[word]``;
    3. **negation**: if ``negation_mask(tokens)[i]``, ``v = v * NEGATION_FACTOR``;
    4. **but**: if any token is ``but`` (any case), ``v = v * BUT_BEFORE``
       when ``i`` is before the first ``but`` and ``v = v * BUT_AFTER``
       when it is after it.

    The ``!`` emphasis is not applied here (see :func:`polarity_scores`).
    With the lexicon ``{"good": 2.0}``, ``["The", "food", "is", "not",
    "very", "GOOD", "but", "ok"]`` gives ``0.0`` everywhere except at
    ``GOOD``: ``(2.0 + 0.733) * 1.3 * -0.74 * 0.5``.
    """
    lowered = [token.lower() for token in tokens]
    negated = negation_mask(tokens)
    mixed = any(token not in PUNCTUATION and not token.isupper() for token in tokens)
    first_but = lowered.index("but") if "but" in lowered else None
    valences: list[float] = []
    for i, (token, word) in enumerate(zip(tokens, lowered)):
        if word not in lexicon or _ends_scope(token) or word in BOOSTERS or _is_negator(token):
            valences.append(0.0)
            continue
        v = float(lexicon[word])
        if mixed and token.isupper() and v != 0.0:
            v += math.copysign(CAPS_INCREMENT, v)
        j = i - 1
        while j >= 0 and lowered[j] in BOOSTERS:
            v *= BOOSTERS[lowered[j]]
            j -= 1
        if negated[i]:
            v *= NEGATION_FACTOR
        if first_but is not None:
            v *= BUT_BEFORE if i < first_but else BUT_AFTER
        valences.append(v)
    return valences


def normalize_score(score: float, alpha: float = ALPHA) -> float:
    """The compound score ``score / sqrt(score**2 + alpha)``, in ``[-1, 1]``.

    ``0.0`` for a score of 0; ``+1.0`` / ``-1.0`` for ``+inf`` / ``-inf``.
    It must stay right for every finite score, however large or small
    (``1e200``, ``-1e-200``): ``score**2`` must not overflow to ``inf`` or
    underflow to 0 on the way (``math.hypot`` helps). Returns a ``float``.

    Raises ``ValueError`` if ``score`` is NaN or ``alpha`` is not a finite
    number > 0.
    """
    if not (math.isfinite(alpha) and alpha > 0):
        raise ValueError(f"alpha must be a finite number > 0, got {alpha}")
    if math.isnan(score):
        raise ValueError("score is NaN")
    if math.isinf(score):
        return math.copysign(1.0, score)
    if score == 0:
        return 0.0
    return float(score / math.hypot(score, math.sqrt(alpha)))


def label_from_compound(compound: float, threshold: float = THRESHOLD) -> str:
    """``"positive"`` if ``compound >= threshold``, ``"negative"`` if ``compound <= -threshold``,
    else ``"neutral"`` (both boundaries are inclusive).

    Raises ``ValueError`` unless ``0 < threshold <= 1``.
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    if compound >= threshold:
        return "positive"
    if compound <= -threshold:
        return "negative"
    return "neutral"


def polarity_scores(text: str, lexicon: Mapping[str, float]) -> dict:
    """Score ``text`` with the lexicon rules.

    ``score`` is the sum of :func:`token_valences` over ``tokenize(text)``;
    then, if the sum is not 0, the **emphasis** of ``k = min(number of "!"
    tokens, MAX_EXCLAMATIONS)`` moves it away from zero: ``score = score +
    sign(score) * k * EXCLAMATION_INCREMENT`` (a score of 0 stays 0).
    Returns ``{"score": score, "compound": normalize_score(score), "label":
    label_from_compound(compound)}`` (floats and a str). The empty text
    scores ``{"score": 0.0, "compound": 0.0, "label": "neutral"}``.

    Raises ``TypeError`` if ``text`` is not a ``str``.
    """
    tokens = tokenize(text)
    score = float(sum(token_valences(tokens, lexicon)))
    if score != 0.0:
        exclamations = min(tokens.count("!"), MAX_EXCLAMATIONS)
        score += math.copysign(exclamations * EXCLAMATION_INCREMENT, score)
    compound = normalize_score(score)
    return {"score": score, "compound": compound, "label": label_from_compound(compound)}


# ---- aspect-based sentiment -----------------------------------------------------------------------


def _clauses(tokens: Sequence[str]) -> list[list[str]]:
    clauses: list[list[str]] = [[]]
    for token in tokens:
        if token in PUNCTUATION or token.lower() in CLAUSE_BREAKS:
            clauses.append([])
        else:
            clauses[-1].append(token)
    return [clause for clause in clauses if clause]


def aspect_sentiment(
    text: str, lexicon: Mapping[str, float], aspect_terms: Mapping[str, str], *, window: int = 5
) -> dict[str, dict]:
    """Sentiment towards each aspect mentioned in ``text``.

    ``aspect_terms`` maps a lower-case word (``"battery"``, ``"screen"``,
    ``"waiter"``) to its aspect category (``"battery"``, ``"display"``,
    ``"service"``). The rules:

    1. ``tokenize(text)`` is cut into **clauses** at every punctuation token
       and every word of :data:`CLAUSE_BREAKS` (lower-cased); the cutting
       tokens belong to no clause.
    2. Each clause is scored on its own: ``token_valences(clause, lexicon)``
       (so negation, intensifiers and caps act inside the clause; the caps
       rule looks at the clause's case).
    3. A *mention* is a token of the clause whose lower-cased form is a key
       of ``aspect_terms``. An *opinion* is a token with a non-zero valence
       that is not a mention (an aspect term is never an opinion, even if
       the lexicon lists it).
    4. Each opinion goes to the **nearest** mention of its clause at most
       ``window`` tokens away (distance = difference of positions in the
       clause); on a tie, to the earlier mention. An opinion with no
       mention that near is ignored.
    5. An aspect's ``score`` is the sum of the valences its mentions
       received, over the whole text; ``compound = normalize_score(score)``
       and ``label = label_from_compound(compound)``. The ``!`` emphasis is
       not applied.

    Returns ``{category: {"score": float, "compound": float, "label": str}}``
    with one entry per category mentioned at least once (score ``0.0`` and
    label ``"neutral"`` if no opinion reached it), in the order of the
    categories' first mentions. ``"The screen is great but the battery
    died"`` with ``{"great": 3.0}`` gives ``{"display": score 3.0, "battery":
    score 0.0}``.

    Raises ``TypeError`` if ``text`` is not a ``str`` and ``ValueError`` if
    ``window`` is not an ``int`` >= 1.
    """
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise ValueError(f"window must be an int >= 1, got {window!r}")
    scores: dict[str, float] = {}
    for clause in _clauses(tokenize(text)):
        valences = token_valences(clause, lexicon)
        mentions = [(i, aspect_terms[t.lower()]) for i, t in enumerate(clause) if t.lower() in aspect_terms]
        for _, category in mentions:
            scores.setdefault(category, 0.0)
        for j, v in enumerate(valences):
            if v == 0.0 or clause[j].lower() in aspect_terms:
                continue
            best: tuple[int, str] | None = None
            for i, category in mentions:
                distance = abs(i - j)
                if distance <= window and (best is None or distance < best[0]):
                    best = (distance, category)
            if best is not None:
                scores[best[1]] += v
    result = {}
    for category, score in scores.items():
        compound = normalize_score(score)
        result[category] = {"score": score, "compound": compound, "label": label_from_compound(compound)}
    return result


# ---- features and TF-IDF --------------------------------------------------------------------------


def _check_ngram_range(ngram_range) -> tuple[int, int]:
    try:
        lo, hi = ngram_range
    except (TypeError, ValueError):
        raise ValueError(f"ngram_range must be a pair (min_n, max_n), got {ngram_range!r}") from None
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in (lo, hi)) or not 1 <= lo <= hi:
        raise ValueError(f"ngram_range must satisfy 1 <= min_n <= max_n, got {ngram_range!r}")
    return lo, hi


def sentiment_features(text: str, *, ngram_range: tuple[int, int] = (1, 1), negation: bool = True) -> list[str]:
    """The n-gram features of ``text`` for the classifier.

    1. ``tokens = tokenize(text)``;
    2. each token is lower-cased, and if ``negation`` is true and
       ``negation_mask(tokens)`` marks it, ``"_NEG"`` is appended
       (``"not good food"`` gives ``not``, ``good_NEG``, ``food_NEG``);
    3. punctuation tokens are then dropped (after the mask: they still end
       scopes);
    4. the n-grams for each ``n`` from ``min_n`` to ``max_n`` are the words
       ``w[i:i+n]`` joined by one space, all n-grams of size ``min_n`` left
       to right first, then size ``min_n + 1``, and so on (repeats kept).

    Raises ``ValueError`` unless ``ngram_range`` is a pair of ints with
    ``1 <= min_n <= max_n``; ``TypeError`` if ``text`` is not a ``str``.
    """
    lo, hi = _check_ngram_range(ngram_range)
    tokens = tokenize(text)
    mask = negation_mask(tokens) if negation else [False] * len(tokens)
    words = [t.lower() + ("_NEG" if m else "") for t, m in zip(tokens, mask) if t not in PUNCTUATION]
    features: list[str] = []
    for n in range(lo, hi + 1):
        features.extend(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return features


class TfidfFeatures:
    """TF-IDF vectors of :func:`sentiment_features`, with scikit-learn's ``TfidfVectorizer`` formula.

    ``TfidfFeatures(ngram_range=..., negation=..., min_df=m, sublinear_tf=s,
    smooth_idf=t, norm=p)`` gives the same matrices as scikit-learn's
    ``TfidfVectorizer(analyzer=lambda text: sentiment_features(text,
    ngram_range=..., negation=...), min_df=m, sublinear_tf=s, smooth_idf=t,
    norm=p)``:

    - vocabulary: the features found in at least ``min_df`` of the fitted
      texts (document frequency ``df``), sorted (Python string order); the
      column of a feature is its rank;
    - ``idf = ln((1 + n) / (1 + df)) + 1`` with ``smooth_idf``, else
      ``ln(n / df) + 1`` (``n`` = number of fitted texts);
    - the term frequency ``tf`` is the count of a feature in the text, or
      ``1 + ln(tf)`` (for ``tf > 0``) with ``sublinear_tf``;
    - each row ``tf * idf`` is divided by its L2 norm (``norm="l2"``), its
      L1 norm (``"l1"``), or left as it is (``None``); an all-zero row stays
      zero. Features outside the vocabulary are ignored.

    Raises ``ValueError`` (in the constructor) for a bad ``ngram_range``, a
    ``min_df`` that is not an int >= 1, or a ``norm`` other than ``"l2"``,
    ``"l1"``, ``None``.
    """

    def __init__(
        self,
        *,
        ngram_range: tuple[int, int] = (1, 1),
        negation: bool = True,
        min_df: int = 1,
        sublinear_tf: bool = True,
        smooth_idf: bool = True,
        norm: str | None = "l2",
    ) -> None:
        self.ngram_range = _check_ngram_range(ngram_range)
        if isinstance(min_df, bool) or not isinstance(min_df, int) or min_df < 1:
            raise ValueError(f"min_df must be an int >= 1, got {min_df!r}")
        if norm not in ("l2", "l1", None):
            raise ValueError(f"norm must be 'l2', 'l1' or None, got {norm!r}")
        self.negation, self.min_df = negation, min_df
        self.sublinear_tf, self.smooth_idf, self.norm = sublinear_tf, smooth_idf, norm
        self.vocabulary_: dict[str, int] | None = None
        self.idf_: np.ndarray | None = None

    def fit(self, texts: Sequence[str]) -> TfidfFeatures:
        """Learn the vocabulary and ``idf_`` from ``texts`` (a non-empty list of str); returns ``self``.

        Fitting again forgets the previous fit. Sets ``vocabulary_`` (dict
        feature -> column) and ``idf_`` (float64 array, one value per
        column). Raises ``ValueError`` if ``texts`` is empty or no feature
        reaches ``min_df``.
        """
        if len(texts) == 0:
            raise ValueError("cannot fit on no texts")
        counts = [Counter(self._features(text)) for text in texts]
        df = Counter(feature for c in counts for feature in c)
        vocabulary = sorted(feature for feature, d in df.items() if d >= self.min_df)
        if not vocabulary:
            raise ValueError("empty vocabulary: no feature reaches min_df")
        n = len(texts)
        dfs = np.array([df[feature] for feature in vocabulary], dtype=np.float64)
        if self.smooth_idf:
            idf = np.log((1.0 + n) / (1.0 + dfs)) + 1.0
        else:
            idf = np.log(n / dfs) + 1.0
        self.vocabulary_ = {feature: j for j, feature in enumerate(vocabulary)}
        self.idf_ = idf
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """The TF-IDF matrix of ``texts``: float64, shape ``(len(texts), len(vocabulary_))``.

        Raises ``RuntimeError`` if called before :meth:`fit`.
        """
        if self.vocabulary_ is None or self.idf_ is None:
            raise RuntimeError("TfidfFeatures is not fitted: call fit first")
        matrix = np.zeros((len(texts), len(self.vocabulary_)), dtype=np.float64)
        for row, text in enumerate(texts):
            for feature, count in Counter(self._features(text)).items():
                column = self.vocabulary_.get(feature)
                if column is not None:
                    matrix[row, column] = 1.0 + math.log(count) if self.sublinear_tf else count
        matrix *= self.idf_
        if self.norm is not None:
            norms = np.sqrt((matrix**2).sum(axis=1)) if self.norm == "l2" else np.abs(matrix).sum(axis=1)
            norms[norms == 0.0] = 1.0
            matrix /= norms[:, None]
        return matrix

    def fit_transform(self, texts: Sequence[str]) -> np.ndarray:
        """``fit(texts)`` then ``transform(texts)``."""
        return self.fit(texts).transform(texts)

    def _features(self, text: str) -> list[str]:
        return sentiment_features(text, ngram_range=self.ngram_range, negation=self.negation)


# ---- logistic regression --------------------------------------------------------------------------


def _objective(params: np.ndarray, X: np.ndarray, signs: np.ndarray, C: float) -> tuple[float, np.ndarray]:
    w, b = params[:-1], params[-1]
    margins = signs * (X @ w + b)
    loss = 0.5 * w @ w + C * np.logaddexp(0.0, -margins).sum()
    # d/dm log(1 + exp(-m)) = -sigmoid(-m), computed without overflow
    weights = -C * signs * np.exp(-np.logaddexp(0.0, margins))
    grad = np.concatenate([w + X.T @ weights, [weights.sum()]])
    return float(loss), grad


def _hessian_product(params: np.ndarray, v: np.ndarray, X: np.ndarray, signs: np.ndarray, C: float) -> np.ndarray:
    w, b = params[:-1], params[-1]
    p = np.exp(-np.logaddexp(0.0, -signs * (X @ w + b)))  # sigmoid of the margins
    t = C * p * (1.0 - p) * (X @ v[:-1] + v[-1])
    return np.concatenate([v[:-1] + X.T @ t, [t.sum()]])


def fit_logistic_regression(X: np.ndarray, y: np.ndarray, *, C: float = 1.0) -> tuple[np.ndarray, float]:
    """Binary logistic regression with an L2 penalty: scikit-learn's objective.

    With ``s_i = 2 y_i - 1`` (labels ``0/1`` become ``-1/+1``), find the
    ``w`` (shape ``(d,)``) and ``b`` that minimise

        ``0.5 * ||w||^2 + C * sum_i log(1 + exp(-s_i * (X_i . w + b)))``

    (the intercept ``b`` is not penalised). This is what
    ``sklearn.linear_model.LogisticRegression(C=C)`` minimises; the function
    is strictly convex, so the minimiser is unique and any good optimiser
    finds it (gradient descent, Newton, ``scipy.optimize.minimize``):
    converge until the gradient is below ``1e-6`` in every coordinate. Take
    care that large margins (features of magnitude ``1e3``) neither overflow
    ``exp`` nor lose the loss (``np.logaddexp``).

    ``X``: a 2-D array-like of floats, shape ``(n, d)``; ``y``: ``n`` labels,
    each 0 or 1 (ints, floats or bools). Returns ``(coef, intercept)``:
    ``coef`` a float64 array of shape ``(d,)``, ``intercept`` a ``float``.

    Raises ``ValueError`` if ``X`` is not 2-D, ``len(y) != n``, a label is
    not 0 or 1, only one class is present, or ``C`` is not a finite number
    > 0.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D, got shape {X.shape}")
    if y.ndim != 1 or y.shape[0] != X.shape[0]:
        raise ValueError(f"y must hold one label per row of X: X {X.shape}, y {y.shape}")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("labels must be 0 or 1")
    if y.min() == y.max():
        raise ValueError("both classes must be present")
    if not (math.isfinite(C) and C > 0):
        raise ValueError(f"C must be a finite number > 0, got {C}")
    signs = 2.0 * y - 1.0
    result = minimize(
        _objective, np.zeros(X.shape[1] + 1), args=(X, signs, C), jac=True, hessp=_hessian_product,
        method="trust-ncg", options={"gtol": 1e-9, "maxiter": 1000},
    )  # fmt: skip
    return result.x[:-1].copy(), float(result.x[-1])


# ---- the classifier -------------------------------------------------------------------------------


class SentimentClassifier:
    """TF-IDF features and logistic regression for ``"negative"`` / ``"positive"`` texts.

    ``fit`` builds ``TfidfFeatures(ngram_range=ngram_range,
    negation=negation, min_df=min_df, sublinear_tf=sublinear_tf,
    smooth_idf=True, norm="l2")``, fits it on the texts, and fits
    :func:`fit_logistic_regression` on the matrix with ``y = 1`` for
    ``"positive"`` and ``0`` for ``"negative"`` (:data:`LABELS`). The same
    pipeline in scikit-learn (``TfidfVectorizer`` with the analyzer above,
    then ``LogisticRegression(C=C)``) gives the same probabilities.

    The constructor raises ``ValueError`` for a ``C`` that is not a finite
    number > 0, and as :class:`TfidfFeatures` does for the other options.
    """

    def __init__(
        self,
        *,
        C: float = 10.0,
        ngram_range: tuple[int, int] = (1, 1),
        negation: bool = True,
        min_df: int = 1,
        sublinear_tf: bool = True,
    ) -> None:
        if not (math.isfinite(C) and C > 0):
            raise ValueError(f"C must be a finite number > 0, got {C}")
        self.C = C
        self.features = TfidfFeatures(ngram_range=ngram_range, negation=negation, min_df=min_df,
                                      sublinear_tf=sublinear_tf, smooth_idf=True, norm="l2")  # fmt: skip
        self.coef_: np.ndarray | None = None
        self.intercept_: float | None = None

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> SentimentClassifier:
        """Fit on ``texts`` and their ``labels`` (each ``"negative"`` or ``"positive"``); returns ``self``.

        Fitting again starts afresh (new vocabulary, new weights). Raises
        ``ValueError`` if the lengths differ, a label is not one of
        :data:`LABELS`, or only one label is present.
        """
        if len(texts) != len(labels):
            raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
        if any(label not in LABELS for label in labels):
            raise ValueError(f"labels must be one of {LABELS}")
        y = np.array([LABELS.index(label) for label in labels], dtype=np.float64)
        X = self.features.fit_transform(texts)
        self.coef_, self.intercept_ = fit_logistic_regression(X, y, C=self.C)
        return self

    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        """``X @ coef_ + intercept_`` for the TF-IDF matrix ``X`` of ``texts``: float64, shape ``(len(texts),)``.

        Raises ``RuntimeError`` if called before :meth:`fit`.
        """
        if self.coef_ is None:
            raise RuntimeError("SentimentClassifier is not fitted: call fit first")
        return self.features.transform(texts) @ self.coef_ + self.intercept_

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """The probability that each text is positive, ``1 / (1 + exp(-decision))``: float64, shape ``(len(texts),)``."""
        return 1.0 / (1.0 + np.exp(-self.decision_function(texts)))

    def predict(self, texts: Sequence[str]) -> list[str]:
        """``"positive"`` where the decision function is > 0, else ``"negative"``: a list of str."""
        return [LABELS[int(d > 0)] for d in self.decision_function(texts)]
