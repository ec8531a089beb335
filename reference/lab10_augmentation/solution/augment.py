"""Lab 10: text augmentation with EDA (Easy Data Augmentation, Wei & Zou 2019).

A small labelled data set can be stretched by making label-preserving copies
of its sentences: "the film was good" and "the movie was good" should get the
same sentiment label. EDA does it with four cheap word-level operations:

1. **synonym replacement** (SR): replace ``n`` words by synonyms from a lexicon;
2. **random insertion** (RI): insert ``n`` synonyms of words of the sentence at
   random positions;
3. **random swap** (RS): swap two words, ``n`` times;
4. **random deletion** (RD): delete each word with probability ``p``.

A pipeline applies them with per-operation rates to make several augmented
copies of every (text, label) pair. Two details matter in practice:
**protected tokens** (negations, entity names, placeholders like ``<num>``),
which the operations must leave alone, and **seeded randomness**: every
function takes a ``seed`` and draws all its random numbers from
``random.Random(seed)``, so the same seed gives the same output (and the
global ``random`` module is never used).

Conventions used throughout:

- A sentence is a list of tokens (strings); the pipeline splits texts with
  ``text.split()`` and joins tokens with one space.
- A **lexicon** maps a word to a list of its synonyms (single tokens). Lookups
  are exact and case-sensitive (``"Good"`` is not ``"good"``).
- The synonyms of a word are :func:`synonyms_of`: its lexicon list without
  repeats and without the word itself. A word *has synonyms* when that list is
  not empty.
- ``protected`` is a collection of tokens (matched exactly); a token equal to
  one of them is protected wherever it occurs.
- No function modifies its arguments: each returns a new list.
"""

from __future__ import annotations

import json
import random
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

#: Where :func:`load_lexicon` looks by default: ``synonyms.json`` next to this file.
DEFAULT_LEXICON_PATH = Path(__file__).with_name("synonyms.json")

#: The pipeline's operations, in the order in which it cycles through them:
#: synonym replacement, random insertion, random swap, random deletion.
OPERATIONS = ("sr", "ri", "rs", "rd")

Lexicon = Mapping[str, Sequence[str]]


# ---- the lexicon ----------------------------------------------------------------------------------------


def load_lexicon(path: str | Path = DEFAULT_LEXICON_PATH) -> dict[str, list[str]]:
    """Read a synonym lexicon from a JSON file.

    The file holds one JSON object that maps each word to a list of its
    synonyms, e.g. ``{"big": ["large", "huge"], "quick": ["fast"]}``. The
    lists are cleaned: repeats are dropped (keeping the first occurrence, so
    the order is otherwise kept), the word itself is removed from its own list,
    and words whose list is then empty are left out of the result. Words and
    synonyms are kept exactly as written (no lower-casing). The result's keys
    keep the file's order.

    Raises ``ValueError`` if the top-level value is not a JSON object or if a
    value is not a list of strings.
    """
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if not isinstance(data, dict):
        raise ValueError("a lexicon file must hold a JSON object")
    lexicon = {}
    for word, synonyms in data.items():
        if not isinstance(synonyms, list) or not all(isinstance(s, str) for s in synonyms):
            raise ValueError(f"the synonyms of {word!r} must be a list of strings")
        cleaned = synonyms_of(word, data)
        if cleaned:
            lexicon[word] = cleaned
    return lexicon


def synonyms_of(word: str, lexicon: Lexicon) -> list[str]:
    """The synonyms of ``word``: ``lexicon[word]`` without repeats and without ``word`` itself.

    The order of first occurrences is kept. A word that is not in the lexicon
    has no synonyms (``[]``).

    Example: with ``{"big": ["large", "big", "huge", "large"]}``,
    ``synonyms_of("big", lexicon) == ["large", "huge"]``.
    """
    return [s for s in dict.fromkeys(lexicon.get(word, ())) if s != word]


# ---- the four operations --------------------------------------------------------------------------------


def synonym_replacement(
    words: Sequence[str], n: int, lexicon: Lexicon, seed: int, protected: Collection[str] = ()
) -> list[str]:
    """Replace ``n`` words of the sentence by synonyms.

    The *eligible positions* are the positions ``i`` whose token is not
    protected and has synonyms (see :func:`synonyms_of`). Choose
    ``min(n, number of eligible positions)`` distinct eligible positions
    uniformly at random and replace the token at each by one of its synonyms,
    chosen uniformly. Since a synonym is never the word itself, exactly that
    many positions change; the length never changes. A word that occurs
    twice is two positions: replacing one occurrence leaves the other.

    With no eligible position (or ``n == 0``) the result is an unchanged copy.
    Raises ``ValueError`` if ``n < 0``. All randomness comes from
    ``random.Random(seed)``.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = random.Random(seed)
    protected = set(protected)
    out = list(words)
    eligible = [i for i, w in enumerate(words) if w not in protected and synonyms_of(w, lexicon)]
    for i in rng.sample(eligible, min(n, len(eligible))):
        out[i] = rng.choice(synonyms_of(words[i], lexicon))
    return out


def random_insertion(
    words: Sequence[str], n: int, lexicon: Lexicon, seed: int, protected: Collection[str] = ()
) -> list[str]:
    """Insert ``n`` synonyms of words of the sentence at random positions.

    The *sources* are the tokens of the original sentence that are not
    protected and have synonyms (a word that occurs twice is two sources, so
    it is picked twice as often). ``n`` times: pick a source uniformly, pick one
    of its synonyms uniformly, and insert it at a position chosen uniformly
    among all ``len(current) + 1`` gaps of the current list (before the
    first token, between two tokens, or after the last). Sources always come
    from the original sentence, never from words inserted before.

    So the result has ``len(words) + n`` tokens, the original tokens appear in
    their original order, and every inserted token is a synonym of a source.
    With no source (or ``n == 0``) the result is an unchanged copy.
    Raises ``ValueError`` if ``n < 0``. All randomness comes from
    ``random.Random(seed)``.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = random.Random(seed)
    protected = set(protected)
    out = list(words)
    sources = [w for w in words if w not in protected and synonyms_of(w, lexicon)]
    if not sources:
        return out
    for _ in range(n):
        synonym = rng.choice(synonyms_of(rng.choice(sources), lexicon))
        out.insert(rng.randint(0, len(out)), synonym)
    return out


def random_swap(words: Sequence[str], n: int, seed: int, protected: Collection[str] = ()) -> list[str]:
    """Swap two tokens, ``n`` times.

    The *free positions* are those whose token is not protected. Each of the
    ``n`` swaps picks two **different** free positions uniformly at random
    (every unordered pair equally likely) and exchanges their tokens in the
    current list. Protected tokens therefore keep their positions, and the
    result has the same length and the same multiset of tokens. With fewer
    than two free positions (or ``n == 0``) the result is an unchanged copy.

    Raises ``ValueError`` if ``n < 0``. All randomness comes from
    ``random.Random(seed)``.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = random.Random(seed)
    protected = set(protected)
    out = list(words)
    free = [i for i, w in enumerate(words) if w not in protected]
    if len(free) < 2:
        return out
    for _ in range(n):
        i, j = rng.sample(free, 2)
        out[i], out[j] = out[j], out[i]
    return out


def random_deletion(words: Sequence[str], p: float, seed: int, protected: Collection[str] = ()) -> list[str]:
    """Delete each unprotected token independently with probability ``p``.

    Protected tokens are never deleted; the kept tokens stay in their order.
    A non-empty sentence never becomes empty: if every token was deleted, the
    result is one token of the sentence chosen uniformly at random (so a
    one-word sentence is returned unchanged). An empty sentence gives ``[]``.
    ``p == 0`` deletes nothing.

    Raises ``ValueError`` unless ``0 <= p <= 1``. All randomness comes from
    ``random.Random(seed)``.
    """
    if not 0 <= p <= 1:
        raise ValueError("p must be in [0, 1]")
    if not words:
        return []
    rng = random.Random(seed)
    protected = set(protected)
    kept = [w for w in words if w in protected or rng.random() >= p]
    return kept if kept else [rng.choice(words)]


# ---- the pipeline ---------------------------------------------------------------------------------------


def num_changes(alpha: float, num_words: int) -> int:
    """How many words an operation with rate ``alpha`` changes in a sentence of ``num_words`` tokens.

    ``0`` if ``alpha == 0`` (the operation is off); otherwise
    ``max(1, int(alpha * num_words))``: the product rounded **down**, but at
    least one, so that short sentences still change. For example
    ``num_changes(0.1, 25) == 2``, ``num_changes(0.1, 5) == 1``,
    ``num_changes(0.1, 19) == 1``.

    Raises ``ValueError`` if ``alpha < 0`` or ``num_words < 0``.
    """
    if alpha < 0 or num_words < 0:
        raise ValueError("alpha and num_words must be >= 0")
    return 0 if alpha == 0 else max(1, int(alpha * num_words))


def eda(
    text: str,
    lexicon: Lexicon,
    num_aug: int = 4,
    alpha_sr: float = 0.1,
    alpha_ri: float = 0.1,
    alpha_rs: float = 0.1,
    p_rd: float = 0.1,
    seed: int = 0,
    protected: Collection[str] = (),
) -> list[str]:
    """``num_aug`` augmented copies of ``text``, each made by one operation.

    ``words = text.split()``. The *active* operations are those of
    ``OPERATIONS`` (``"sr"``, ``"ri"``, ``"rs"``, ``"rd"``, in this order)
    whose rate (``alpha_sr``, ``alpha_ri``, ``alpha_rs``, ``p_rd``) is
    positive. Copy ``j`` (``j = 0 .. num_aug - 1``) applies the active
    operation number ``j % (number of active operations)`` to ``words``:

    - ``"sr"``: :func:`synonym_replacement` with ``n = num_changes(alpha_sr, len(words))``;
    - ``"ri"``: :func:`random_insertion` with ``n = num_changes(alpha_ri, len(words))``;
    - ``"rs"``: :func:`random_swap` with ``n = num_changes(alpha_rs, len(words))``;
    - ``"rd"``: :func:`random_deletion` with ``p = p_rd``;

    each with ``protected`` and with its own seed drawn from
    ``random.Random(seed)`` (how you draw it is up to you). A copy is its
    tokens joined by one space. So with all four rates positive and
    ``num_aug = 8`` the copies are SR, RI, RS, RD, SR, RI, RS, RD.

    ``num_aug == 0`` gives ``[]``; an empty text gives empty copies (``""``).
    Raises ``ValueError`` if ``num_aug < 0``, if a rate is negative, if
    ``p_rd > 1``, or if no operation is active (checked first, so also when
    ``num_aug == 0`` or the text is empty).
    """
    rates = (alpha_sr, alpha_ri, alpha_rs, p_rd)
    if num_aug < 0:
        raise ValueError("num_aug must be >= 0")
    if min(rates) < 0 or p_rd > 1:
        raise ValueError("rates must be >= 0 and p_rd <= 1")
    active = [op for op, rate in zip(OPERATIONS, rates) if rate > 0]
    if not active:
        raise ValueError("at least one rate must be positive")

    words = text.split()
    rng = random.Random(seed)
    copies = []
    for j in range(num_aug):
        op, op_seed = active[j % len(active)], rng.randrange(2**32)
        if op == "sr":
            new = synonym_replacement(words, num_changes(alpha_sr, len(words)), lexicon, op_seed, protected)
        elif op == "ri":
            new = random_insertion(words, num_changes(alpha_ri, len(words)), lexicon, op_seed, protected)
        elif op == "rs":
            new = random_swap(words, num_changes(alpha_rs, len(words)), op_seed, protected)
        else:
            new = random_deletion(words, p_rd, op_seed, protected)
        copies.append(" ".join(new))
    return copies


def augment_dataset(
    examples: Sequence[tuple[str, Any]],
    lexicon: Lexicon,
    num_aug: int = 4,
    alpha_sr: float = 0.1,
    alpha_ri: float = 0.1,
    alpha_rs: float = 0.1,
    p_rd: float = 0.1,
    seed: int = 0,
    protected: Collection[str] = (),
) -> list[tuple[str, Any]]:
    """Augment a labelled data set: every example followed by its augmented copies.

    ``examples`` is a sequence of ``(text, label)`` pairs; a label is any
    value (an int, a string, ...) and is never looked at. For each example in
    order, the result holds the original pair ``(text, label)`` unchanged,
    then the ``num_aug`` copies of :func:`eda` (same rates and
    ``protected``), each paired with the **same** label. So the result has
    ``len(examples) * (num_aug + 1)`` pairs (tuples).

    Each example's call of :func:`eda` gets its own seed drawn from
    ``random.Random(seed)``, so two examples with the same text usually get
    different copies. Raises ``ValueError`` in the cases where :func:`eda`
    does, also when ``examples`` is empty.
    """
    rates = (alpha_sr, alpha_ri, alpha_rs, p_rd)
    if num_aug < 0 or min(rates) < 0 or p_rd > 1 or max(rates) <= 0:
        raise ValueError("invalid num_aug or rates (see eda)")
    rng = random.Random(seed)
    augmented = []
    for text, label in examples:
        augmented.append((text, label))
        copies = eda(text, lexicon, num_aug, alpha_sr, alpha_ri, alpha_rs, p_rd, rng.randrange(2**32), protected)
        augmented.extend((copy, label) for copy in copies)
    return augmented
