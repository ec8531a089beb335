"""Lab 05: tokenization and byte-level BPE.

Two families of tokenizers:

* **Word tokenizers**, which cut text into words and punctuation by rules:
  :func:`whitespace_tokenize`, :func:`regex_tokenize` and a Penn
  Treebank-style :func:`treebank_tokenize` (contractions, quotes,
  punctuation, the final period).
* **Byte-level BPE** (byte-pair encoding), the subword tokenizer of GPT-2 and
  most LLMs since: every string is a sequence of UTF-8 bytes, so nothing is
  ever out of vocabulary. You train it (:func:`train_bpe`: learn merges from
  a text), apply the merges (:func:`apply_merges`), and encode and decode
  text with special tokens such as ``<|endoftext|>`` (:class:`BPETokenizer`,
  :func:`bpe_encode`).

Conventions used throughout the BPE part
----------------------------------------
* A *token* is a ``bytes`` object. The 256 single bytes ``bytes([0])`` ...
  ``bytes([255])`` are the base tokens; each merge ``(a, b)`` creates the
  token ``a + b``.
* ``merges`` is a list of pairs ``(a, b)`` of tokens, in the order they were
  learned; the *rank* of a merge is its index in that list (0 = learned
  first = applied first). A pair listed more than once keeps the rank of
  its first occurrence (the later ones change nothing).
* ``vocab`` maps token ids (ints) to token bytes. A special token's bytes are
  its UTF-8 encoding.
* Text is *pre-tokenized* before BPE: it is cut at special tokens and then
  into pieces with :data:`GPT2_SPLIT_PATTERN`. BPE works inside each piece
  only: no merge ever crosses a piece boundary, and special tokens are never
  split or merged.

``regex`` (the third-party module, installed with ``transformers``) is needed
for the ``\\p{L}`` / ``\\p{N}`` classes of the GPT-2 pattern; the standard
``re`` module does not support them.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

import regex

#: The default pattern of :func:`regex_tokenize`: runs of word characters, or
#: runs of characters that are neither word characters nor whitespace
#: (nltk's ``WordPunctTokenizer``).
WORD_PUNCT_PATTERN = r"\w+|[^\w\s]+"

#: GPT-2's pre-tokenization pattern (for the ``regex`` module). In order of
#: the alternatives: an English clitic ('s 't 're 've 'm 'll 'd); an optional
#: space and a run of letters; an optional space and a run of digits; an
#: optional space and a run of other symbols; whitespace not followed by a
#: non-space (so the last space before a word stays with the word); any other
#: whitespace.
GPT2_SPLIT_PATTERN = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""

_GPT2_SPLIT = regex.compile(GPT2_SPLIT_PATTERN)

# ---- word tokenizers --------------------------------------------------------------------------------------


def whitespace_tokenize(text: str) -> list[str]:
    """Split ``text`` at runs of whitespace; no empty tokens.

    Whitespace is every character for which ``str.isspace()`` is true
    (spaces, tabs, newlines, no-break spaces, ...). Leading and trailing
    whitespace produce no tokens; blank text gives ``[]``. This is exactly
    ``str.split()`` without arguments (and nltk's ``WhitespaceTokenizer``).
    """
    return text.split()


def regex_tokenize(text: str, pattern: str = WORD_PUNCT_PATTERN, *, gaps: bool = False) -> list[str]:
    """Tokenize ``text`` with a regular expression.

    Compile ``pattern`` with the third-party ``regex`` module, no flags (nltk
    does the same; the standard ``re`` module gives the same tokens except
    around combining marks and joiners, which ``regex`` counts as word
    characters). With ``gaps=False`` the tokens are the non-overlapping
    matches of ``pattern``, left to right; each token is the *whole* match
    (``match.group(0)``), even if ``pattern`` contains groups. With
    ``gaps=True`` the pattern matches the *separators* instead: the tokens
    are the pieces of text between matches, and empty pieces are dropped
    (groups in the pattern change nothing: separators are never tokens).
    For patterns without groups this is nltk's
    ``RegexpTokenizer(pattern, gaps=gaps)``.

    Examples: ``regex_tokenize("Don't stop!")`` -> ``['Don', "'", 't', 'stop', '!']``;
    ``regex_tokenize("a, b,,c", r",\\s*", gaps=True)`` -> ``['a', 'b', 'c']``.

    An invalid ``pattern`` raises the ``regex`` module's error.
    """
    compiled = regex.compile(pattern)
    if gaps:
        return [piece for piece in _split_at_matches(compiled, text) if piece]
    return [match.group(0) for match in compiled.finditer(text)]


def _split_at_matches(compiled: regex.Pattern, text: str) -> Iterable[str]:
    """The pieces of ``text`` between the matches of ``compiled`` (groups ignored)."""
    start = 0
    for match in compiled.finditer(text):
        yield text[start : match.start()]
        start = match.end()
    yield text[start:]


# Treebank rules, in the order they are applied. Each replacement pads a token with spaces.
_OPENING_QUOTE = re.compile(r'(^|(?<=[ (\[{<]))"')
_COMMA_COLON = re.compile(r"[,:](?!\d)")
_ELLIPSIS = re.compile(r"\.\.\.")
_ALWAYS_SPLIT = re.compile(r"[;@#$%&?!()\[\]{}<>]|--")
_FINAL_PERIOD = re.compile(r"(?<=[^.])\.(?=[\s\])}>\"']*$)")
_CLOSING_QUOTE = re.compile(r'"')
_CLITIC = re.compile(r"(?<=[^'\s])('[sSmMdD]|'ll|'LL|'re|'RE|'ve|'VE|n't|N'T|')(?=\s|$)")


def treebank_tokenize(text: str) -> list[str]:
    """Penn Treebank-style word tokenization (the rules of nltk's ``TreebankWordTokenizer``, simplified).

    Apply these rules in this order, then split at whitespace
    (``str.split()``). "Split off X" means: make X a token of its own by
    putting a space before and after it.

    1. **Opening double quotes.** A ``"`` at the start of the text, or right
       after a space (U+0020, not other whitespace) or one of ``( [ { <``,
       is replaced by the token ``"``"`` (two backticks).
    2. **Commas and colons** are split off unless the next character is a
       digit (``3,000`` and ``10:30`` stay whole; a ``,`` at the very end of
       the text is split off).
    3. **Ellipsis.** ``...`` is split off as one token.
    4. **Always split off:** each of ``; @ # $ % & ? !``, each bracket
       ``( ) [ ] { } < >``, and ``--``.
    5. **Final period.** If the text ends with a ``.`` -- followed by nothing
       but closing brackets ``) ] } >``, quotes ``" '`` and whitespace -- and
       the character before that period is not also a ``.``, that period is
       split off. No other period is touched (``"Mr."``, ``"3.5"``,
       ``"York."`` in mid-text stay whole).
    6. **Closing double quotes.** Every remaining ``"`` is replaced by the
       token ``"''"`` (two apostrophes).
    7. **Clitics and contractions.** At the end of a word -- followed by
       whitespace or the end of the text, after rules 1-6 -- the endings
       ``'s 'S 'm 'M 'd 'D 'll 'LL 're 'RE 've 'VE n't N'T`` and a lone
       ``'`` are split off, provided the character before the ending is
       neither whitespace nor ``'``. So ``don't`` -> ``do n't``,
       ``can't`` -> ``ca n't``, ``They'll`` -> ``They 'll``,
       ``James's`` -> ``James 's``, ``dogs'`` -> ``dogs '``. Apply this in a
       single left-to-right pass.

    Everything else stays inside its token (hyphens, slashes, apostrophes
    inside words, ``$`` is split but digits with ``.`` are not: ``$3.50`` ->
    ``$ 3.50``). Not implemented (unlike nltk): the special words ``cannot``,
    ``gonna``, ``gotta``, ``wanna``, ``gimme``, ``lemme``, ``'tis``, ``'twas``;
    opening ``''``; converting brackets to ``-LRB-`` etc.

    Example: ``'"I can't go," she said.'`` ->
    ``['``', 'I', 'ca', "n't", 'go', ',', "''", 'she', 'said', '.']``.
    """
    text = _OPENING_QUOTE.sub(" `` ", text)
    text = _COMMA_COLON.sub(r" \g<0> ", text)
    text = _ELLIPSIS.sub(" ... ", text)
    text = _ALWAYS_SPLIT.sub(r" \g<0> ", text)
    text = _FINAL_PERIOD.sub(" . ", text)
    text = _CLOSING_QUOTE.sub(" '' ", text)
    text = _CLITIC.sub(r" \1 ", text)
    return text.split()


# ---- byte-level BPE: pre-tokenization ---------------------------------------------------------------------


def _special_pattern(special_tokens: Sequence[str]) -> re.Pattern[str] | None:
    """A pattern that matches any special token, the longest one first at each position."""
    if not special_tokens:
        return None
    ordered = sorted(set(special_tokens), key=len, reverse=True)
    return re.compile("|".join(re.escape(token) for token in ordered))


def _split_special(text: str, special_tokens: Sequence[str]) -> list[tuple[str, bool]]:
    """``text`` cut at special tokens: ``(piece, is_special)`` pairs, without empty pieces."""
    pattern = _special_pattern(special_tokens)
    if pattern is None:
        return [(text, False)] if text else []
    parts: list[tuple[str, bool]] = []
    start = 0
    for match in pattern.finditer(text):
        if match.start() > start:
            parts.append((text[start : match.start()], False))
        parts.append((match.group(0), True))
        start = match.end()
    if start < len(text):
        parts.append((text[start:], False))
    return parts


def _check_special_tokens(special_tokens: Sequence[str]) -> None:
    if any(not token for token in special_tokens):
        raise ValueError("special tokens must be non-empty strings")
    if len(set(special_tokens)) != len(special_tokens):
        raise ValueError("special tokens must be distinct")


def pretokenize(text: str, special_tokens: Sequence[str] = ()) -> list[str]:
    """Cut ``text`` into the pieces that BPE works on, in order.

    1. Find the special tokens, scanning left to right: at each position, if
       one or more special tokens start there, the *longest* one is taken
       (so with ``"<|a|>"`` and ``"<|a|><|a|>"``, the text ``"<|a|><|a|>"``
       is one special token); the scan continues after it. Each special token
       found is one piece, kept exactly as it is.
    2. Each stretch of text between special tokens is cut into the matches of
       :data:`GPT2_SPLIT_PATTERN` (``regex.findall``). The matches cover the
       whole stretch, so ``"".join(pretokenize(text, ...)) == text``.

    Without special tokens, a string like ``"<|endoftext|>"`` is ordinary
    text. Examples: ``pretokenize("Hello  world's 42!")`` ->
    ``['Hello', ' ', ' world', "'s", ' 42', '!']``;
    ``pretokenize("a<|eot|>b", ["<|eot|>"])`` -> ``['a', '<|eot|>', 'b']``.
    ``""`` gives ``[]``.

    Raises ``ValueError`` if a special token is the empty string or appears
    twice in ``special_tokens``.
    """
    _check_special_tokens(special_tokens)
    pieces: list[str] = []
    for part, is_special in _split_special(text, special_tokens):
        if is_special:
            pieces.append(part)
        else:
            pieces.extend(_GPT2_SPLIT.findall(part))
    return pieces


# ---- byte-level BPE: training -----------------------------------------------------------------------------

Pair = tuple[bytes, bytes]


def _merge_word(word: tuple[bytes, ...], pair: Pair, merged: bytes) -> tuple[bytes, ...]:
    """Replace every occurrence of ``pair`` in ``word`` by ``merged``, left to right, non-overlapping."""
    out: list[bytes] = []
    i, n = 0, len(word)
    while i < n:
        if i + 1 < n and word[i] == pair[0] and word[i + 1] == pair[1]:
            out.append(merged)
            i += 2
        else:
            out.append(word[i])
            i += 1
    return tuple(out)


def train_bpe(text: str, vocab_size: int, special_tokens: Sequence[str] = ()) -> tuple[dict[int, bytes], list[Pair]]:
    """Learn byte-level BPE merges from ``text``; return ``(vocab, merges)``.

    Training data: ``text`` is pre-tokenized with :func:`pretokenize`; the
    special-token pieces are dropped (they are never split, merged or
    counted), and every other piece becomes a sequence of single-byte tokens
    (its UTF-8 bytes). Identical pieces are counted once, with their
    frequency.

    Each step: count every adjacent pair of tokens inside each piece (every
    position counts, so ``aaa`` contributes 2 to the pair ``(a, a)``;
    pairs never span two pieces), weighted by the piece's frequency. Pick
    the pair with the highest count; **among pairs with equal counts, pick
    the lexicographically greatest pair**, comparing ``(a, b)`` as a Python
    tuple of ``bytes`` (``a`` first, then ``b``; bytes compare by byte value,
    and a prefix is smaller than a longer string). That is,
    ``max(counts, key=lambda pair: (counts[pair], pair))``. Append it to
    ``merges`` and replace its occurrences in every piece by the new token
    ``a + b``, left to right without overlap (``a a a`` -> ``aa a``).
    Repeat until the vocabulary has ``vocab_size`` entries, or stop early
    when no piece has two tokens left (no pair to merge).

    Vocabulary layout: ids ``0..255`` are the single bytes
    (``vocab[i] == bytes([i])``), the merges follow in order
    (``vocab[256 + rank] == a + b``), and then the special tokens in the
    given order (their UTF-8 bytes), so ``len(vocab) == 256 + len(merges) +
    len(special_tokens)``.

    Raises ``ValueError`` if ``vocab_size < 256 + len(special_tokens)``, or
    for invalid special tokens (as :func:`pretokenize`).

    Training speed is timed (a kernel: about 40 kB of text, 400 merges).
    Recounting every pair of every piece at each step is correct but slow;
    count once, and after each merge update the counts of the pieces that
    contain the merged pair only (remember, for each pair, the pieces it
    occurs in).
    """
    _check_special_tokens(special_tokens)
    if vocab_size < 256 + len(special_tokens):
        raise ValueError(f"vocab_size must be at least 256 + {len(special_tokens)} special tokens, got {vocab_size}")
    specials = set(special_tokens)
    piece_counts = Counter(piece for piece in pretokenize(text, special_tokens) if piece not in specials)
    words = [tuple(bytes([b]) for b in piece.encode("utf-8")) for piece in piece_counts]
    freqs = list(piece_counts.values())

    # Pair counts, and for each pair the words it occurs in: a merge only touches those words.
    pair_counts: Counter[Pair] = Counter()
    where: defaultdict[Pair, set[int]] = defaultdict(set)
    for index, (word, freq) in enumerate(zip(words, freqs)):
        for pair in zip(word, word[1:]):
            pair_counts[pair] += freq
            where[pair].add(index)

    merges: list[Pair] = []
    num_merges = vocab_size - 256 - len(special_tokens)
    while len(merges) < num_merges and pair_counts:
        best = max(pair_counts.items(), key=lambda item: (item[1], item[0]))[0]
        merged = best[0] + best[1]
        merges.append(best)
        for index in where.pop(best):
            old, freq = words[index], freqs[index]
            new = _merge_word(old, best, merged)
            for pair in zip(old, old[1:]):
                pair_counts[pair] -= freq
            for pair in zip(new, new[1:]):
                pair_counts[pair] += freq
                where[pair].add(index)
            words[index] = new
        pair_counts = +pair_counts  # drop pairs whose count fell to zero (the merged one included)

    vocab = {i: bytes([i]) for i in range(256)}
    for rank, (a, b) in enumerate(merges):
        vocab[256 + rank] = a + b
    for offset, token in enumerate(special_tokens):
        vocab[256 + len(merges) + offset] = token.encode("utf-8")
    return vocab, merges


# ---- byte-level BPE: encoding and decoding ----------------------------------------------------------------


def _ranks(merges: Iterable[Pair]) -> dict[Pair, int]:
    """``{pair: rank}``; a pair listed twice keeps the rank of its first occurrence."""
    ranks: dict[Pair, int] = {}
    for rank, pair in enumerate(merges):
        ranks.setdefault(pair, rank)
    return ranks


def _apply_ranked_merges(piece: bytes, ranks: dict[Pair, int]) -> list[bytes]:
    """BPE on one piece: repeatedly merge the adjacent pair of lowest rank (see :func:`apply_merges`)."""
    tokens = [bytes([b]) for b in piece]
    unknown = float("inf")  # above every rank (len(ranks) is not, when merges repeat a pair)
    while len(tokens) > 1:
        best = min(zip(tokens, tokens[1:]), key=lambda pair: ranks.get(pair, unknown))
        if best not in ranks:
            break
        tokens = list(_merge_word(tuple(tokens), best, best[0] + best[1]))
    return tokens


def apply_merges(piece: bytes, merges: Sequence[Pair]) -> list[bytes]:
    """Split one pre-tokenized piece (as bytes) into BPE tokens.

    Start from the single bytes of ``piece``. Repeatedly: among the adjacent
    pairs of the current tokens that are in ``merges``, take the one with
    the **lowest rank** (index in ``merges``; how often a pair occurs does
    not matter), and replace all its occurrences, left to right without
    overlap, by the merged token. Stop when no adjacent pair is in
    ``merges``. Return the tokens; ``b"".join(result) == piece``. A pair
    listed twice in ``merges`` has the rank of its first occurrence.

    Examples with ``merges = [(b"b", b"c"), (b"a", b"b")]``:
    ``apply_merges(b"abc", merges)`` -> ``[b"a", b"bc"]`` (rank 0 first,
    although ``ab`` comes first in the text); with ``merges = [(b"a", b"a")]``:
    ``apply_merges(b"aaaaa", merges)`` -> ``[b"aa", b"aa", b"a"]``.
    ``b""`` gives ``[]``. With ``merges = [(b"b", b"c"), (b"a", b"b"), (b"b", b"c")]``,
    ``(b"b", b"c")`` has rank 0: ``apply_merges(b"abc", merges)`` -> ``[b"a", b"bc"]``.
    """
    return _apply_ranked_merges(piece, _ranks(merges))


class BPETokenizer:
    """A byte-level BPE tokenizer: text <-> token ids.

    Args:
        vocab: id -> token bytes. It must contain the 256 single bytes, the
            result ``a + b`` of every merge and the UTF-8 bytes of every
            special token, under any ids (not necessarily the layout of
            :func:`train_bpe`). If several ids hold the same bytes, the
            smallest of them is used when encoding.
        merges: the merges in rank order (see :func:`apply_merges`).
        special_tokens: strings that are never split: each occurrence in the
            text is encoded as the single id of its bytes in ``vocab``.

    Raises ``ValueError`` if something listed above is missing from
    ``vocab``, or for invalid special tokens (as :func:`pretokenize`).
    The tokenizer does not change after construction.
    """

    def __init__(self, vocab: dict[int, bytes], merges: Sequence[Pair], special_tokens: Sequence[str] = ()) -> None:
        _check_special_tokens(special_tokens)
        self.vocab = dict(vocab)
        self.merges = [(bytes(a), bytes(b)) for a, b in merges]
        self.special_tokens = list(special_tokens)
        self._ids: dict[bytes, int] = {}
        for token_id in sorted(self.vocab, reverse=True):  # the smallest id wins
            self._ids[self.vocab[token_id]] = token_id
        needed = [bytes([b]) for b in range(256)] + [a + b for a, b in self.merges]
        needed += [token.encode("utf-8") for token in self.special_tokens]
        missing = [token for token in needed if token not in self._ids]
        if missing:
            raise ValueError(f"{len(missing)} required tokens are missing from the vocabulary, e.g. {missing[0]!r}")
        self._ranks = _ranks(self.merges)

    def encode(self, text: str) -> list[int]:
        """The token ids of ``text``.

        :func:`pretokenize` ``text`` with this tokenizer's special tokens;
        a special-token piece gives its one id; every other piece is encoded
        to UTF-8, split by :func:`apply_merges` (rank order) and each token
        mapped to its id. ``""`` gives ``[]``. Works for any string that can
        be encoded to UTF-8 (any ``str`` without lone surrogates).
        """
        specials = set(self.special_tokens)
        ids: list[int] = []
        cache: dict[str, list[int]] = {}  # the same piece always gives the same ids
        for piece in pretokenize(text, self.special_tokens):
            if piece in specials:
                ids.append(self._ids[piece.encode("utf-8")])
                continue
            piece_ids = cache.get(piece)
            if piece_ids is None:
                tokens = _apply_ranked_merges(piece.encode("utf-8"), self._ranks)
                piece_ids = cache[piece] = [self._ids[token] for token in tokens]
            ids.extend(piece_ids)
        return ids

    def decode(self, ids: Sequence[int]) -> str:
        """The text of ``ids``: concatenate the tokens' bytes, then decode them as UTF-8.

        Bytes that are not valid UTF-8 (a token sequence may cut a character
        in two, or be arbitrary) become U+FFFD, exactly as
        ``data.decode("utf-8", errors="replace")`` does on the *whole*
        concatenation (never decode token by token). So
        ``decode(encode(text)) == text`` for every text. Raises
        ``ValueError`` for an id that is not in the vocabulary.
        """
        try:
            data = b"".join(self.vocab[token_id] for token_id in ids)
        except KeyError as error:
            raise ValueError(f"unknown token id {error.args[0]!r}") from None
        return data.decode("utf-8", errors="replace")


def bpe_encode(text: str, vocab: dict[int, bytes], merges: Sequence[Pair], special_tokens: Sequence[str] = ()) -> list[int]:
    """``BPETokenizer(vocab, merges, special_tokens).encode(text)`` as one function call.

    This is a timed kernel (BPE encoding speed): it is called with texts of
    about 30 kB, a few hundred merges and one special token. Natural text
    repeats the same pieces over and over, and a piece always gives the same
    tokens, so remember the ids of the pieces you have already encoded
    during the call; look pairs up in a ``{pair: rank}`` dict, never by
    searching the ``merges`` list.
    """
    return BPETokenizer(vocab, merges, special_tokens).encode(text)
